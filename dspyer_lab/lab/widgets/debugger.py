"""The LabView's debugger: breakpoints, pause / continue / step / stop, editing the state, forks and the runs kept.

A mixin of `LabView` (it uses the view's run machinery: `_launch`, `_render`, the run models).
Every action is one *command*, reached the same way from Python (``await view.resume(...)``)
and from the browser (a custom message from a button), so both behave alike:

- `resume` / `step` continue the paused run shown, in the same `RunModel` (same ``run_id``,
  ``seq`` going on): ``program.new_run(_resume=<the pause's checkpoint>, _update=...)``;
- `fork` starts a new run from any step of the run shown (``_resume=Checkpoint.from_events(events, k),
  _fork=True``), kept next to its parent in `runs`;
- `stop` (the view's) also ends a paused run: it is marked cancelled.

An update is checked before anything runs (the core's `CheckpointError`, naming the field);
from the browser, the error is shown next to the field instead of being raised.
Runs continued from a click run in the context (``dspy.context(lm=...)``, callbacks) of the
Python call that started the run, since a click has none of its own, as a task on the event loop
the frontend handles the click on (ipykernel's, marimo's kernel loop); a frontend that handles it
with no running loop gets the reason shown in the view (`NO_LOOP`), not a click that does nothing.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import dspy
import traitlets

from ...core.checkpoint import Checkpoint
from ...core.exceptions import CheckpointError, DspyerLabError, RunPaused
from ...core.graph import END, StatefulNode
from ..model.debugview import branch_of, diff_blocks, fork_diff, inherited, run_label, state_fields
from ..model.runmodel import CANCELLED, RunModel
from ..model.viewmodel import graph_json, selected_visit
from ..textview import MASK

if TYPE_CHECKING:
    from ..dot import Drawing
    from ..model.viewmodel import Selection
    from ..textview import Masker
    from .graph import GraphState

__all__ = ["KEPT_RUNS", "NO_LOOP", "WHEN", "DebuggerMixin", "ViewCommandError"]

_Prepared = tuple[Any, Callable[[RunModel], Any]]
"""A run ready to launch: its event stream (not started) and how its result is read."""

WHEN = ("before", "after")
"""Where a breakpoint pauses a run: before its node runs, or after it ran and routed."""
NO_LOOP = (
    "This frontend handed the click over with no running event loop to run it on: "
    "go on from a cell instead (await view.resume(...), view.step(...) or view.fork(...))"
)
"""What the view shows when a Continue / Step / Run fork click cannot start its run."""
KEPT_RUNS = 20
"""Runs a view keeps for its selector, the oldest dropped first: a view run in a loop must not hold every run."""


class DebuggerMixin(traitlets.HasTraits):
    """Breakpoints, pauses, edits and forks of a `LabView` (see the module docstring)."""

    breakpoints = traitlets.Dict(
        help='{"before": [node, ...], "after": [node, ...]}: where runs of this view pause ("*" for every node)'
    ).tag(sync=True)

    if TYPE_CHECKING:  # what the mixin uses of its LabView
        program: Any
        graph: GraphState
        masker: Masker
        run_log: RunModel
        _shown: RunModel
        _sel: Selection
        _replay: bool
        _uncompiled: Any
        _picture: dict[str, Any]
        stream_tokens: bool

        @property
        def running(self) -> bool: ...
        def _launch(self, events: Any, result: Callable[[RunModel], Any], *, background: bool = ...,
                    continuing: bool = ...) -> asyncio.Task[Any]: ...
        def _render(self) -> None: ...
        def _fold(self, event: dict[str, Any]) -> None: ...
        def _end(self) -> None: ...
        def _refuse_second_run(self) -> None: ...
        def _runnable(self) -> Any: ...
        def _reset_selection(self) -> None: ...

    def __init__(self, **kwargs: Any) -> None:
        self._runs: list[RunModel] = []
        self._context: contextvars.Context | None = None
        self._debug_error: dict[str, Any] | None = None
        self._fork_memo: tuple[tuple[Any, int, int], Checkpoint] | None = None  # the bar is drawn at every render
        self._fork_editing = False
        defaults = getattr(self.program, "defaults", None)
        kwargs.setdefault("breakpoints", {
            "before": sorted(getattr(defaults, "interrupt_before", ())),
            "after": sorted(getattr(defaults, "interrupt_after", ())),
        })
        super().__init__(**kwargs)

    # -- public API -------------------------------------------------------------------

    @traitlets.validate("breakpoints")
    def _valid_breakpoints(self, proposal: Any) -> dict[str, list[str]]:
        value = proposal["value"]
        unknown_keys = [k for k in value if k not in WHEN]
        if unknown_keys:
            raise ViewCommandError(f"breakpoints take the keys 'before' and 'after', not {unknown_keys}")
        nodes = list(self.graph.graph.nodes)
        checked: dict[str, list[str]] = {}
        for when in WHEN:
            names = value.get(when) or []
            if names == "*":
                names = nodes
            if isinstance(names, str) or not all(isinstance(n, str) for n in names):
                raise ViewCommandError(f"breakpoints[{when!r}] must be a list of node names or '*', got {names!r}")
            missing = [n for n in names if n not in nodes]
            if missing:
                raise ViewCommandError(
                    f"breakpoints[{when!r}] names unknown node(s) {missing}; the nodes are: {', '.join(nodes)}"
                )
            checked[when] = sorted(set(names))
        return checked

    def toggle_breakpoint(self, node: str, when: str = "before") -> bool:
        """Set or clear the breakpoint `when` (``"before"`` or ``"after"``) node `node`; True when it is now set.

        What a click on a node's breakpoint marker in the drawing does.
        """
        if when not in WHEN:
            raise ViewCommandError(f"when must be 'before' or 'after', got {when!r}")
        current = {w: list(self.breakpoints.get(w, [])) for w in WHEN}
        names = current[when]
        now_set = node not in names
        current[when] = [*names, node] if now_set else [n for n in names if n != node]
        self.breakpoints = current
        return now_set

    @property
    def paused(self) -> RunPaused | None:
        """Where the run shown is paused (`node`, `when`, `checkpoint`), or None when it is not paused."""
        log: RunModel = self.run_log
        event = log.paused
        if log.status != "paused" or event is None:
            return None
        try:
            checkpoint = Checkpoint.from_dict(event.get("checkpoint"))  # type: ignore[arg-type]
        except CheckpointError:  # a tampered file's pause: nothing to resume from
            return None
        return RunPaused(str(event.get("node")), str(event.get("when")), checkpoint)

    @property
    def runs(self) -> list[RunModel]:
        """The runs this view has shown, oldest first: runs, continued pauses and forks (one `RunModel` each;
        the last `KEPT_RUNS`)."""
        return list(self._runs)

    def show_run(self, index: int) -> RunModel:
        """Show run `index` of `runs` (graph, panels, slider); `resume`, `step` and `fork` then act on it."""
        if self.running:
            raise ViewCommandError("A run is in progress: switch runs once it is over")
        if not -len(self._runs) <= index < len(self._runs):
            raise ViewCommandError(f"no run {index}: this view has {len(self._runs)} run(s)")
        self._switch_to(self._runs[index])
        self._render()
        return self._runs[index]

    @property
    def diff(self) -> dict[str, str]:
        """For a fork shown: node -> ``same``, ``changed``, ``added`` or ``removed`` against its parent's run
        after the branch step (see `debugview.fork_diff`); empty for a run that is not a fork of a kept run."""
        parent = self._parent_of(self.run_log)
        return dict(fork_diff(parent, self.run_log)) if parent is not None else {}

    async def resume(self, update: Mapping[str, Any] | None = None) -> Any:
        """Continue the paused run shown, with `update` (state values) applied first; the Continue button.

        The run goes on in the same run model (same ``run_id``, its ``seq`` continuing). Returns the
        typed result when the run finishes, None when it pauses again (`paused` says where); a failure
        is shown and re-raised, like `run`. A rejected update raises `CheckpointError` naming the field
        before anything runs.
        """
        return await self._command(self._checked(lambda: self._continued(update, step=False)), continuing=True)

    async def step(self, update: Mapping[str, Any] | None = None) -> Any:
        """Run the next node of the paused run shown and pause again; the Step button. Returns like `resume`."""
        return await self._command(self._checked(lambda: self._continued(update, step=True)), continuing=True)

    async def fork(self, step: int | None = None, update: Mapping[str, Any] | None = None) -> Any:
        """Run again from a past point of the run shown, as a new run (a fork, kept in `runs` and shown).

        `step`: the graph steps kept from the run shown (the toolbar's "step N"; ``step=1`` keeps the
        first node's output and runs everything after it); default: the step boundary at or before the
        slider's position (`Checkpoint.from_events`). `update` is applied to the state first.
        Returns like `resume`; `diff` then compares the fork's node outputs with the parent's.
        """
        return await self._command(self._checked(lambda: self._forked(step, update)), continuing=False)

    # -- commands ---------------------------------------------------------------------

    def _command(self, prepared: _Prepared, *, continuing: bool, background: bool = False) -> Any:
        """Launch a prepared run (events, result) in the right context; the task (awaitable) of `_launch`."""
        events, result = prepared
        if (not background and dspy.settings.lm is not None) or self._context is None:
            self._context = contextvars.copy_context()  # a Python call: its own dspy settings, remembered
        self._debug_error = None
        self._fork_editing = False
        launch = self._launch
        return self._context.copy().run(lambda: launch(events, result, background=background, continuing=continuing))

    def _checked(self, prepare: Callable[[], _Prepared]) -> _Prepared:
        """`prepare()`, showing what it refuses (a rejected update, nothing paused) in the view before it is raised."""
        try:
            return prepare()
        except DspyerLabError as exc:
            key = getattr(exc, "key", None)
            self._debug_error = {"field": key if isinstance(key, str) else None,
                                 "message": self.masker.mask_text(str(exc))}
            self._render()
            raise

    def _continued(self, update: Mapping[str, Any] | None, *, step: bool) -> _Prepared:
        self._refuse_second_run()
        paused = self.paused
        if paused is None:
            raise ViewCommandError(f"Nothing to continue: the run shown is {self.run_log.status}, not paused")
        options = self._interrupt_options()
        if step:
            options["_interrupt_before"] = "*"
        self._shown = self.run_log  # continuing from the pause, not from a past step
        return self._started(_resume=paused.checkpoint, _update=update, **options)

    def _forked(self, step: int | None, update: Mapping[str, Any] | None) -> _Prepared:
        self._refuse_second_run()
        checkpoint = self._fork_point(step)
        return self._started(_resume=checkpoint, _fork=True, _update=update, **self._interrupt_options())

    def _fork_point(self, step: int | None) -> Checkpoint:
        log: RunModel = self.run_log
        if not log.events:
            raise ViewCommandError("No run to fork: run the program first (or load a saved run)")
        k = max(1, min(int(len(self._shown.events) if step is None else _through_step(log.events, step)), len(log.events)))
        key = (log.run_id, len(log.events), k)  # a run only grows: the same length is the same events
        if self._fork_memo is None or self._fork_memo[0] != key:
            self._fork_memo = (key, Checkpoint.from_events(log.events, k))
        return self._fork_memo[1]

    def _started(self, **options: Any) -> _Prepared:
        program = self._runnable()
        if not hasattr(program, "new_run"):
            raise ViewCommandError("Pausing, resuming and forking need a dspyer-lab program (AgentTranspiler.compile)")
        run = program.new_run(**{"_stream_tokens": self.stream_tokens, **options})
        return run.events(), lambda log: None if run.paused is not None else run.result

    def _interrupt_options(self) -> dict[str, Any]:
        """The view's breakpoints as per-call options (they replace the program's compiled ones)."""
        return {"_interrupt_before": list(self.breakpoints.get("before", [])),
                "_interrupt_after": list(self.breakpoints.get("after", []))}

    def _with_breakpoints(self, inputs: dict[str, Any]) -> dict[str, Any]:
        """`inputs` of a new run plus the view's breakpoints (a per-call ``_interrupt_*`` given wins)."""
        self._context = contextvars.copy_context()
        if not hasattr(self.program, "new_run"):
            return inputs
        return {**self._interrupt_options(), **inputs}

    def _stop_paused(self) -> bool:
        """End the paused run shown (nothing runs while paused: it is marked cancelled); False if none is paused."""
        log: RunModel = self.run_log
        if log.status != "paused":
            return False
        self._fold(log.closing_event(CANCELLED))
        self._end()
        return True

    # -- the runs kept ---------------------------------------------------------------

    def _keep(self, run: RunModel) -> None:
        self._runs.append(run)
        while len(self._runs) > KEPT_RUNS:
            self._runs.remove(next(r for r in self._runs if r is not self.run_log and r is not self._shown))

    def _switch_to(self, run: RunModel) -> None:
        self.run_log = self._shown = run
        self._reset_selection()
        self._fork_editing = False
        self._debug_error = None

    def _parent_of(self, run: RunModel) -> RunModel | None:
        branch = branch_of(run)
        if branch is None:
            return None
        return next((r for r in self._runs if r.run_id == branch[0] and r is not run), None)

    # -- messages from the browser ---------------------------------------------------

    def _debug_message(self, content: Mapping[str, Any]) -> bool:
        """Handle a debugger message (breakpoint, resume, step, fork, fork-editor, show-run); False for others."""
        kind = content.get("type")
        if kind == "breakpoint":
            node, when = content.get("node"), content.get("when")
            if isinstance(node, str) and node in self.graph.graph.nodes and when in WHEN:
                self.toggle_breakpoint(node, str(when))
        elif kind in ("resume", "step", "fork"):
            self._clicked(str(kind), content.get("update"))
        elif kind == "fork-editor":
            self._fork_editing = bool(content.get("open"))
            self._debug_error = None
            self._render()
        elif kind == "show-run" and isinstance(content.get("index"), int) and not self.running:
            if 0 <= content["index"] < len(self._runs):
                self.show_run(content["index"])
        else:
            return False
        return True

    def _clicked(self, kind: str, texts: Any) -> None:
        """Continue, Step or Run from here: the same commands as from Python, errors shown next to the field."""
        def prepare() -> _Prepared:
            update = _parsed_update(texts)
            return self._forked(None, update) if kind == "fork" else self._continued(update, step=kind == "step")

        try:
            asyncio.get_running_loop()
        except RuntimeError:  # the run's task would have no loop to run on
            self._debug_error = {"field": None, "message": NO_LOOP}
            self._render()
            return
        try:
            prepared = self._checked(prepare)
        except DspyerLabError:
            return  # shown next to the field: a click has no caller to raise to
        self._command(prepared, continuing=kind != "fork", background=True)

    # -- what the browser shows ------------------------------------------------------

    def _picture_of(self, run: RunModel, drawing: Drawing, selected: str | None) -> None:
        picture = graph_json(run, drawing, selected)
        paused = run.paused if run.status == "paused" else None
        picture["paused"] = {"node": paused.get("node"), "when": paused.get("when")} if paused else None
        parent = self._parent_of(run)
        picture["diff"] = fork_diff(parent, run) if parent is not None else {}
        picture["inherited"] = inherited(parent, run) if parent is not None else []
        self._picture = picture

    def _debug_panel(self, panel: dict[str, Any], log: RunModel) -> None:
        """Add the debugger's JSON (``panel["debug"]``) and a fork's comparison in the node tab; Stop ends a pause."""
        whole: RunModel = self.run_log
        can_run = not self._replay and (hasattr(self.program, "new_run") or self._uncompiled is not None)
        paused = self.paused if log is whole and can_run else None
        debug: dict[str, Any] = {"can_break": can_run, "paused": None, "fork": None, "runs": None,
                                 "error": self._debug_error, "diff": None}
        if paused is not None:
            cp = paused.checkpoint
            debug["paused"] = {
                "node": paused.node, "when": paused.when, "step": cp.step, "next": cp.next, "key": f"{whole.run_id}:{cp.seq}",
                "fields": state_fields(cp.state, self.masker, self._reads(cp.next)),
                "enabled": not self.running,
            }
            panel["toolbar"]["stop"] = {"shown": True, "enabled": not self.running,
                                        "hint": "End the paused run (it is marked cancelled)"}
        elif can_run and whole.events and not self.running:
            debug["fork"] = self._fork_json(log)
        if len(self._runs) > 1:
            current = next((i for i, r in enumerate(self._runs) if r is whole), None)
            debug["runs"] = {"options": [{"value": i, "label": run_label(i, r, self._runs)} for i, r in enumerate(self._runs)],
                             "value": current, "enabled": not self.running}
        parent = self._parent_of(whole)
        if parent is not None:
            index = self._runs.index(parent) + 1
            diff = fork_diff(parent, log)
            changed = [n for n, d in diff.items() if d != "same"]
            same = "same outputs" if log.status in ("finished", "failed", CANCELLED) else "same outputs so far"
            debug["diff"] = {"parent": f"run {index}", "changed": changed,
                             "text": f"fork of run {index}: "
                                     + (f"output differs at {', '.join(changed)}" if changed else same)}
            visit = selected_visit(log, self._sel)
            if visit is not None:
                panel["node"]["blocks"] = [*panel["node"]["blocks"],
                                           *diff_blocks(visit, parent, f"run {index} (the parent)", log, self.masker)]
        panel["debug"] = debug

    def _fork_json(self, log: RunModel) -> dict[str, Any]:
        """The "Run from here" bar at the step seen: where the fork would start, and the state to edit when open."""
        whole: RunModel = self.run_log
        try:
            cp = self._fork_point(None)
        except (CheckpointError, KeyError, TypeError, ValueError) as exc:  # events that do not follow the contract
            return {"available": False, "note": f"cannot run from here: {exc}", "editing": False}
        if cp.next == END:  # at a run's end there is nothing to run: the bar stays away until the slider moves back
            return {"available": False, "note": "", "editing": False}
        where = f"from after step {cp.step}" if cp.step else "from the start"
        note = f"{where}: node '{cp.next}' runs next (event {len(log.events)} of {len(whole.events)})"
        fork: dict[str, Any] = {"available": True, "note": note, "editing": self._fork_editing,
                                "key": f"{whole.run_id}:{cp.seq}", "next": cp.next}
        if fork["editing"]:
            fork["fields"] = state_fields(cp.state, self.masker, self._reads(cp.next))
        return fork

    def _reads(self, node: str) -> list[str]:
        """The state fields node `node` reads (an LLM node's input fields; none known for a Python node)."""
        found = self.graph.graph.nodes.get(node)
        return list(found.input_model.model_fields) if isinstance(found, StatefulNode) else []


