"""Qt-free persistence: SQLModel tables, Alembic migrations, and the ``Project`` repository.

ORM objects never leave this package: ``Project`` returns the plain types of
``annotator.core.model``.
"""

from annotator.storage.project import Project

__all__ = ["Project"]
