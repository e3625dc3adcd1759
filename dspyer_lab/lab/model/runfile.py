"""Saved runs: a JSON file with the graph's description and a run's events, replayable without any model.

Format (``"format": "dspyer-lab-run"``, ``"version": 1``)::

    {
      "format": "dspyer-lab-run", "version": 1, "saved_at": "<ISO time>",
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
      "events": [ ...contract events, in order... ]
    }

The description holds exactly what the drawing shows (names, kinds, model and function
names, edges, path keys), so `graph_from_description` rebuilds a stand-in `Graph` that
draws the same DOT; its steps cannot run.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import BaseModel, create_model

from ...core.graph import Graph, StatefulNode
from ..dot import build_drawing
from ..textview import Masker

__all__ = [
    "FORMAT",
    "VERSION",
    "SavedRun",
    "describe_graph",
    "describe_output_model",
    "graph_from_description",
    "read_run",
    "write_run",
]

FORMAT = "dspyer-lab-run"
VERSION = 1


def describe_graph(graph: Graph) -> dict[str, Any]:
    """The drawable description of `graph` (see the module docstring)."""
    nodes = []
    for name, node in graph.nodes.items():
        entry: dict[str, Any] = {"name": name, "kind": graph.node_kind(name)}
        if isinstance(node, StatefulNode):
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
        "edges": [{"source": s, "target": t} for s, t in graph.edges.items()],
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
        raise RuntimeError(f"Node '{node}' belongs to a replayed run; it cannot be executed")

    replay_only.__name__ = name or node
    return replay_only


def graph_from_description(description: Mapping[str, Any]) -> Graph:
    """A stand-in `Graph` that draws like the described one (nodes cannot run)."""
    graph = Graph()
    llm_routers: dict[str, StatefulNode] = {}
    for entry in description.get("nodes", []):
        name = entry["name"]
        if entry.get("kind") in ("llm", "router"):
            node = StatefulNode(
                name,
                _stub_model(entry.get("input_model") or "Inputs", entry.get("input_fields") or []),
                _stub_model(entry.get("output_model") or "Outputs", entry.get("output_fields") or ["value"]),
            )
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


class SavedRun:
    """A run read back from a file: its graph (a stand-in), output model description and events."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        if data.get("format") != FORMAT:
            raise ValueError(f"Not a saved dspyer-lab run (format {data.get('format')!r}, expected {FORMAT!r})")
        if not isinstance(data.get("version"), int) or data["version"] > VERSION:
            raise ValueError(
                f"Saved run has format version {data.get('version')!r}; this dspyer-lab reads up to {VERSION}"
            )
        self.graph = graph_from_description(data["graph"])
        self.output_model: dict[str, Any] | None = data.get("output_model")
        self.events: list[dict[str, Any]] = [dict(e) for e in data.get("events", [])]
        self.masked: bool = bool(data.get("masked"))


def write_run(
    path: str | Path,
    graph: Graph,
    events: list[Mapping[str, Any]],
    output_model: dict[str, Any] | None,
    masker: Masker | None,
) -> Path:
    """Write a run file; with a `masker`, secret-looking fields (and their values anywhere) are masked."""
    if masker is not None:
        for event in events:
            masker.learn(event)
        events = [masker.mask(dict(e)) for e in events]
    data = {
        "format": FORMAT,
        "version": VERSION,
        "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "masked": masker is not None,
        "graph": describe_graph(graph),
        "output_model": output_model,
        "events": list(events),
    }
    target = Path(path)
    target.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=repr), encoding="utf-8")
    return target


def read_run(path: str | Path) -> SavedRun:
    """Read a run file written by `write_run`; ValueError when it is not one, or from a newer dspyer-lab."""
    return SavedRun(json.loads(Path(path).read_text(encoding="utf-8")))
