"""Qt-free persistence: SQLModel tables, Alembic migrations, and the ``Project`` repository.

ORM objects never leave this package: ``Project`` returns the plain types of
``annotator.core.model``. ``Project`` is imported on first use, so that a light submodule
(``annotator.storage.errors``) does not load SQLModel and Alembic with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.storage.project import Project

__all__ = ["Project"]


def __getattr__(name: str):  # noqa: ANN202  (PEP 562)
    if name == "Project":
        from annotator.storage.project import Project

        return Project
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
