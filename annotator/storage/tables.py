"""SQLModel tables. The schema itself is owned by the Alembic migrations in ``migrations/``;
a test checks that these models and the migrated database agree."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class Setting(SQLModel, table=True):
    __tablename__ = "setting"
    key: str = Field(primary_key=True)
    value: Any = Field(sa_column=Column(JSON, nullable=False))


class Document(SQLModel, table=True):
    __tablename__ = "document"
    id: int | None = Field(default=None, primary_key=True)
    text: str
    title: str = ""
    source: str | None = None
    url: str | None = None
    published: str | None = None
    content_hash: str = Field(sa_column_kwargs={"unique": True}, max_length=64)
    meta: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    length: int = 0
    created_at: float = 0.0


class Label(SQLModel, table=True):
    __tablename__ = "label"
    __table_args__ = (UniqueConstraint("layer", "name", name="uq_label_layer_name"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str
    layer: str
    color: str = "#cccccc"
    hotkey: str | None = None
    description: str = ""
    group: str | None = None
    position: int = 0


class Annotator(SQLModel, table=True):
    __tablename__ = "annotator"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column_kwargs={"unique": True})
    role: str = "annotator"


class Span(SQLModel, table=True):
    __tablename__ = "span"
    __table_args__ = (Index("ix_span_doc_annotator", "document_id", "annotator_id", "start"),
                      {"sqlite_autoincrement": True})
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    annotator_id: int = Field(foreign_key="annotator.id", ondelete="CASCADE")
    label_id: int = Field(foreign_key="label.id", ondelete="RESTRICT")
    start: int
    end: int
    attrs: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    origin: str = "manual"
    created_at: float = 0.0
    updated_at: float = 0.0


class DocumentLabel(SQLModel, table=True):
    __tablename__ = "document_label"
    __table_args__ = (
        UniqueConstraint("document_id", "annotator_id", "label_id", name="uq_doclabel"),
        Index("ix_doclabel_doc_annotator", "document_id", "annotator_id"),
        {"sqlite_autoincrement": True},
    )
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    annotator_id: int = Field(foreign_key="annotator.id", ondelete="CASCADE")
    label_id: int = Field(foreign_key="label.id", ondelete="RESTRICT")
    attrs: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: float = 0.0


class Relation(SQLModel, table=True):
    __tablename__ = "relation"
    __table_args__ = {"sqlite_autoincrement": True}
    id: int | None = Field(default=None, primary_key=True)
    annotator_id: int = Field(foreign_key="annotator.id", ondelete="CASCADE")
    head_span_id: int = Field(foreign_key="span.id", ondelete="CASCADE", index=True)
    tail_span_id: int = Field(foreign_key="span.id", ondelete="CASCADE", index=True)
    kind: str
    attrs: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class DocumentStatus(SQLModel, table=True):
    __tablename__ = "document_status"
    __table_args__ = (Index("ix_document_status_annotator_status", "annotator_id", "status", "document_id"),)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE", primary_key=True)
    annotator_id: int = Field(foreign_key="annotator.id", ondelete="CASCADE", primary_key=True)
    status: str = "todo"
    updated_at: float = 0.0


class Assignment(SQLModel, table=True):
    __tablename__ = "assignment"
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE", primary_key=True)
    annotator_id: int = Field(foreign_key="annotator.id", ondelete="CASCADE", primary_key=True)
    position: int = 0


# ---------------------------------------------------------------- stories and claim links (0002)
class Story(SQLModel, table=True):
    """Documents about one event. ``origin`` is "auto" until someone edits the story by hand:
    regrouping replaces automatic stories and never touches manual ones."""

    __tablename__ = "story"
    id: int | None = Field(default=None, primary_key=True)
    title: str = ""
    origin: str = "auto"
    created_at: float = 0.0


class StoryDocument(SQLModel, table=True):
    __tablename__ = "story_document"
    story_id: int = Field(foreign_key="story.id", ondelete="CASCADE", primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE", primary_key=True, index=True)
    position: int = 0


class ClaimLink(SQLModel, table=True):
    """One annotator's link from a claim span to a claim span (usually in another document):
    kind same / supports / contradicts; origin manual / suggestion / import; ``confirmed`` once
    the annotator has checked it (accepted a suggestion, confirmed a figure conflict)."""

    __tablename__ = "claim_link"
    __table_args__ = (UniqueConstraint("annotator_id", "source_span_id", "target_span_id", name="uq_claim_link"),
                      {"sqlite_autoincrement": True})
    id: int | None = Field(default=None, primary_key=True)
    annotator_id: int = Field(foreign_key="annotator.id", ondelete="CASCADE")
    source_span_id: int = Field(foreign_key="span.id", ondelete="CASCADE", index=True)
    target_span_id: int = Field(foreign_key="span.id", ondelete="CASCADE", index=True)
    kind: str
    origin: str = "manual"
    confirmed: bool = False
    attrs: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: float = 0.0
    updated_at: float = 0.0


# ---------------------------------------------------------------- edit model (0004)
class ReviewState(SQLModel, table=True):
    """A document's review record (``annotator.core.changes.ReviewState``): rejected regions with
    who rejected them and when, and the gold stance's provenance."""

    __tablename__ = "review_state"
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE", primary_key=True)
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: float = 0.0


# ---------------------------------------------------------------- original article text (0005)
class DocumentOriginal(SQLModel, table=True):
    """What an imported file said when the annotatable ``document.text`` is not all of it
    (boilerplate cut, or article text extracted from a web page); no row when it is."""

    __tablename__ = "document_original"
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE", primary_key=True)
    kind: str = Field(default="text", sa_column_kwargs={"server_default": "text"})
    text: str
    cuts: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


# ---------------------------------------------------------------- stored tokens (0006)
class DocumentToken(SQLModel, table=True):
    """A document's spaCy tokens, computed once (``annotator.core.tokens.encode``). ``tokenizer``
    names the language and spaCy version that made them; ``length`` is the text's length when
    they were made. Rows are dropped when the document's text changes (a trigger, SQLite)."""

    __tablename__ = "document_token"
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE", primary_key=True)
    tokenizer: str
    length: int
    data: bytes
