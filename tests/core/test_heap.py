"""``annotator.core.heap.building``: the cycle collector is paused while a document's spans are
made, and what was made is left out of later passes, yet still freed as usual."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from annotator.core import heap


class Thing:
    def __init__(self) -> None:
        self.other: Thing | None = None


@pytest.fixture(autouse=True)
def _collector_as_it_was():
    was = gc.isenabled()
    gc.enable()
    yield
    gc.unfreeze()
    (gc.enable if was else gc.disable)()


def test_paused_inside_resumed_after_and_nested():
    with heap.building():
        assert not gc.isenabled()
        with heap.building():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block is still building
    assert gc.isenabled()


def test_left_disabled_when_it_was_disabled():
    gc.disable()
    before = gc.get_freeze_count()
    with heap.building():
        pass
    assert not gc.isenabled() and gc.get_freeze_count() == before  # nothing frozen either


def test_made_objects_are_frozen_and_still_freed_by_reference_counting():
    gc.unfreeze()
    with heap.building():
        made = [Thing() for _ in range(1000)]
    assert gc.get_freeze_count() >= 1000
    watch = weakref.ref(made[0])
    del made
    assert watch() is None  # no collection needed: acyclic objects go with their last reference


def test_frozen_garbage_cycles_are_collected_by_the_next_sweep(monkeypatch):
    with heap.building():
        a, b = Thing(), Thing()
        a.other, b.other = b, a
    watch = weakref.ref(a)
    del a, b
    gc.collect()
    assert watch() is not None  # frozen: passes skip it
    monkeypatch.setattr(heap, "SWEEP_SECONDS", 0.0)
    with heap.building():
        pass
    assert watch() is None


def test_blocks_on_two_threads():
    inside = threading.Event()
    leave = threading.Event()

    def worker() -> None:
        with heap.building():
            inside.set()
            leave.wait(10)

    t = threading.Thread(target=worker)
    t.start()
    assert inside.wait(10)
    with heap.building():
        pass
    assert not gc.isenabled()  # the worker is still building
    leave.set()
    t.join(10)
    assert gc.isenabled()


def test_an_export_pause_and_a_build_share_one_count_whichever_ends_first():
    assert gc.isenabled()
    outer = heap.paused()
    outer.__enter__()
    assert not gc.isenabled()
    with heap.building():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the export's pause still holds
    outer.__exit__(None, None, None)
    assert gc.isenabled()  # and the collector comes back with the last block
    b = heap.building()
    b.__enter__()
    with heap.paused():
        pass
    assert not gc.isenabled()
    b.__exit__(None, None, None)
    assert gc.isenabled()
