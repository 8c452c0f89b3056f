"""a document's tokens stored once, in a compact form

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

``document_token`` holds each document's spaCy tokens (``annotator.core.tokens.encode``: one
byte per token for most tokens), written the first time something needs them (the workspace's
token snapping, an export, token agreement) and read after that instead of tokenising again.
``tokenizer`` names the language and spaCy version that made them (another language or spaCy
release makes them again); a trigger drops a document's row when its text changes. Nothing
existing changes: old documents have no row until first needed.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_token",
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("document.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("tokenizer", sa.String(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE TRIGGER document_token_text AFTER UPDATE OF text ON document "
                   "BEGIN DELETE FROM document_token WHERE document_id = new.id; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS document_token_text")
    op.drop_table("document_token")
