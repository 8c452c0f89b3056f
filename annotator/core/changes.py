"""What an edit changed: one typed description for every edit in the app.

Every user edit (the workspace, review, suggestions, stories) is an *operation* that returns a
:class:`Change`. A change lists rows as ``(before, after)`` pairs: ``before is None`` means the
row was added, ``after is None`` that it was removed, both set that it was changed. Storage
applies a change, or its :meth:`Change.inverse`, in one transaction and refuses it when a row's
``before`` is not what is stored (another writer changed it), so undo never touches somebody
else's work. The GUI has one undo command that wraps any change, and every view refreshes from
the change it is handed (Anki's ``OpChanges``, orange-canvas-core's undo commands).

Rows that do not exist yet may carry negative placeholder ids (``-1``, ``-2`` …), and other rows
of the same change may refer to them (a claim added with its claimant relation); storage returns
the change with the real ids filled in.

Nothing here knows about SQL or Qt.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from annotator.core.claim_matching import ClaimLinkData, StoryData
from annotator.core.model import DocumentLabelData, RelationData, SpanData, Status

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class StatusRow:
    """One annotator's status of one document (no row means "to do")."""

    document_id: int
    annotator_id: int
    status: Status


@dataclass(frozen=True, slots=True)
class ReviewState:
    """A document's review record: rejected regions (with who and when) and the stance's provenance."""

    document_id: int
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SettingRow:
    key: str
    value: Any


@dataclass(frozen=True, slots=True)
class Edit(Generic[T]):
    before: T | None
    after: T | None

    def inverse(self) -> Edit[T]:
        return Edit(self.after, self.before)

    @property
    def added(self) -> bool:
        return self.before is None and self.after is not None

    @property
    def removed(self) -> bool:
        return self.before is not None and self.after is None


def _row_key(row: Any) -> Any:
    if isinstance(row, StatusRow):
        return ("status", row.document_id, row.annotator_id)
    if isinstance(row, ReviewState):
        return ("review", row.document_id)
    if isinstance(row, SettingRow):
        return ("setting", row.key)
    return ("id", row.id)


def _compose(edits: tuple[Edit, ...]) -> tuple[Edit, ...]:
    out: dict[Any, Edit] = {}
    for e in edits:
        key = _row_key(e.before if e.before is not None else e.after)
        if key in out:
            first = out.pop(key)
            e = Edit(first.before, e.after)
        if e.before is None and e.after is None:
            continue
        if e.before is not None and e.before == e.after:
            continue
        out[key] = e
    return tuple(out.values())


def _inv(edits: tuple[Edit, ...]) -> tuple[Edit, ...]:
    return tuple(e.inverse() for e in reversed(edits))


@dataclass(frozen=True)
class Change:
    """Rows an operation added, removed or changed, by table; ``text`` names it for undo menus."""

    spans: tuple[Edit[SpanData], ...] = ()
    relations: tuple[Edit[RelationData], ...] = ()
    document_labels: tuple[Edit[DocumentLabelData], ...] = ()
    statuses: tuple[Edit[StatusRow], ...] = ()
    reviews: tuple[Edit[ReviewState], ...] = ()
    links: tuple[Edit[ClaimLinkData], ...] = ()
    stories: tuple[Edit[StoryData], ...] = ()
    settings: tuple[Edit[SettingRow], ...] = ()
    text: str = ""

    KINDS = ("spans", "relations", "document_labels", "statuses", "reviews", "links", "stories", "settings")

    @property
    def empty(self) -> bool:
        return not any(getattr(self, k) for k in self.KINDS)

    def inverse(self) -> Change:
        return Change(**{k: _inv(getattr(self, k)) for k in self.KINDS}, text=self.text)

    def then(self, other: Change) -> Change:
        """This change followed by ``other``, as one change: edits of the same row are composed
        (before of the first, after of the last), so the result applies and inverts like any change."""
        return Change(**{k: _compose(getattr(self, k) + getattr(other, k)) for k in self.KINDS},
                      text=self.text or other.text)

    def named(self, text: str) -> Change:
        return replace(self, text=text)

    # ---------------------------------------------------------------- what views ask
    def documents(self) -> set[int]:
        """Documents whose rows this change touches."""
        out: set[int] = set()
        for kind in ("spans", "document_labels", "statuses", "reviews"):
            for e in getattr(self, kind):
                for row in (e.before, e.after):
                    if row is not None:
                        out.add(row.document_id)
        return out

    def span_edits(self, document_id: int, annotator_id: int | None = None) -> tuple[list[SpanData], list[int]]:
        """(spans added or changed, ids removed) of one document (and annotator), after the change."""
        added: dict[int, SpanData] = {}
        removed: set[int] = set()
        for e in self.spans:
            row = e.after if e.after is not None else e.before
            if row is None or row.document_id != document_id:
                continue
            if annotator_id is not None and row.annotator_id != annotator_id:
                continue
            if e.after is None:
                removed.add(row.id)
                added.pop(row.id, None)
            else:
                added[row.id] = e.after
                removed.discard(row.id)
        return list(added.values()), sorted(removed)

    def touches(self, kind: str, document_id: int | None = None) -> bool:
        edits = getattr(self, kind)
        if document_id is None:
            return bool(edits)
        return any(row is not None and getattr(row, "document_id", None) == document_id
                   for e in edits for row in (e.before, e.after))

    def summary(self) -> str:
        parts = []
        for kind in self.KINDS:
            edits = getattr(self, kind)
            if edits:
                add = sum(e.added for e in edits)
                rem = sum(e.removed for e in edits)
                parts.append(f"{kind}: +{add} -{rem} ~{len(edits) - add - rem}")
        return "; ".join(parts) or "nothing"


def added(rows: Iterable[T]) -> tuple[Edit[T], ...]:
    return tuple(Edit(None, r) for r in rows)


def removed(rows: Iterable[T]) -> tuple[Edit[T], ...]:
    return tuple(Edit(r, None) for r in rows)


def changed(before: T, after: T) -> tuple[Edit[T], ...]:
    return () if before == after else (Edit(before, after),)
