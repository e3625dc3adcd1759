"""Run files: what `LabView.save` writes and `LabView.load` / ``%dspyer replay`` read back.

A file is compact (each large value stored once), masked by default, checked against a
schema on load (a tampered file is refused in one line saying what and where, never with
a crash), and files of format version 1 still load.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dspy
import pytest
from pydantic import BaseModel
from test_runmodel import Recorder, failing_run, long_run, loop_run

from dspyer_lab import DspyerLabError, Graph, ScriptedLM, StatefulNode
from dspyer_lab.lab.adapter import contract_events
from dspyer_lab.lab.dot import build_drawing
from dspyer_lab.lab.model.runfile import (
    INTERN_SIZE,
    MAX_NESTING,
    VERSION,
    ReplayOnlyError,
    RunFileError,
    describe_graph,
    graph_from_description,
    read_run,
    write_run,
)
from dspyer_lab.lab.model.runmodel import CANCELLED, RunModel
from dspyer_lab.lab.textview import MASK, Masker

V1_FILE = Path(__file__).parent / "data" / "run_v1.json"
"""A run saved by dspyer-lab's version-1 writer (drawn_graph + loop_run, masked, with look-alike values)."""


class Ask(BaseModel):
    question: str


class Decide(BaseModel):
    route: str


class Answer(BaseModel):
    answer: str


def drawn_graph() -> Graph:
    """LLM node, Python node with its own function name, an LLM router and a Python router; odd names."""
    g = Graph()
    g.add_node(StatefulNode('say "<hi>"', Ask, Answer))

    def tidy(state: dict[str, Any]) -> dict[str, Any]:
        return {}

    g.add_node("tidy {x}", tidy)
    g.add_node("grade", lambda s: None)
    g.add_edge('say "<hi>"', "tidy {x}")
    g.add_conditional_edges("tidy {x}", StatefulNode("judge", Answer, Decide), {"ok": "grade", "redo": 'say "<hi>"'})
    g.add_conditional_edges("grade", lambda s: "end", {"end": "__end__", "again": "judge"})
    g.set_entry_point('say "<hi>"')
    return g


def saved(tmp_path: Path, events: list[dict[str, Any]], masker: Masker | None = None, name: str = "run.json") -> Path:
    return write_run(tmp_path / name, drawn_graph(), events, {"name": "Out", "fields": {}}, masker)


# -- writing and reading back ------------------------------------------------------------


def test_graph_description_redraws_the_same_dot() -> None:
    graph = drawn_graph()
    description = json.loads(json.dumps(describe_graph(graph)))
    rebuilt = graph_from_description(description)
    assert build_drawing(rebuilt).source == build_drawing(graph).source == description["dot"]
    assert {n: rebuilt.node_kind(n) for n in rebuilt.nodes} == {n: graph.node_kind(n) for n in graph.nodes}
    with pytest.raises(ReplayOnlyError, match="replayed run"):
        rebuilt.nodes["tidy {x}"].fn({})


def test_run_file_masks_secrets_by_default_and_round_trips(tmp_path: Path) -> None:
    events = loop_run()
    path = saved(tmp_path, events, Masker())
    text = path.read_text()
    assert "sk-live-1234" not in text and MASK in text
    run = read_run(path)
    assert run.masked and len(run.events) == len(events)
    assert run.events[0]["inputs"]["api_key"] == MASK
    assert run.events[-1]["state"]["api_key"] == MASK
    assert run.output_model == {"name": "Out", "fields": {}}

    plain = read_run(saved(tmp_path, events, None, "plain.json"))
    assert plain.events == events and not plain.masked


