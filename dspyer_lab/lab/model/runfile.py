"""Saved runs: a JSON file with the graph's description and a run's events, replayable without any model.

Format (``"format": "dspyer-lab-run"``, ``"version": 2``)::

    {
      "format": "dspyer-lab-run", "version": 2, "saved_at": "<ISO time>",
      "masked": true,                  # secret-looking fields were masked when saving
      "graph": {
        "dot": "<DOT source, as GraphView draws it>",
        "entry_point": "...",
        "nodes": [{"name", "kind": "llm"|"python"|"router", "input_model", "output_model",
                   "input_fields", "output_fields", "function"}],
        "edges": [{"source", "target"}],
        "routers": [{"source", "label", "llm": bool, "path_map": {decision: target}}]
      },
      "output_model": {"name": ..., "fields": {field: {"type", "description"}}} | null,
      "values": [ ...large values, each stored once... ],
      "events": [ ...contract events, in order... ]
    }

Each text or JSON value of `INTERN_SIZE`+ characters is stored once in ``values`` and
written as ``{"$ref": i}`` wherever it occurs (a run that carries a 1 MB value through
5,000 steps writes it once, not 5,000 times); a value of ``values`` only refers to earlier
ones. An object of the run that itself looks like ``{"$ref": ...}`` or ``{"$lit": ...}``
is written as ``{"$lit": {...}}``. Version 1 files (no value table) are still read.

Model calls stay compact: an ``lm_call`` carries the messages and the completion, and the
messages repeat across attempts and nodes (the same instructions, the same inputs), so the
value table stores each once. ``token`` events are not saved when a later ``lm_call`` of
the same attempt carries the whole text they streamed (a replay shows each call's
completion, not its text growing; its slider counts the saved events). The chunks of an
attempt that never got its ``lm_call`` (a run stopped or failed while the model wrote)
are kept: they are all there is of that answer.

Reading checks the file against pydantic models of the file, and each event against its kind's
TypedDict (`dspyer_lab.core.events`, validated by `dspyer_lab.core.eventschema`; `read_run` raises `RunFileError`, one line saying what is
wrong and where), so a hostile or damaged file is refused before any view sees it: also one
of more than `MAX_FILE_BYTES`, and one whose events would hold more than `MAX_EXPANDED_NODES`
JSON nodes once references are followed. Writing replaces the file at once (a failed save
leaves the old file as it was).

The description holds exactly what the drawing shows (names, kinds, model and function
names, edges, path keys), so `graph_from_description` rebuilds a stand-in `Graph` that
draws the same DOT; its steps cannot run.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import shutil
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import BaseModel, ValidationError, create_model

from ...core.events import shown
from ...core.eventschema import Strict, event_label, explain, validate_event
from ...core.exceptions import DspyerLabError
from ...core.graph import Graph, HumanNode, StatefulNode
from ..dot import build_drawing
from ..textview import Masker
from .runmodel import RunModel, Stream, introduced

__all__ = [
    "FORMAT",
    "INTERN_SIZE",
    "MAX_EXPANDED_NODES",
    "MAX_FILE_BYTES",
    "MAX_NESTING",
    "VERSION",
    "EventEncoder",
    "ReplayOnlyError",
    "RunFileError",
    "RunSaveError",
    "SavedRun",
    "answered_tokens",
    "describe_graph",
    "describe_output_model",
    "graph_from_description",
    "parse_run",
    "read_run",
    "to_json",
    "write_run",
]

FORMAT = "dspyer-lab-run"
VERSION = 2
"""The format version `write_run` writes; `read_run` reads versions 1 to this one."""

INTERN_SIZE = 256
"""Values of at least this many characters (as JSON) are stored once, in the file's value table."""


class RunFileError(DspyerLabError, ValueError):
    """A file `read_run` cannot replay; the message says in one line what is wrong and where."""


class RunSaveError(DspyerLabError, OSError):
    """`write_run` could not write the file (the disk, the folder's permissions, ...); the old file is left intact."""


class ReplayOnlyError(DspyerLabError, RuntimeError):
    """A step of a replayed run's stand-in graph was called: a saved run has no code to run."""


