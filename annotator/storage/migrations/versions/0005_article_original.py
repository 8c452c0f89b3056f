"""the original text of an imported article beside the text people annotate

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

An article imported from a scraped page keeps its annotatable text (boilerplate cut) in
``document.text`` and what the file said, unchanged, in ``document_original.text``, with the
cut lines (line number, offsets, reason) in ``cuts``; ``kind`` is "text" or "html" (the page's
HTML, whose article text was extracted). A document whose text is all of its file has no row.
Nothing existing changes: old documents have no row and read as their own original.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_original",
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("document.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("kind", sa.String(), nullable=False, server_default="text"),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("cuts", sa.JSON(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("document_original")