def test_every_kind_of_value_round_trips_exactly(tmp_path: Path) -> None:
    """Values that look like the file's own references, large and small, nested, repeated: all come back as they were."""
    big = "long text " * 100
    tricky: dict[str, Any] = {
        "ref": {"$ref": 0},
        "lit": {"$lit": {"$ref": 1}},
        "both": {"$ref": 0, "$lit": 1},
        "big_lookalike": {"$ref": big},
        "texts": [big, big, "ünïcödé ✓ <b>&amp;</b>", ""],
        "numbers": [0, -1, 2.5, 1e300, True, False, None],
        "nested": {"a": [{"b": [big, {"$lit": [big]}]}] * 3},
        "many": list(range(300)),
    }
    e = Recorder()
    e("run_start", inputs=tricky)
    e("node_start", node="n", kind="python", step=1, inputs=tricky)
    e("node_end", node="n", patch={"copy": tricky, "again": [tricky, tricky]}, duration=0.5, attempts=1)
    e("route", source="n", decision=None, target="__end__")
    e("finished", output=tricky, state={**tricky, "copy": tricky}, steps=1, duration=1.0)
    path = saved(tmp_path, e.events)
    assert read_run(path).events == e.events
    assert path.read_text().count(big) == 1  # stored once, however often it occurs


def test_a_value_carried_through_every_step_is_stored_once(tmp_path: Path) -> None:
    document = "".join(f"line {i}: owls hunt at night.\n" for i in range(4000))  # ~110 KB
    events = long_run(200)
    for event in events:
        if event["event"] == "node_start":
            event["inputs"] = {"document": document, "n": event["step"]}
    events[0]["inputs"] = {"document": document}
    events[-1]["state"] = {**events[-1]["state"], "document": document}
    path = saved(tmp_path, events)
    assert read_run(path).events == events
    short = json.loads(json.dumps(events).replace(json.dumps(document)[1:-1], "doc"))
    without = saved(tmp_path, short, name="without.json")
    assert path.stat().st_size - without.stat().st_size < 1.1 * len(json.dumps(document))  # not 402 times


def test_large_secrets_are_masked_once_stored(tmp_path: Path) -> None:
    secret = "sk-" + "x" * INTERN_SIZE
    e = Recorder()
    e("run_start", inputs={"api_key": secret, "notes": ["n"]})
    e("node_start", node="n", kind="llm", step=1, inputs={"prompt": f"use {secret} please " * 20})
    e("node_end", node="n", patch={"credentials": {"user": "bob", "password": secret}}, duration=0.1, attempts=1)
    e("error", node=None, error=f"bad key {secret}", error_type="AuthError", traceback=secret, state={"api_key": secret})
    path = saved(tmp_path, e.events, Masker())
    assert secret not in path.read_text()
    run = read_run(path)
    assert run.events[0]["inputs"] == {"api_key": MASK, "notes": ["n"]}
    assert run.events[1]["inputs"]["prompt"].startswith(f"use {MASK} please")
    assert run.events[2]["patch"] == {"credentials": MASK}
    assert run.events[3]["error"] == f"bad key {MASK}" and run.events[3]["traceback"] == MASK


async def test_real_engine_and_upstream_events_pass_the_schema(tmp_path: Path) -> None:
    from core_helpers import echo_chain_program, echo_script

    program = echo_chain_program()
    with dspy.context(lm=ScriptedLM(echo_script())):
        events = [e async for e in program.astream(query="owls?")]
    assert events[-1]["event"] == "finished"
    assert read_run(saved(tmp_path, events)).events == events

    async def upstream():
        for event in [
            {"event": "node_start", "node": "a", "inputs": {"q": "x"}},
            {"event": "validation_error", "node": "a", "attempt": 1, "error": "bad", "failed_fields": ["n"]},
            {"event": "step_limit", "max_steps": 3},
            {"event": "node_end", "node": "a", "outputs": {"q": "x", "n": 3}},
            {"event": "error", "error": "boom"},
        ]:
            yield event

    events = [e async for e in contract_events(upstream())]
    stopped = [*failing_run()[:2], RunModel.replay(failing_run()[:2]).closing_event(CANCELLED)]
    for run in (events, stopped):
        assert read_run(saved(tmp_path, run)).events == run


def test_version_1_files_still_load() -> None:
    raw = json.loads(V1_FILE.read_text(encoding="utf-8"))
    assert raw["version"] == 1 and "values" not in raw
    run = read_run(V1_FILE)
    assert run.events == raw["events"]  # read as written: no value table, so nothing is a reference
    assert run.events[0]["inputs"]["api_key"] == MASK
    assert run.events[6]["patch"]["look_alike"] == {"$ref": 0}
    assert build_drawing(run.graph).source == build_drawing(drawn_graph()).source
    assert RunModel.replay(run.events).status == "finished"


