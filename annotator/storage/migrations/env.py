"""Alembic environment used programmatically by ``annotator.storage.migrate``."""

from alembic import context

from annotator.storage import tables  # noqa: F401  (registers the tables)
from sqlmodel import SQLModel

config = context.config
connection = config.attributes["connection"]
context.configure(connection=connection, target_metadata=SQLModel.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