def describe_graph(graph: Graph) -> dict[str, Any]:
    """The drawable description of `graph` (see the module docstring)."""
    nodes = []
    for name, node in graph.nodes.items():
        entry: dict[str, Any] = {"name": name, "kind": graph.node_kind(name)}
        if isinstance(node, (StatefulNode, HumanNode)):
            entry.update(
                input_model=node.input_model.__name__,
                output_model=node.output_model.__name__,
                input_fields=list(node.input_model.model_fields),
                output_fields=list(node.output_model.model_fields),
            )
        else:
            entry["function"] = getattr(node.fn, "__name__", None)
        nodes.append(entry)
    return {
        "dot": build_drawing(graph).source,
        "entry_point": graph.entry_point,
        "nodes": nodes,
        "edges": [{"source": s, "target": t} for s, targets in graph.edges.items() for t in targets],
        "routers": [
            {"source": s, "label": r.label, "llm": r.is_llm, "path_map": dict(r.path_map)}
            for s, r in graph.routers.items()
        ],
    }


def describe_output_model(model: type[BaseModel] | None) -> dict[str, Any] | None:
    """Name, field types and descriptions of an output model (for the result panel of a replay)."""
    if model is None:
        return None
    fields = {}
    for name, info in model.model_fields.items():
        ann = info.annotation
        type_name = ann.__name__ if isinstance(ann, type) else str(ann).replace("typing.", "")
        fields[name] = {"type": type_name, "description": info.description or ""}
    return {"name": model.__name__, "fields": fields}


def _stub_model(name: str, fields: Iterable[str]) -> type[BaseModel]:
    return create_model(name, **{f: (Any, None) for f in fields})  # type: ignore[call-overload]


def _stub_function(name: str | None, node: str):
    def replay_only(state: dict[str, Any]) -> None:
        raise ReplayOnlyError(f"Node '{node}' belongs to a replayed run; it cannot be executed")

    replay_only.__name__ = name or node
    return replay_only


def graph_from_description(description: Mapping[str, Any]) -> Graph:
    """A stand-in `Graph` that draws like the described one (nodes cannot run)."""
    graph = Graph()
    llm_routers: dict[str, StatefulNode] = {}
    for entry in description.get("nodes", []):
        name = entry["name"]
        if entry.get("kind") in ("llm", "router", "human"):
            models = (
                _stub_model(entry.get("input_model") or "Inputs", entry.get("input_fields") or []),
                _stub_model(entry.get("output_model") or "Outputs", entry.get("output_fields") or ["value"]),
            )
            if entry.get("kind") == "human":  # a person's step: drawn as one, it cannot run either (no one to ask)
                graph.add_node(HumanNode(name, *models))
                continue
            node = StatefulNode(name, *models)
            graph.add_node(node)
            if entry.get("kind") == "router":
                llm_routers[name] = node
        else:
            graph.add_node(name, _stub_function(entry.get("function"), name))
    for edge in description.get("edges", []):
        graph.add_edge(edge["source"], edge["target"])
    for router in description.get("routers", []):
        source = router["source"]
        decide = llm_routers.get(source) if router.get("llm") else None
        graph.add_conditional_edges(
            source, decide if decide is not None else _stub_function(router.get("label"), source), router["path_map"]
        )
    if description.get("entry_point") is not None:
        graph.set_entry_point(description["entry_point"])
    return graph


# -- the file's schema (its events': dspyer_lab.core.events) -----------------------------


class _NodeDescription(Strict):
    name: str
    kind: Literal["llm", "python", "router", "human"]
    input_model: str | None = None
    output_model: str | None = None
    input_fields: list[str] = []
    output_fields: list[str] = []
    function: str | None = None


class _EdgeDescription(Strict):
    source: str
    target: str


class _RouterDescription(Strict):
    source: str
    label: str | None = None
    llm: bool = False
    path_map: dict[str, str]


class _GraphDescription(Strict):
    dot: str | None = None
    entry_point: str | None = None
    nodes: list[_NodeDescription]
    edges: list[_EdgeDescription] = []
    routers: list[_RouterDescription] = []


class _FieldDescription(Strict):
    type: str
    description: str = ""


class _OutputDescription(Strict):
    name: str
    fields: dict[str, _FieldDescription]


class _File(Strict):
    format: str
    version: int
    saved_at: str | None = None
    masked: bool = False
    graph: _GraphDescription
    output_model: _OutputDescription | None = None
    values: list[Any] = []
    events: list[Any]


def _refuse(what: str) -> RunFileError:
    return RunFileError(f"not a dspyer-lab run file: {what}")