# -- hostile files ---------------------------------------------------------------------


def good_file(tmp_path: Path) -> dict[str, Any]:
    """A valid version-2 file's JSON, with a value table (a long text repeated)."""
    events = loop_run()
    events[1]["inputs"] = events[5]["inputs"] = {"topic": "owls " * 100}
    return json.loads(saved(tmp_path, events).read_text())


def _set(path: str, value: Any):
    """A tampering: set (or, with `_DELETE`, remove) the value at a dotted path of the file's JSON."""

    def tamper(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if value is _DELETE:
            del target[int(last) if isinstance(target, list) else last]
        elif isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return tamper


_DELETE = object()

TAMPERED: list[tuple[str, Any, str]] = [
    ("no format", _set("format", _DELETE), "its format is None"),
    ("other format", _set("format", "jupyter"), "its format is 'jupyter', not 'dspyer-lab-run'"),
    ("version true", _set("version", True), "its version True is not a format version"),
    ("version -5", _set("version", -5), "its version -5 is not a format version"),
    ("version 0", _set("version", 0), "its version 0 is not a format version"),
    ("version text", _set("version", "2"), "its version '2' is not a format version"),
    ("version float", _set("version", 2.0), "its version 2.0 is not a format version"),
    ("no version", _set("version", _DELETE), "its version None is not a format version"),
    ("no graph", _set("graph", _DELETE), "has no 'graph'"),
    ("graph is a list", _set("graph", []), "'graph' should be an object (got [])"),
    ("nodes not a list", _set("graph.nodes", {"a": 1}), "'graph.nodes' should be a list"),
    ("node kind", _set("graph.nodes.0.kind", "<script>"), "'graph.nodes.0.kind' should be 'llm', 'python', 'router' or 'human' (got '<script>')"),
    ("node name", _set("graph.nodes.1.name", ["x"]), "'graph.nodes.1.name' should be text (got ['x'])"),
    ("path map", _set("graph.routers.0.path_map", {"ok": 3}), "'graph.routers.0.path_map.ok' should be text (got 3)"),
    ("duplicate node", _set("graph.nodes.1.name", 'say "<hi>"'), "its graph cannot be drawn: Duplicate node name"),
    ("bad field name", _set("graph.nodes.0.input_fields", ["model_dump"]), "its graph cannot be drawn"),
    ("masked text", _set("masked", "yes"), "'masked' should be true or false (got 'yes')"),
    ("output model", _set("output_model", {"name": "O", "fields": {"a": 1}}), "'output_model.fields.a' should be an object (got 1)"),
    ("events not a list", _set("events", {"0": {}}), "'events' should be a list (got {'0': {}})"),
    ("no events", _set("events", _DELETE), "has no 'events'"),
    ("event not an object", _set("events.3", "node_end"), "event 3 is a JSON str, not an object"),
    ("node_end without node", _set("events.12.node", _DELETE), "event 12 (node_end) has no 'node'"),
    ("step not a number", _set("events.1.step", "<b>1</b>"), "event 1 (node_start): 'step' should be an integer (got '<b>1</b>')"),
    ("step true", _set("events.1.step", True), "event 1 (node_start): 'step' should be an integer (got True)"),
    ("negative seq", _set("events.2.seq", -1), "event 2 (validation_error): 'seq' should not be negative (got -1)"),
    ("ts text", _set("events.0.ts", "yesterday"), "event 0 (run_start): 'ts' should be a number (got 'yesterday')"),
    ("no run_id", _set("events.4.run_id", _DELETE), "event 4 (route) has no 'run_id'"),
    ("patch a list", _set("events.3.patch", [["text", "x"]]), "event 3 (node_end): 'patch' should be an object (got [['text', 'x']])"),
    ("will_retry text", _set("events.2.will_retry", "no"), "event 2 (validation_error): 'will_retry' should be true or false (got 'no')"),
    ("failed_fields", _set("events.2.failed_fields", "words"), "event 2 (validation_error): 'failed_fields' should be a list (got 'words')"),
    ("route target", _set("events.4.target", None), "event 4 (route): 'target' should be text (got None)"),
    ("finished state", _set("events.14.state", None), "event 14 (finished): 'state' should be an object (got None)"),
    ("kind not text", _set("events.5.event", 5), "event 5: 'event' should be text (got 5)"),
    ("ref out of the table", _set("events.1.inputs.topic", {"$ref": 99}), "event 1 (node_start) refers to value 99, which is not stored before it"),
    ("ref a bool", _set("events.1.inputs.topic", {"$ref": True}), "event 1 (node_start) refers to value True"),
    ("ref forward", _set("values.0", {"$ref": 0}), "value 0 refers to value 0, which is not stored before it"),
    ("lit not an object", _set("events.1.inputs", {"$lit": 3}), "event 1 (node_start) has a '$lit' that is not an object"),
    ("values not a list", _set("values", "x"), "'values' should be a list (got 'x')"),
]


@pytest.mark.parametrize(("tamper", "expected"), [(t, m) for _, t, m in TAMPERED], ids=[n for n, _, _ in TAMPERED])
def test_tampered_files_are_refused_in_one_line_saying_what_and_where(tmp_path: Path, tamper, expected: str) -> None:
    data = good_file(tmp_path)
    tamper(data)
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(data))
    with pytest.raises(RunFileError) as caught:
        read_run(path)
    message = str(caught.value)
    assert message.startswith("not a dspyer-lab run file: ") and expected in message, message
    assert "\n" not in message and len(message) < 300
    assert isinstance(caught.value, DspyerLabError) and isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{", "it is not JSON"),
        (b"\xff\xfe\x00garbage", "it is not UTF-8 text"),
        (b"[1, 2]", "it holds a JSON list, not an object"),
        (b"null", "it holds a JSON NoneType, not an object"),
        (b"[" * 100_000 + b"]" * 100_000, "its JSON is nested too deeply"),
        (b'{"format": "dspyer-lab-run", "version": 1e400}', "its version inf is not a format version"),
    ],
    ids=["truncated", "binary", "list", "null", "deep", "huge version"],
)
def test_files_that_are_not_run_files_at_all(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "other.json"
    path.write_bytes(content)
    with pytest.raises(RunFileError, match=f"^not a dspyer-lab run file: {expected}"):
        read_run(path)


def test_newer_versions_are_refused_with_a_hint(tmp_path: Path) -> None:
    data = good_file(tmp_path)
    data["version"] = VERSION + 97
    path = tmp_path / "new.json"
    path.write_text(json.dumps(data))
    with pytest.raises(RunFileError, match=f"version {VERSION + 97} is newer than this dspyer-lab reads .*upgrade"):
        read_run(path)


def test_values_nested_too_deeply_are_refused(tmp_path: Path) -> None:
    """Also through references: each stored value is valid JSON, but together they nest deeper than any view can walk."""
    data = good_file(tmp_path)
    deep = "[" * 150 + "{\"$ref\": %d}" + "]" * 150
    data["values"] = ["PLAIN", "DEEP0", "DEEP1"]
    data["events"][1]["inputs"] = {"deep": "DEEP2"}
    path = tmp_path / "deep.json"
    text = json.dumps(data).replace('"PLAIN"', '"x"')
    for i in range(3):
        text = text.replace(f'"DEEP{i}"', deep % i)
    path.write_text(text)
    with pytest.raises(RunFileError, match=f"^not a dspyer-lab run file: value 2 holds a value nested more than {MAX_NESTING}"):
        read_run(path)
    path.write_text(text.replace('{"$ref": 1}', '{"$ref": 0}'))  # values of 151 levels, the event's 302
    with pytest.raises(RunFileError, match="event 1 \\(node_start\\) holds a value nested more than"):
        read_run(path)


def test_unknown_event_kinds_and_extra_keys_are_kept(tmp_path: Path) -> None:
    """Newer engines may add kinds and keys: they are kept (the timeline shows them), only the envelope is checked."""
    data = good_file(tmp_path)
    data["events"].insert(3, {"event": "step_limit", "run_id": "run1", "seq": 3, "ts": 1.0, "max_steps": 3})
    data["events"][1]["model"] = "gpt-x"
    path = tmp_path / "newer.json"
    path.write_text(json.dumps(data))
    run = read_run(path)
    assert run.events[3]["max_steps"] == 3 and run.events[1]["model"] == "gpt-x"
