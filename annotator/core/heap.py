"""Building many long-lived objects at once without the cycle collector walking them.

Opening a 1 MB article with 20,000 spans makes ~60,000 objects that live as long as the document
is open (``SpanData``, the text view's render spans and their index, the span list's rows).
CPython's cycle collector makes a *full* pass whenever the objects that survived its young passes
have grown by a quarter of the long-lived heap: each such open triggered one or two full passes
(~70 ms each on the shared 2-core benchmark machine, more than the rest of the open), and every
later full pass (during an edit) walked all 20,000 spans again.

Those objects hold no reference cycles (frozen dataclasses, named tuples, dicts and sets of
numbers and strings): reference counting frees them when the next document replaces them, and
the collector never has anything to find among them. :func:`building` pauses the collector while
they are made, then moves everything alive into the collector's permanent generation
(``gc.freeze``), which later passes skip. Frozen objects are still freed by reference counting.
A reference cycle that was already garbage when it was frozen would wait: so a block that starts
more than :data:`SWEEP_SECONDS` after the last full pass first hands the frozen objects back
(``gc.unfreeze``) and collects once (what every large open paid before, now at most once a minute).
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

SWEEP_SECONDS = 120.0

_lock = threading.Lock()
_depth = 0  # nested or concurrent ``building`` blocks: the collector is one per process
_resume = False  # the collector was enabled when the outermost block began
_swept = time.monotonic()  # when frozen objects were last given back and collected


@contextmanager
def building() -> Iterator[None]:
    """Pause the cycle collector while many acyclic, long-lived objects are made; afterwards they
    (and everything else alive) are left out of later passes. Safe from any thread; nests."""
    with _paused(freeze=True):
        yield


@contextmanager
def paused() -> Iterator[None]:
    """Pause the cycle collector while many short-lived acyclic objects are made and dropped (an
    export's rows and records, freed by reference counting). Shares :func:`building`'s count, so
    the collector comes back when the last block of either kind ends, whichever thread it is on."""
    with _paused(freeze=False):
        yield


_freeze_wanted = False


@contextmanager
def _paused(*, freeze: bool) -> Iterator[None]:
    global _depth, _resume, _swept, _freeze_wanted
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            if _resume and gc.get_freeze_count() and time.monotonic() - _swept > SWEEP_SECONDS:
                gc.unfreeze()
                gc.collect()
                _swept = time.monotonic()
            gc.disable()
        _depth += 1
        _freeze_wanted = _freeze_wanted or freeze
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                if _resume:
                    if _freeze_wanted:
                        gc.freeze()
                    gc.enable()
                _freeze_wanted = False