# -- the value table ---------------------------------------------------------------------

_REF, _LIT = "$ref", "$lit"


class EventEncoder:
    """Encodes one run's events as run files and the run store keep them: masked (with `masker`; None: as they
    are), each value of `INTERN_SIZE`+ characters put once in `values` and referred to as ``{"$ref": i}``.

    One encoder per run, fed its events in order (`event`, or `encode` for several at once): `values` grows
    as they come, so the store appends each new part of the table beside the events that first refer to it.
    """

    def __init__(self, masker: Masker | None) -> None:
        self.masker = masker
        self.values: list[Any] = []
        self._texts: dict[str, int] = {}  # str hashes are cached: a repeated 1 MB text is looked up in O(1)
        self._trees: dict[str, int] = {}
        self._names, self._anywhere = _secret_names(masker.patterns if masker is not None else ())

    def event(self, event: Mapping[str, Any]) -> dict[str, Any]:
        """`event` encoded: masked, its large values replaced by references to `values` (the caller learnt its secrets)."""
        return self._walk(event, self.masker)

    def encode(self, events: Sequence[Mapping[str, Any]]) -> str:
        """The JSON array of `events` encoded, their secrets learnt first (`runmodel.introduced`: one echoed
        before the field that holds it is masked too).

        Most events of a run hold no secret: each is written in one C-encoded pass, and its text is checked for a
        secret-looking field name, a known secret (or, once one is known, an escape that could hide one) and
        anything that reads as a reference, on all the events' text at once, then on each event's only when
        that finds one. An event that has none is kept as written when it is under `INTERN_SIZE` characters, and
        walked for its large values only, unmasked, when it is longer; the others are walked by `event`.
        """
        texts = [_encoded(event) for event in events]
        if None not in texts:
            whole = cast("list[str]", texts)
            joined = ",".join(whole)
            if self._unnamed(joined) and self._unknown(joined):
                if max(map(len, whole), default=0) < INTERN_SIZE:
                    return "[" + joined + "]"
                return "[" + ",".join(text if len(text) < INTERN_SIZE else to_json(self._bare_event(event))
                                      for event, text in zip(events, whole)) + "]"
        masked = {i for i, text in enumerate(texts) if text is None or not self._unnamed(text)}
        if self.masker is not None:
            for i in sorted(masked):
                self.masker.learn(introduced(events[i]))
        encoded: list[str] = []
        for i, (event, text) in enumerate(zip(events, texts)):
            if text is None or i in masked or not self._unknown(text):
                text = to_json(self._walk(event, self.masker))
            elif len(text) >= INTERN_SIZE:
                text = to_json(self._bare_event(event))
            encoded.append(text)
        return "[" + ",".join(encoded) + "]"

    def _unnamed(self, text: str) -> bool:
        """Whether the JSON `text` has no secret-looking field name and nothing that reads as a reference."""
        if _REF in text or _LIT in text:
            return False
        lowered = text.lower()
        if len(lowered) != len(text):  # a character whose lower case is longer: the positions differ
            return self._anywhere is None or self._anywhere.search(text) is None
        for word, names in self._names:
            at = lowered.find(word)
            while at >= 0:
                if any(name.match(text, at - offset) for offset, name in names if at >= offset):
                    return False
                at = lowered.find(word, at + 1)
        return True

    def _unknown(self, text: str) -> bool:
        """Whether the JSON `text` holds no secret learnt so far (nor, once one is known, an escape that could hide
        one: a secret with a quote or a backslash is escaped in JSON)."""
        masker = self.masker
        return masker is None or not masker.version or ("\\" not in text and masker.mask_text(text) == text)

    def _bare_event(self, event: Mapping[str, Any]) -> dict[str, Any]:
        """`_bare` for a whole event: its large values put in `values`, the event itself not (no two are alike)."""
        return {key if type(key) is str else str(key): v if type(v) in _SCALARS else self._bare(v)[0]
                for key, v in event.items()}

    def _bare(self, value: Any) -> tuple[Any, int]:
        """`_value` without masking, for a value known to hold no secret: the plain types checked first (a model
        call's event holds mostly dicts, lists and texts)."""
        kind = type(value)
        if kind is str:
            if len(value) < INTERN_SIZE:
                return value, len(value) + 2
            index = self._texts.get(value)
            if index is None:
                index = self._texts[value] = self._add(value)
            return {_REF: index}, 10
        if kind is dict:
            items: dict[str, Any] = {}
            size = 2
            for k, v in value.items():
                key = k if type(k) is str else str(k)
                if type(v) in _SCALARS:
                    items[key], n = v, 8
                else:
                    items[key], n = self._bare(v)
                size += n + len(key) + 4
            if len(items) == 1 and (_REF in items or _LIT in items):
                items = {_LIT: items}
            return self._tree(items, size)
        if kind is list:
            encoded = [(v, 8) if type(v) in _SCALARS else self._bare(v) for v in value]
            return self._tree([e for e, _ in encoded], 2 + sum(n + 1 for _, n in encoded))
        return self._value(value, None)

    def _walk(self, event: Mapping[str, Any], masker: Masker | None) -> dict[str, Any]:
        return {str(k): self._field(str(k), v, masker)[0] for k, v in event.items()}

    def _field(self, key: str, value: Any, masker: Masker | None) -> tuple[Any, int]:
        if masker is not None and masker.is_secret(key):
            masked = masker.mask({key: value})[key]
            return masked, len(to_json(masked))
        return self._value(value, masker)

    def _value(self, value: Any, masker: Masker | None) -> tuple[Any, int]:
        """The encoded `value` and roughly how long its JSON is."""
        if isinstance(value, str):
            if len(value) < INTERN_SIZE:
                text = value if masker is None else masker.mask(value)
                return text, len(text) + 2
            index = self._texts.get(value)
            if index is None:
                index = self._texts[value] = self._add(value if masker is None else masker.mask(value))
            return {_REF: index}, 10
        if isinstance(value, Mapping):
            items: dict[str, Any] = {}
            size = 2
            for k, v in value.items():
                items[str(k)], n = self._field(str(k), v, masker)
                size += n + len(str(k)) + 4
            if len(items) == 1 and (_REF in items or _LIT in items):
                items = {_LIT: items}
            return self._tree(items, size)
        if isinstance(value, (list, tuple)):
            encoded = [self._value(v, masker) for v in value]
            return self._tree([e for e, _ in encoded], 2 + sum(n + 1 for _, n in encoded))
        return value, 8

    def _tree(self, value: dict[str, Any] | list[Any], size: int) -> tuple[Any, int]:
        if size < INTERN_SIZE:
            return value, size
        key = to_json(value)
        index = self._trees.get(key)
        if index is None:
            index = self._trees[key] = self._add(value)
        return {_REF: index}, 10

    def _add(self, value: Any) -> int:
        self.values.append(value)
        return len(self.values) - 1


