"""one edit model: ids that are never reused, review state in its own table, claimants only as relations

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

- ``span``, ``relation``, ``document_label`` and ``claim_link`` get SQLite ``AUTOINCREMENT``: a
  freed id is never handed out again, so an undo or redo that names a row can never reach a row
  another writer created since (PostgreSQL sequences never reuse ids already).
- ``review_state``: the per-document review record (rejected regions, who rejected them, the
  stance's provenance) moves out of ``setting`` keys ``review.doc.N``.
- A claim's claimant is the ``claimant`` relation alone. The copies in the claim's attributes
  (``claimant_span``, a row id, and ``claimant``, the entity's text) are removed; a copy that named
  an entity without a relation becomes the relation; a claimant given only as text (an import
  with no entity span) stays as ``attrs["claimant"]``.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

AUTOINCREMENT_TABLES = ("span", "relation", "document_label", "claim_link")


def _json(v):
    if v is None or isinstance(v, (dict, list)):
        return v
    return json.loads(v)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for t in AUTOINCREMENT_TABLES:
            with op.batch_alter_table(t, recreate="always", table_kwargs={"sqlite_autoincrement": True}):
                pass
    op.create_table(
        "review_state",
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("document.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
    )
    setting = sa.table("setting", sa.column("key", sa.String), sa.column("value", sa.JSON))
    review = sa.table("review_state", sa.column("document_id", sa.Integer), sa.column("data", sa.JSON),
                      sa.column("updated_at", sa.Float))
    docs = {r[0] for r in bind.execute(sa.text("SELECT id FROM document"))}
    rows = []
    for key, value in bind.execute(sa.select(setting.c.key, setting.c.value)
                                   .where(setting.c.key.like("review.doc.%"))).all():
        try:
            doc_id = int(key.rsplit(".", 1)[1])
        except ValueError:
            continue
        value = _json(value)
        if doc_id in docs and isinstance(value, dict) and value:
            rows.append({"document_id": doc_id, "data": value, "updated_at": 0.0})
    if rows:
        bind.execute(sa.insert(review), rows)
    bind.execute(sa.delete(setting).where(setting.c.key.like("review.doc.%")))

    # claimants: the relation is the one place
    span = sa.table("span", sa.column("id", sa.Integer), sa.column("document_id", sa.Integer),
                    sa.column("annotator_id", sa.Integer), sa.column("attrs", sa.JSON))
    relation = sa.table("relation", sa.column("id", sa.Integer), sa.column("annotator_id", sa.Integer),
                        sa.column("head_span_id", sa.Integer), sa.column("tail_span_id", sa.Integer),
                        sa.column("kind", sa.String), sa.column("attrs", sa.JSON))
    linked = {r[0] for r in bind.execute(sa.select(relation.c.head_span_id).where(relation.c.kind == "claimant"))}
    where = span.c.attrs.cast(sa.String).like('%"claimant%')
    for sid, doc_id, ann_id, attrs in bind.execute(
            sa.select(span.c.id, span.c.document_id, span.c.annotator_id, span.c.attrs).where(where)).all():
        attrs = _json(attrs) or {}
        if "claimant_span" not in attrs and "claimant" not in attrs:
            continue
        new = {k: v for k, v in attrs.items() if k not in ("claimant_span", "claimant")}
        ent = attrs.get("claimant_span")
        if sid not in linked and isinstance(ent, int):
            ok = bind.execute(sa.select(span.c.id).where(span.c.id == ent, span.c.document_id == doc_id)).first()
            if ok is not None:
                bind.execute(sa.insert(relation).values(annotator_id=ann_id, head_span_id=sid, tail_span_id=ent,
                                                        kind="claimant", attrs={}))
                linked.add(sid)
        if sid not in linked and attrs.get("claimant"):
            new["claimant"] = attrs["claimant"]  # a name with no entity span: kept as text
        bind.execute(sa.update(span).where(span.c.id == sid).values(attrs=new))


def downgrade() -> None:
    op.drop_table("review_state")
