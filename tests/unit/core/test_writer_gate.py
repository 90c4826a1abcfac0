"""SQLite writers of one file take turns at a gate (lms.core.db._WriterGate) before BEGIN IMMEDIATE: a writer
waits asleep until the one inside leaves — whether it is a thread of the same process (the same gate) or
of another (another gate on the same file) — instead of polling SQLite's lock and maybe never getting it."""
from __future__ import annotations

import threading

import pytest

from lms.core.db import _WriterGate


@pytest.mark.parametrize("same_process", [True, False])
def test_a_second_writer_gets_in_only_after_the_first_leaves(tmp_path, same_process):
    database = str(tmp_path / "lms.sqlite3")
    first_gate = _WriterGate(database)
    second_gate = first_gate if same_process else _WriterGate(database)     # another process's gate
    order, first, second = [], {}, {}
    first_gate.enter(first)
    assert first, "the first writer is in"

    def writer():
        second_gate.enter(second)
        order.append("second in")
        second_gate.leave(second)

    thread = threading.Thread(target=writer)
    thread.start()
    order.append("first out")
    first_gate.leave(first)
    thread.join()
    assert order == ["first out", "second in"]
    assert not first and not second, "both left: the gate is open again"
    third = {}
    first_gate.enter(third)
    first_gate.leave(third)


def test_leaving_twice_or_without_entering_changes_nothing(tmp_path):
    gate = _WriterGate(str(tmp_path / "lms.sqlite3"))
    info = {}
    gate.leave(info)
    gate.enter(info)
    gate.leave(info)
    gate.leave(info)
    gate.enter(info)
    assert info
    gate.leave(info)