def to_json(value: Any, ensure_ascii: bool = False) -> str:
    """Compact JSON text, as run files and the run store write values; what JSON cannot hold is written as its repr."""
    if ensure_ascii:
        return _ENCODE_ASCII(value)
    if _TO_JSON is not None:
        try:
            return "".join(_TO_JSON(value, 0))
        except RecursionError:  # a value holding itself: the json module names it (ValueError)
            pass
    return _ENCODE(value)


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=repr).encode
_ENCODE_ASCII = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), default=repr).encode


_NAME_END = r'(?:[^a-z0-9"\\]|\\(?:u[0-9a-f]{4}|[^u])|[0-9]|v[0-9])*":'
"""What may follow, in JSON, the word that makes a field's name secret (`Masker.is_secret`: its last word, digits
and version words after it ignored): separators (a JSON escape is one), digits, "v" and a digit (a version word,
"V2" in camelCase), up to the end of the name (a quote and a colon). One way to read each character: matching is
linear."""


_SecretNames = list[tuple[str, list[tuple[int, re.Pattern[str]]]]]


@functools.lru_cache(maxsize=16)
def _secret_names(patterns: tuple[str, ...]) -> tuple[_SecretNames, re.Pattern[str] | None]:
    """For `EventEncoder`: the words that make a field's name secret (lower-case; none that holds another, so
    each is searched for once), each with the words that hold it (where in them) and the pattern of a secret
    name from there on (ASCII letters in any case, as `Masker.is_secret` reads them); and one pattern for any."""
    names: _SecretNames = []
    for word in sorted(set(patterns), key=len):
        if not any(shorter in word for shorter, _ in names):
            holders = [(p.index(word), re.compile(re.escape(p) + _NAME_END, re.IGNORECASE | re.ASCII))
                       for p in patterns if word in p]
            names.append((word, holders))
    anywhere = "(?:" + "|".join(map(re.escape, patterns)) + ")" + _NAME_END if patterns else None
    return names, re.compile(anywhere, re.IGNORECASE | re.ASCII) if anywhere else None