class ViewCommandError(DspyerLabError, ValueError):
    """A LabView debugger command cannot be done (nothing paused, a run in progress, bad breakpoints)."""


def _parsed_update(texts: Any) -> dict[str, Any] | None:
    """The browser's edits (field -> JSON text) as state values; a `CheckpointError` names the field that is not JSON."""
    if texts is None:
        return None
    if not isinstance(texts, Mapping):
        raise CheckpointError("the edits must map field names to JSON text", key=None)
    values = {}
    for field, text in texts.items():
        if not isinstance(text, str):
            raise CheckpointError(f"field {field!r}: expected JSON text", key=str(field))
        if MASK in text:
            raise CheckpointError(f"field {field!r} still holds the mask {MASK}: type the whole value", key=str(field))
        try:
            values[str(field)] = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CheckpointError(
                f"field {field!r} is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
                'text needs quotes: "like this"', key=str(field)
            ) from None
    return values or None


def _through_step(events: Sequence[Mapping[str, Any]], step: int) -> int:
    """How many of `events` make up the run up to the end of graph step `step` (its `route`)."""
    first = int(events[0].get("parent_step") or 0)  # a fork counts on from its branch point
    started, done = None, first
    for i, event in enumerate(events):
        kind = event.get("event")
        if kind == "node_start":
            if step == first:
                return i
            started = event.get("step")
        elif kind == "route" and started is not None:
            done = int(started)
            if done == step:
                return i + 1
    if step == first:
        return len(events)
    raise ViewCommandError(f"No step {step} to fork after: the run shown has steps {first} to {done}")
