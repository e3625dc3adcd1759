"""The debugger's view model: what the browser shows of pauses, forks and the runs of a view, as small JSON.

Pure functions of run models (no widgets), like `viewmodel`: the debugger of a `LabPresenter`
(`dspyer_lab.lab.model.presenter`) calls them on every render. A *fork* is a run whose
``run_start`` names ``parent_run_id`` and ``parent_step``; `fork_diff` compares what its nodes
wrote with what the same nodes wrote in the parent after the step it branched from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from ...core.checkpoint import Checkpoint
from ...core.graph import END
from ..textview import Masker
from .runmodel import NodeVisit, RunModel

__all__ = [
    "EDIT_LIMIT",
    "Difference",
    "branch_of",
    "diff_blocks",
    "fork_diff",
    "inherited",
    "next_superstep",
    "run_label",
    "state_fields",
]

Difference = Literal["same", "changed", "added", "removed"]
"""How a node of a fork compares with its parent: wrote the same, wrote something else, ran only in the
fork (``added``), or ran only in the parent after the branch (``removed``)."""

EDIT_LIMIT = 20_000
"""Characters of a state value's JSON beyond which the panel shows it read-only (edit it from Python)."""


def branch_of(run: RunModel) -> tuple[str, int] | None:
    """(parent run id, step it branched after) when `run` is a fork, else None."""
    first = run.events[0] if run.events else {}
    parent, step = first.get("parent_run_id"), first.get("parent_step")
    if first.get("event") != "run_start" or not isinstance(parent, str):
        return None
    return parent, step if isinstance(step, int) and not isinstance(step, bool) else 0


def _patches_after(run: RunModel, step: int) -> dict[str, list[NodeVisit]]:
    """Each node's visits in `run` whose step comes after `step`, in order."""
    found: dict[str, list[NodeVisit]] = {}
    for visit in run.visits:
        if visit.step is None or visit.step > step:
            found.setdefault(visit.node, []).append(visit)
    return found


def fork_diff(parent: RunModel, fork: RunModel) -> dict[str, Difference]:
    """Node -> how its output in `fork` compares with `parent`'s after the branch step (nodes that ran in either).

    Visits are matched in order (the fork's 2nd visit of a node with the parent's 2nd after the branch)
    and compared by the patch they wrote. While the fork is still going, a node whose visits so far
    match the parent's first ones is ``same``, and nothing is ``removed`` yet.
    """
    branch = branch_of(fork)
    step = branch[1] if branch is not None else 0
    ours, theirs = _patches_after(fork, 0), _patches_after(parent, step)
    ended = fork.status in ("finished", "failed", "cancelled")
    diff: dict[str, Difference] = {}
    for node in dict.fromkeys([*ours, *theirs]):
        mine = [v.patch for v in ours.get(node, ()) if v.patch is not None or v.status == "failed"]
        other = [v.patch for v in theirs.get(node, ())]
        if not ours.get(node):
            if ended:
                diff[node] = "removed"
        elif not other:
            diff[node] = "added"
        elif mine == (other if ended else other[: len(mine)]):
            diff[node] = "same"
        else:
            diff[node] = "changed"
    return diff


def next_superstep(cp: Checkpoint) -> tuple[str, str]:
    """What the superstep after `cp` runs, in plain words (``'summarize' ×5``, ``'web', 'docs'``), and for a
    checkpoint cut in the middle of a map, which of its instances ran already (they do not run again; "" if none)."""
    branches = list(cp.frontier) or ([{"node": cp.next}] if cp.next != END else [])
    counts: dict[str, int] = {}
    for branch in branches:
        counts[branch["node"]] = counts.get(branch["node"], 0) + 1
    runs = ", ".join(f"'{node}' ×{n}" if n > 1 else f"'{node}'" for node, n in counts.items()) or "nothing"
    positions = sorted(int(task.rpartition(".")[2]) for task in cp.pending)
    ran = [branches[i] for i in positions if i < len(branches)]
    names = ", ".join(f"{b['node']} #{b['index']}" if "index" in b else b["node"] for b in ran)
    return runs, f"{len(ran)} of them ran already: {names}" if ran else ""


def inherited(parent: RunModel, fork: RunModel) -> list[str]:
    """The nodes that ran in `parent` up to the step `fork` branched after: their outputs are in the fork's state."""
    branch = branch_of(fork)
    if branch is None:
        return []
    return list(dict.fromkeys(v.node for v in parent.visits if v.step is not None and v.step <= branch[1]))


def run_label(index: int, run: RunModel, runs: Sequence[RunModel]) -> str:
    """How the runs selector names run `index`: ``run 2 · fork of run 1 after step 1 · finished``."""
    branch = branch_of(run)
    where = ""
    if branch is not None:
        parent = next((i for i, r in enumerate(runs) if r.run_id == branch[0]), None)
        named = f"run {parent + 1}" if parent is not None else f"run {branch[0][:8]}"
        where = f" · fork of {named} after step {branch[1]}"
    return f"run {index + 1}{where} · {run.status}"


def state_fields(
    state: Mapping[str, Any], masker: Masker, reads: Iterable[str] = (), limit: int = EDIT_LIMIT
) -> list[dict[str, Any]]:
    """The state as editable fields: name, JSON text (masked), whether the next node reads it, editable.

    A value longer than `limit` characters is shown clipped and read-only (``view.resume(update=...)`` edits it).
    """
    read = set(reads)
    masked = masker.mask(dict(state))
    fields = []
    for name, value in masked.items():
        text = json.dumps(value, ensure_ascii=False, indent=1, default=str)
        editable = len(text) <= limit
        fields.append({
            "name": str(name),
            "text": text if editable else text[:limit] + " …",
            "reads": name in read,
            "editable": editable,
            "secret": masker.is_secret(str(name)),
        })
    return fields


def diff_blocks(visit: NodeVisit, parent: RunModel, parent_label: str, fork: RunModel, masker: Masker) -> list[dict[str, Any]]:
    """Panel blocks comparing a fork's node visit with the matching visit of its parent (same node, same order)."""
    branch = branch_of(fork)
    step = branch[1] if branch is not None else 0
    mine = [v for v in fork.visits if v.node == visit.node]
    theirs = _patches_after(parent, step).get(visit.node, [])
    position = next((i for i, v in enumerate(mine) if v is visit), len(mine) - 1)
    other = theirs[position] if position < len(theirs) else None
    title = {"title": f"Compared with {parent_label}"}
    if other is None:
        return [title, {"note": f"Node '{visit.node}' did not run this visit in the parent after step {step}."}]
    if visit.patch is None:
        return [title, {"note": "This visit has not written its output yet."}]
    theirs_patch = masker.mask(other.patch or {})
    ours_patch = masker.mask(visit.patch)
    keys = list(dict.fromkeys([*theirs_patch, *ours_patch]))
    rows = [[k, _text(theirs_patch.get(k, "—")), _text(ours_patch.get(k, "—"))] for k in keys]
    changed = [i for i, k in enumerate(keys) if theirs_patch.get(k, _MISSING) != ours_patch.get(k, _MISSING)]
    note = "Output differs from the parent's." if changed else "Same output as the parent's."
    return [title, {"note": note},
            {"table": {"head": ["field", "parent wrote", "this fork wrote"], "rows": rows, "changed": changed}}]


_MISSING = object()


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