_C_ENCODER: Any = getattr(json.encoder, "c_make_encoder", None)  # not in the json module's public names
_TO_JSON = (_C_ENCODER(None, repr, json.encoder.encode_basestring, None, ":", ",", False, False, True)
            if _C_ENCODER is not None else None)
"""The C encoder `to_json` uses, made once: `json.JSONEncoder.encode` makes one at each call, which costs as much as
encoding a small event (a run makes thousands; the store encodes a dozen values per run); None where the json
module has none (then `_ENCODE`)."""


def _encoded(event: Mapping[str, Any]) -> str | None:
    """`event` as JSON text (as `to_json` writes it), or None when JSON cannot hold its keys (`EventEncoder.event`
    writes them as text)."""
    try:
        return to_json(event)
    except (TypeError, ValueError):
        return None


MAX_NESTING = 200
"""Deepest nesting of a value `read_run` accepts (the engine's events nest far less); deeper is refused,
so no view ever recurses into a value built, through references, deeper than JSON itself allows."""

MAX_EXPANDED_NODES = 10_000_000
"""Most JSON nodes (objects, lists and scalars; a text counts one, however long) the events of a file
`read_run` accepts may hold once references are followed. Views walk every event's values, so a small
file whose stored values refer to each other over and over (each doubling the last) is refused here,
not left to hang them. A real run holds far fewer: some 50 nodes a step, plus what its values hold each
time they are referred to (a 1,000-step run that reads a 1 MB text and a list of 1,000 texts at every
step holds 1 million)."""

MAX_FILE_BYTES = 64 * 2**20
"""Largest run file `read_run` reads unless given `max_bytes=` (reading takes several times its size in memory)."""


class _Reader:
    """Decodes a version-2 file's values and events: each stored value is rebuilt once and shared.

    It also counts the JSON nodes each value and event would hold with its references followed
    (from the counts of the values they refer to: nothing is walked twice), to refuse a file whose
    events expand past `MAX_EXPANDED_NODES`.
    """

    def __init__(self, values: list[Any]) -> None:
        self.values: list[Any] = []
        self.heights: list[int] = []  # how deep each stored value nests, references followed
        self.sizes: list[int] = []  # how many JSON nodes each stored value holds, references followed
        self._deepest = 0
        for i, value in enumerate(values):
            self._deepest, self._nodes = 0, 1
            self.values.append(self.decode(value, f"value {i}"))
            self.heights.append(self._deepest)
            self.sizes.append(self._nodes)
        self._nodes = 0  # from here on: the nodes of the events so far

    def event(self, item: Any, where: str) -> Any:
        """Event `item` decoded, unless the events so far then hold more than `MAX_EXPANDED_NODES` nodes."""
        self._nodes += 1
        event = self.decode(item, where)
        if self._nodes > MAX_EXPANDED_NODES:
            raise _refuse(
                f"{where} takes the events past {MAX_EXPANDED_NODES:,} JSON nodes once its references are followed"
            )
        return event

    def decode(self, value: Any, where: str, depth: int = 0) -> Any:
        """`value` with its references replaced by the stored values (scalars are returned as they are).

        Counts the nodes of `value`'s items (`value` itself was counted by the caller).
        """
        if type(value) is dict:
            if len(value) == 1:
                if _REF in value:
                    return self._stored(value[_REF], where, depth)
                if _LIT in value:
                    value = value[_LIT]
                    if type(value) is not dict:
                        raise _refuse(f"{where} has a {_LIT!r} that is not an object")
            depth = self._deeper(depth, where)
            self._nodes += len(value)
            return {k: self.decode(v, where, depth) if type(v) in _CONTAINERS else v for k, v in value.items()}
        if type(value) is list:
            depth = self._deeper(depth, where)
            self._nodes += len(value)
            return [self.decode(v, where, depth) if type(v) in _CONTAINERS else v for v in value]
        return value

    def _stored(self, ref: Any, where: str, depth: int) -> Any:
        if type(ref) is not int or not 0 <= ref < len(self.values):
            raise _refuse(f"{where} refers to value {shown(ref)}, which is not stored before it")
        self._deeper(depth + self.heights[ref] - 1, where)
        self._nodes += self.sizes[ref] - 1  # the reference itself was counted as one
        return self.values[ref]

    def _deeper(self, depth: int, where: str) -> int:
        depth += 1
        if depth > MAX_NESTING:
            raise _refuse(f"{where} holds a value nested more than {MAX_NESTING} levels deep")
        self._deepest = max(self._deepest, depth)
        return depth


