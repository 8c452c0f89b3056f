"""stories (documents about one event) and claim links across documents

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "story",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("origin", sa.String(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
    )
    op.create_table(
        "story_document",
        sa.Column("story_id", sa.Integer(), sa.ForeignKey("story.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("document.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
    )
    op.create_index("ix_story_document_document_id", "story_document", ["document_id"])
    op.create_table(
        "claim_link",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("annotator_id", sa.Integer(), sa.ForeignKey("annotator.id", ondelete="CASCADE"), nullable=False),
        sa.Column("source_span_id", sa.Integer(), sa.ForeignKey("span.id", ondelete="CASCADE"), nullable=False),
        sa.Column("target_span_id", sa.Integer(), sa.ForeignKey("span.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("origin", sa.String(), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("attrs", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.UniqueConstraint("annotator_id", "source_span_id", "target_span_id", name="uq_claim_link"),
    )
    op.create_index("ix_claim_link_source_span_id", "claim_link", ["source_span_id"])
    op.create_index("ix_claim_link_target_span_id", "claim_link", ["target_span_id"])


def downgrade() -> None:
    op.drop_index("ix_claim_link_target_span_id", table_name="claim_link")
    op.drop_index("ix_claim_link_source_span_id", table_name="claim_link")
    op.drop_table("claim_link")
    op.drop_index("ix_story_document_document_id", table_name="story_document")
    op.drop_table("story_document")
    op.drop_table("story")
