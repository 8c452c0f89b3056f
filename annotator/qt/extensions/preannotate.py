"""Annotate → Suggestions (patterns, term lists, spaCy pipelines) and Annotate → Tag all matches…
(see :mod:`annotator.qt.preannotate` and docs/preannotation.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.qt.host import Host


def install(window: Host) -> None:
    from annotator.qt.preannotate import PreannotateFeature

    window.register_feature("preannotate", PreannotateFeature(window))