_CONTAINERS = (dict, list)
_SCALARS = frozenset({int, float, bool, type(None)})


# -- reading and writing -----------------------------------------------------------------


class SavedRun:
    """A run read back from a file: its graph (a stand-in), output model description and events."""

    def __init__(
        self, graph: Graph, events: list[dict[str, Any]], output_model: dict[str, Any] | None, masked: bool
    ) -> None:
        self.graph = graph
        self.events = events
        self.output_model = output_model
        self.masked = masked


def write_run(
    path: str | Path,
    graph: Graph,
    events: Sequence[Mapping[str, Any]],
    output_model: dict[str, Any] | None,
    masker: Masker | None,
) -> Path:
    """Write a run file; with a `masker`, secret-looking fields (and their values anywhere) are masked.

    Each large value is stored once (see the module docstring), and masked once. The file is replaced
    at once: when saving fails, `RunSaveError` says why and the file that was there is left as it was.
    """
    target = Path(path)
    try:
        _replace_file(target, _file_bytes(_file_json(graph, events, output_model, masker)))
    except Exception as exc:  # whatever it is, the user's old file is intact: say so, with the cause chained
        cause = " ".join(f"{type(exc).__name__}: {exc}".split())
        raise RunSaveError(f"could not save the run to {str(target)!r} ({cause}); the file there is unchanged") from exc
    return target


def _file_json(
    graph: Graph, events: Sequence[Mapping[str, Any]], output_model: dict[str, Any] | None, masker: Masker | None
) -> dict[str, Any]:
    """The file's JSON (see `write_run`)."""
    if masker is not None:
        for event in events:
            masker.learn(event)  # every secret first: one echoed before it was introduced is masked too
    writer = EventEncoder(masker)
    covered = answered_tokens(events)
    chunks = _masked_streams(events, covered, masker) if masker is not None else {}
    encoded = [writer.event({**e, "chunk": chunks[i]} if i in chunks else e)
               for i, e in enumerate(events) if i not in covered]
    data = {
        "format": FORMAT,
        "version": VERSION,
        "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "masked": masker is not None,
        "graph": describe_graph(graph),
        "output_model": output_model,
        "values": writer.values,
        "events": encoded,
    }
    return data


def _file_bytes(data: dict[str, Any]) -> bytes:
    """The file's JSON as UTF-8; all in ASCII escapes when a text holds a lone surrogate (which UTF-8 cannot hold)."""
    try:
        return to_json(data).encode("utf-8")
    except UnicodeEncodeError:  # e.g. bytes decoded with errors="surrogateescape": \udcff reads back the same
        return to_json(data, ensure_ascii=True).encode("ascii")


