"""Hostile run files and checkpoints: what a user may be handed (a file, a log, a checkpoint dict) is
refused in one line naming what is wrong, inside the `DspyerLabError` family, and never hangs
the notebook, eats its memory or costs the user the run file they saved before.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from test_runfile import drawn_graph, good_file, saved
from test_runmodel import Recorder, loop_run

from dspyer_lab import Checkpoint, CheckpointError, DspyerLabError, LabView
from dspyer_lab.lab.model import runfile
from dspyer_lab.lab.model.runfile import (
    INTERN_SIZE,
    MAX_EXPANDED_NODES,
    MAX_FILE_BYTES,
    RunFileError,
    RunSaveError,
    read_run,
    write_run,
)


def one_line(error: BaseException) -> str:
    message = str(error)
    assert "\n" not in message and len(message) < 300, message
    assert isinstance(error, DspyerLabError)
    return message


# -- HOLE A: a file that expands to more than the memory, or is too large to read ---------------------------


def nodes(value: Any) -> int:
    """The JSON nodes of `value`, counted the slow way: by walking it."""
    if isinstance(value, dict):
        return 1 + sum(nodes(v) for v in value.values())
    if isinstance(value, list):
        return 1 + sum(nodes(v) for v in value)
    return 1


@pytest.mark.timeout(20)
def test_a_small_file_whose_values_double_at_each_reference_is_refused_at_once(tmp_path: Path) -> None:
    """Each stored value is two references to the one before: 150 levels (under MAX_NESTING) make 2**150 nodes."""
    data = good_file(tmp_path)
    data["values"] = ["owls"] + [[{"$ref": i - 1}, {"$ref": i - 1}] for i in range(1, 151)]
    data["events"][1]["inputs"] = {"topic": {"$ref": 150}}
    path = tmp_path / "bomb.json"
    path.write_text(json.dumps(data, separators=(",", ":")))
    assert path.stat().st_size < 16_000
    for load in (read_run, LabView.load):
        with pytest.raises(RunFileError) as caught:
            load(path)
        assert one_line(caught.value) == (
            f"not a dspyer-lab run file: event 1 (node_start) takes the events past {MAX_EXPANDED_NODES:,} "
            "JSON nodes once its references are followed"
        )


def test_the_bound_counts_the_nodes_the_events_hold_with_references_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = saved(tmp_path, good_events())
    total = sum(nodes(e) for e in read_run(path).events)
    monkeypatch.setattr(runfile, "MAX_EXPANDED_NODES", total)
    assert len(read_run(path).events) == len(good_events())
    monkeypatch.setattr(runfile, "MAX_EXPANDED_NODES", total - 1)
    with pytest.raises(RunFileError, match=f"event {len(good_events()) - 1} \\(finished\\) takes the events past"):
        read_run(path)


def good_events() -> list[dict[str, Any]]:
    """A run whose long text and list go through the value table (so the count follows references)."""
    events = loop_run()
    events[1]["inputs"] = events[5]["inputs"] = {"topic": "owls " * 100, "notes": [["a", 1]] * INTERN_SIZE}
    return events


def test_a_long_run_carrying_large_values_through_every_step_loads(tmp_path: Path) -> None:
    """Far from the bound: 1,000 steps, each reading a 1 MB text (one node) and a list of 1,000 texts."""
    text, documents = "x" * 2**20, [f"document {i}" for i in range(1000)]
    e = Recorder()
    e("run_start", inputs={"text": text, "documents": documents})
    for step in range(1, 1001):
        e("node_start", node="read", kind="llm", step=step, inputs={"text": text, "documents": documents})
        e("node_end", node="read", patch={"text": text}, duration=0.1, attempts=1)
        e("route", source="read", decision=None, target="read" if step < 1000 else "__end__")
    e("finished", output=None, state={"text": text, "documents": documents}, steps=1000, duration=1.0)
    path = saved(tmp_path, e.events)
    assert path.stat().st_size < 2 * len(text)  # each large value stored once
    assert sum(nodes(v) for v in e.events) > 1_000_000  # ... yet its events expand to a million nodes
    assert read_run(path).events == e.events


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as file:  # sparse: it takes no disk, and reading it would take 64 MiB of memory
        file.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(RunFileError) as caught:
        read_run(path)
    assert one_line(caught.value) == (
        f"run file {str(path)!r} holds {MAX_FILE_BYTES + 1:,} bytes, over the limit of {MAX_FILE_BYTES:,} "
        "bytes: pass a larger max_bytes= to read_run or LabView.load to read it"
    )


def test_max_bytes_raises_or_lowers_the_limit_of_read_run_and_load(tmp_path: Path) -> None:
    path = saved(tmp_path, loop_run())
    size = path.stat().st_size
    assert len(LabView.load(path, max_bytes=size).events) == len(loop_run())
    for load in (read_run, LabView.load):
        with pytest.raises(RunFileError, match=f"holds {size:,} bytes, over the limit of {size - 1:,}"):
            load(path, max_bytes=size - 1)


def test_a_device_that_never_ends_is_refused_after_max_bytes(tmp_path: Path) -> None:
    """Its size says 0: the limit holds on what is read, too."""
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    with pytest.raises(RunFileError, match="holds more than 1,000 bytes, over the limit of 1,000"):
        read_run("/dev/zero", max_bytes=1000)


def test_an_event_kind_that_is_not_text_is_refused_not_crashed(tmp_path: Path) -> None:
    data = good_file(tmp_path)
    data["events"][2]["event"] = ["node_end"]
    path = tmp_path / "kind.json"
    path.write_text(json.dumps(data))
    with pytest.raises(RunFileError) as caught:
        read_run(path)
    assert "event 2: 'event' should be text (got ['node_end'])" in one_line(caught.value)


# -- HOLE B: saving a run that UTF-8 cannot hold, or a save that fails ----------------------------------------

LONE = b"\xff".decode("utf-8", "surrogateescape")
"""A lone surrogate: what a byte that is not UTF-8 becomes in a text read with errors="surrogateescape"."""


def run_holding(value: Any) -> list[dict[str, Any]]:
    e = Recorder()
    e("run_start", inputs={"path": value})
    e("node_start", node="read", kind="python", step=1, inputs=None)
    e("node_end", node="read", patch={"name": value, "long": value * INTERN_SIZE}, duration=0.1, attempts=1)
    e("route", source="read", decision=None, target="__end__")
    e("finished", output=None, state={"path": value, "name": value}, steps=1, duration=0.1)
    return e.events


def test_a_run_holding_a_lone_surrogate_saves_over_a_run_file_and_reads_back_the_same(tmp_path: Path) -> None:
    path = saved(tmp_path, loop_run())
    events = run_holding(f"caf{LONE}.txt")
    saved(tmp_path, events)
    assert read_run(path).events == events
    assert os.listdir(tmp_path) == [path.name]  # no temporary file left


def test_a_run_of_plain_unicode_stays_utf8_text(tmp_path: Path) -> None:
    """Only a text UTF-8 cannot hold makes the file ASCII escapes: others stay readable (and short)."""
    path = saved(tmp_path, run_holding("café ✓"))
    assert "café ✓" in path.read_text(encoding="utf-8")


class BadRepr:
    """Not JSON, and its repr (what the file writes instead) raises."""

    def __repr__(self) -> str:
        raise ValueError("no repr")


def _raise(error: BaseException):
    def fail(*args: Any, **kwargs: Any) -> None:
        raise error

    return fail


@pytest.mark.parametrize(
    ("patch", "error"),
    [
        (None, ValueError("no repr")),  # a value of the run cannot be encoded
        ("fsync", OSError(28, "No space left on device")),
        ("replace", PermissionError(13, "Permission denied")),
    ],
    ids=["encoding", "writing", "renaming"],
)
def test_a_save_that_fails_leaves_the_old_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, patch: str | None, error: BaseException
) -> None:
    path = saved(tmp_path, loop_run())
    before = path.read_bytes()
    events = loop_run()
    if patch is None:
        events[-1]["state"]["bad"] = BadRepr()
    else:
        monkeypatch.setattr(runfile.os, patch, _raise(error))
    with pytest.raises(RunSaveError) as caught:
        write_run(path, drawn_graph(), events, None, None)
    assert one_line(caught.value) == (
        f"could not save the run to {str(path)!r} ({type(error).__name__}: {error}); the file there is unchanged"
    )
    assert type(caught.value.__cause__) is type(error) and isinstance(caught.value, OSError)
    monkeypatch.undo()
    assert path.read_bytes() == before and os.listdir(tmp_path) == [path.name]


def test_saving_through_a_symbolic_link_replaces_the_file_it_points_to(tmp_path: Path) -> None:
    target = saved(tmp_path, loop_run(), name="target.json")
    os.chmod(target, 0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    events = run_holding("owls")
    write_run(link, drawn_graph(), events, None, None)
    assert link.is_symlink() and read_run(target).events == events
    assert target.stat().st_mode & 0o777 == 0o640  # the old file's permissions are kept


# -- HOLE C: checkpoints and logs out of the contract --------------------------------------------------------

GOOD = {"run_id": "r1", "step": 0, "seq": 1, "next": "answer", "state": {"query": "q"}}


@pytest.mark.parametrize(
    ("change", "key", "said"),
    [
        ({"seq": 10**30}, "seq", "'seq' should be less than 9223372036854775808 (got 1000000000000000000000000000000)"),
        ({"step": 2**63}, "step", "'step' should be less than 9223372036854775808"),
        ({"run_id": "r" * 10_000}, "run_id", "'run_id' should be 1 to 200 printable characters on one line (got 'rrr"),
        ({"run_id": "r1\nr2"}, "run_id", "'run_id' should be 1 to 200 printable characters on one line (got 'r1\\n"),
        ({"run_id": "r1\x1b[31m"}, "run_id", "'run_id' should be 1 to 200 printable characters"),
        ({"state": {"query": "q", "_max_steps": 10**6}}, "state", "'state' holds key '_max_steps': keys starting with"),
        ({"state": {"_": 1}}, "state", "'state' holds key '_'"),
        ({"next": None}, "next", "'next' should be text (got None)"),
    ],
    ids=["huge seq", "huge step", "long run id", "run id newline", "run id escape", "_max_steps", "_", "no next"],
)
def test_a_checkpoint_out_of_bounds_is_refused_naming_its_field(change: dict[str, Any], key: str, said: str) -> None:
    with pytest.raises(CheckpointError) as caught:
        Checkpoint.from_dict({**GOOD, **change})
    assert caught.value.key == key
    assert one_line(caught.value).startswith(f"checkpoint: {said}")


def test_a_checkpoint_at_the_bounds_is_read() -> None:
    data = {**GOOD, "run_id": "r" * 200, "seq": 2**63 - 1, "step": 2**63 - 1}
    assert Checkpoint.from_dict(data).to_dict() == data


def log() -> list[dict[str, Any]]:
    """answer -> END, with a pause after `answer`."""
    e = Recorder("r")
    e("run_start", inputs={"query": "q"})
    e("node_start", node="answer", kind="llm", step=1, inputs={"query": "q"})
    e("node_end", node="answer", patch={"answer": "a"}, duration=0.1, attempts=1)
    e("route", source="answer", decision=None, target="__end__")
    e("paused", node="answer", when="after", checkpoint={**GOOD, "run_id": "r", "step": 1, "seq": 5, "next": "__end__"})
    e("update", values={"answer": "b"})
    return e.events


def _without(event: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in event.items() if k != key}


MALFORMED = [
    ("node_start without node", 1, lambda e: _without(e, "node"), "event 1 (node_start) has no 'node'"),
    ("patch a list", 2, lambda e: {**e, "patch": [["answer", "a"]]}, "event 2 (node_end): 'patch' should be an object"),
    ("patch with reserved key", 2, lambda e: {**e, "patch": {"_max_steps": 9}}, "event 2 (node_end): 'patch' holds key"),
    ("event a list", 3, lambda e: ["route"], "event 3 is a JSON list, not an object"),
    ("event None", 2, lambda e: None, "event 2 is a JSON NoneType, not an object"),
    ("route without target", 3, lambda e: _without(e, "target"), "event 3 (route) has no 'target'"),
    ("inputs a list", 0, lambda e: {**e, "inputs": ["q"]}, "event 0 (run_start): 'inputs' should be an object"),
    ("seq text", 3, lambda e: {**e, "seq": "3"}, "event 3 (route): 'seq' should be an integer (got '3')"),
    ("paused without next", 4, lambda e: {**e, "checkpoint": _without(e["checkpoint"], "next")},
     "event 4 (paused) has no 'checkpoint.next'"),
    ("update values text", 5, lambda e: {**e, "values": "b"}, "event 5 (update): 'values' should be an object"),
    ("run id with newline", 0, lambda e: {**e, "run_id": "r\nx"}, "event 0 (run_start): 'run_id' should be 1 to 200"),
]


@pytest.mark.parametrize(("index", "damage", "said"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_a_malformed_log_is_refused_naming_the_event_and_its_field(index: int, damage: Any, said: str) -> None:
    events = log()
    events[index] = damage(events[index])
    with pytest.raises(CheckpointError) as caught:
        Checkpoint.from_events(events, len(events))
    assert one_line(caught.value).startswith(said) and caught.value.key == "events"


def test_the_entry_point_is_found_in_a_checked_event() -> None:
    """After `run_start` alone, the next node is the first one started, which must be a node_start with a node."""
    events = log()
    assert Checkpoint.from_events(events, 1).next == "answer"
    events[1] = {**events[1], "node": 7}
    with pytest.raises(CheckpointError, match=r"^event 1 \(node_start\): 'node' should be text \(got 7\)$"):
        Checkpoint.from_events(events, 1)


def test_a_well_formed_log_still_makes_its_checkpoints() -> None:
    events = log()
    assert Checkpoint.from_events(events, 4) == Checkpoint("r", 1, 4, "__end__", {"query": "q", "answer": "a"})
    assert Checkpoint.from_events(events, 6) == Checkpoint("r", 1, 6, "__end__", {"query": "q", "answer": "b"})
