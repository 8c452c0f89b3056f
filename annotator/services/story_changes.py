"""Claim-link and story edits as typed changes (``annotator.core.changes.Change``), so the
window undoes them through its one undo command like every other edit."""

from __future__ import annotations

from collections.abc import Sequence

from annotator.core.changes import Change, Edit
from annotator.services import stories as svc
from annotator.storage import Project
from annotator.storage.claims import ClaimStore


def link_change(edit: svc.LinkEdit | None, text: str = "") -> Change:
    """A link edit already made (``link_claims``, ``unlink_claims``, ``confirm_conflict``) as a change."""
    if edit is None or edit.before == edit.after:
        return Change()
    return Change(links=(Edit(edit.before, edit.after),), text=text)


def set_story_documents(project: Project, story_id: int, document_ids: Sequence[int], *, text: str = "") -> Change:
    """A story's articles, set by hand (the story becomes "manual": regrouping keeps it)."""
    store = ClaimStore(project)
    before = store.set_story_documents(story_id, list(document_ids))
    after = store.story(story_id)
    return Change() if before == after else Change(stories=(Edit(before, after),), text=text)