def _replace_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` at once: into a temporary file beside it, synced, then renamed over it.

    A write that fails (or is interrupted) leaves the old file as it was and no temporary file;
    the new file keeps the old one's permissions.
    """
    target = Path(os.path.realpath(path))  # through a symbolic link, as writing in place does
    temp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(temp, "xb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileNotFoundError):
            shutil.copymode(target, temp)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def answered_tokens(events: Sequence[Mapping[str, Any]]) -> set[int]:
    """Indices of the ``token`` events whose attempt's ``lm_call`` follows (it carries their text): run files and
    the store leave them out (see the module docstring)."""
    pending: dict[tuple[Any, Any], list[int]] = {}
    covered: set[int] = set()
    for i, event in enumerate(events):
        kind = event.get("event")
        node = event.get("node") if isinstance(event.get("node"), str) else None
        if kind == "token":
            attempt = event.get("attempt") if isinstance(event.get("attempt"), int) else None
            pending.setdefault((node, attempt), []).append(i)
        elif kind == "lm_call":
            attempt = event.get("attempt") if isinstance(event.get("attempt"), int) else None
            covered.update(pending.pop((node, attempt), ()))
        elif kind == "node_start":  # a new visit counts its attempts from 1 again
            for key in [k for k in pending if k[0] == node]:
                del pending[key]
    return covered


def _masked_streams(events: Sequence[Mapping[str, Any]], dropped: set[int], masker: Masker) -> dict[int, str]:
    """Token index -> the chunk to write instead, so that no secret split over a stream's chunks is saved.

    A kept stream (a field of an attempt, see `NodeVisit.streams`) whose joined text masks differently
    (`Masker.mask_stream`) is written as its masked text in its first chunk and "" in the others: as many
    events with the same ``seq``, so a replay's slider is unchanged.
    """
    kept = [i for i, e in enumerate(events) if e.get("event") == "token" and i not in dropped]
    if not kept:
        return {}
    run = RunModel.replay(events)
    streams: dict[Stream, list[int]] = {}
    for i in kept:
        stream = run.stream_of_event(i)
        if stream is not None:  # a chunk of no open visit stands alone: masked as any text
            streams.setdefault(stream, []).append(i)
    chunks: dict[int, str] = {}
    for stream, indices in streams.items():
        masked = masker.mask_stream(stream.field, stream.text)
        if masked != stream.text:
            chunks.update(dict.fromkeys(indices, ""))
            chunks[indices[0]] = masked
    return chunks


def read_run(path: str | Path, *, max_bytes: int = MAX_FILE_BYTES) -> SavedRun:
    """Read a run file written by `write_run` (format version 1 or 2).

    Raises `RunFileError` (a ValueError) when the file is not one, is from a newer
    dspyer-lab, or does not match the schema; the message says what and where in one line.
    A file of more than `max_bytes` is refused before it is read: pass a larger one for a
    larger file you trust.
    """
    raw = _read_at_most(Path(path), max_bytes)
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise _refuse("it is not UTF-8 text") from None
    except RecursionError:
        raise _refuse("its JSON is nested too deeply") from None
    except ValueError as exc:
        raise _refuse(f"it is not JSON ({exc})") from None
    return parse_run(data)


def _read_at_most(path: Path, max_bytes: int) -> bytes:
    """The bytes of `path`; `RunFileError` if there are more than `max_bytes` (before reading, for a plain file)."""
    with path.open("rb") as file:
        size = os.fstat(file.fileno()).st_size
        data = file.read(max_bytes + 1) if size <= max_bytes else b""  # a device or a growing file says size 0
    if size > max_bytes or len(data) > max_bytes:
        held = f"{size:,} bytes" if size > max_bytes else f"more than {max_bytes:,} bytes"
        raise RunFileError(
            f"run file {str(path)!r} holds {held}, over the limit of {max_bytes:,} bytes: "
            "pass a larger max_bytes= to read_run or LabView.load to read it"
        )
    return data


def parse_run(data: Any) -> SavedRun:
    """The run in `data`, the parsed JSON of a run file (see `read_run`)."""
    if not isinstance(data, dict):
        raise _refuse(f"it holds a JSON {type(data).__name__}, not an object")
    if data.get("format") != FORMAT:
        raise _refuse(f"its format is {shown(data.get('format'))}, not {FORMAT!r}")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _refuse(f"its version {shown(version)} is not a format version (1 to {VERSION})")
    if version > VERSION:
        raise RunFileError(
            f"run file format version {version} is newer than this dspyer-lab reads (1 to {VERSION}): upgrade dspyer-lab"
        )
    try:
        header = _File.model_validate(data)
    except ValidationError as exc:
        raise _refuse(explain(exc)) from None
    events = _events(header.events, _Reader(header.values) if version >= 2 else None)
    try:
        graph = graph_from_description(header.graph.model_dump())
    except (DspyerLabError, ValueError) as exc:
        raise _refuse(f"its graph cannot be drawn: {' '.join(str(exc).split())}") from None
    output_model = header.output_model.model_dump() if header.output_model is not None else None
    return SavedRun(graph, events, output_model, header.masked)


def _events(raw: list[Any], reader: _Reader | None) -> list[dict[str, Any]]:
    events = []
    for i, item in enumerate(raw):
        where = event_label(i, item)
        event = item if reader is None else reader.event(item, where)
        problem = validate_event(event, where)
        if problem is not None:
            raise _refuse(problem)
        events.append(event)
    return events
