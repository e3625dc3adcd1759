"""`%load_ext dspyer_lab`: the `%%dspyer` cell magic and the `%dspyer` line magic.

Loading is cheap: this module imports no widgets; the views load the first time a
magic runs.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import inspect
import json
import re
import shlex
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Mapping
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class, no_var_expand
from IPython.core.magic_arguments import argument, magic_arguments

from ..core.exceptions import DspyerLabError
from ..core.graph import Graph
from ..core.program import AgentTranspiler, TranspiledProgram
from ..core.scripted import ScriptedLM
from .masking import mask_text
from .textview import Masker, one_line

if TYPE_CHECKING:
    from .labview import LabView
    from .widgets.batch import BatchView
    from .widgets.optimize import OptimizeView

__all__ = [
    "DEFAULT_OUT",
    "PROGRAM_NAME",
    "RUNS_NAME",
    "TASK_NAME",
    "VIEW_NAME",
    "DspyerCellError",
    "DspyerMagics",
    "RunCancelled",
    "awaiting_cells",
    "breakpoints_of",
    "batch_inputs",
    "batch_metric",
    "optimizer_of",
    "check_inputs",
    "load_ipython_extension",
    "parse_inputs",
    "parse_value",
    "pick_lm",
    "pick_program",
    "unload_ipython_extension",
]

DEFAULT_OUT = "result"
"""Where `%%dspyer` binds the typed result unless `--out` names another variable."""
VIEW_NAME = "dspyer_view"
"""Where the magics bind the `LabView` they display."""
PROGRAM_NAME = "dspyer_program"
"""Where `%%dspyer` binds the compiled program it ran."""
TASK_NAME = "dspyer_task"
"""Where `%%dspyer --background` binds the run's `asyncio.Task`."""
RUNS_NAME = "dspyer_runs"
"""Where `%dspyer runs` binds the `RunsView` it displays."""
COMPARE_NAME = "dspyer_compare"
"""Where `%dspyer compare` binds the `CompareView` it displays."""

_TARGETS = (Graph, TranspiledProgram)
_ERROR_LIMIT = 300


class DspyerCellError(DspyerLabError):
    """A `%%dspyer` cell failed; IPython shows only `lines` (default: the one-line message), no traceback.

    Raised rather than printed so the cell counts as failed and "Run All" stops there;
    the view holds the details (full traceback in its error panel).
    """

    def __init__(self, message: str, lines: list[str] | None = None) -> None:
        super().__init__(message)
        self.lines = lines or [message]
        """What the notebook shows for this error."""

    def _render_traceback_(self) -> list[str]:
        return self.lines


class RunCancelled(DspyerCellError):
    """The run was cancelled (interrupt button, Stop button or `view.stop()`)."""

    def __init__(self) -> None:
        super().__init__("Run cancelled")


def parse_value(text: str) -> Any:
    """A `-i` value: the Python literal it spells (`3`, `True`, `['a']`), else the text itself. Never evaluates code."""
    try:
        return ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return text


def parse_inputs(pairs: list[str] | None, inputs: str | None, namespace: Mapping[str, Any]) -> dict[str, Any] | None:
    """The run's inputs from `--inputs` (JSON object, or the name of a dict in `namespace`) and `-i KEY=VALUE`.

    `-i` wins per key. None when neither is given (the magic then only shows the graph).
    """
    if pairs is None and inputs is None:
        return None
    merged: dict[str, Any] = {}
    if inputs is not None:
        merged.update(_inputs_option(inputs, namespace))
    merged.update(_pairs(pairs))
    return merged


def _pairs(pairs: list[str] | None) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for pair in pairs or ():
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise UsageError(f"-i expects KEY=VALUE (e.g. -i question=\"What is DSPy?\"), got {pair!r}")
        merged[key] = parse_value(value)
    return merged


def check_inputs(pairs: list[str] | None, inputs: str | None) -> None:
    """Refuse a malformed `-i` or `--inputs` JSON before the cell body runs (a variable name is looked up after)."""
    _pairs(pairs)
    if inputs is not None and not _names_variable(inputs):
        _inputs_option(inputs, {})


def _names_variable(text: str) -> bool:
    name = text.strip()
    return name.isidentifier() and name not in ("true", "false", "null")


def _inputs_option(text: str, namespace: Mapping[str, Any]) -> dict[str, Any]:
    name = text.strip()
    if _names_variable(name):
        if name not in namespace:
            raise UsageError(f"--inputs {name}: no such variable (give a JSON object or the name of a dict)")
        value = namespace[name]
        if not isinstance(value, Mapping):
            raise UsageError(f"--inputs {name}: expected a dict, got {type(value).__name__}")
        return dict(value)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"--inputs is not valid JSON ({exc.msg} at character {exc.pos}); "
            "quote it whole, e.g. --inputs '{\"question\": \"hi\"}'"
        ) from None
    if not isinstance(value, dict):
        raise UsageError(f"--inputs must be a JSON object of input fields, got {type(value).__name__}")
    return value


def _at_least(minimum: int):
    """An argparse type: an int >= minimum (argparse words the error: "invalid integer >= 1 value: '0'")."""

    def convert(text: str) -> int:
        value = int(text)
        if value < minimum:
            raise ValueError(text)
        return value

    convert.__name__ = f"integer >= {minimum}"
    return convert


class _Bindings(ast.NodeVisitor):
    """Where a cell binds each global name: name -> (line, column) of its last binding in the source."""

    def __init__(self) -> None:
        self.position: dict[str, tuple[int, int]] = {}

    def _bind(self, name: str, node: ast.AST) -> None:
        where = (node.lineno, node.col_offset)  # type: ignore[attr-defined]
        self.position[name] = max(where, self.position.get(name, where))

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store):
            self._bind(node.id, node)

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name != "*":
                self._bind(alias.asname or alias.name.split(".")[0], node)

    visit_ImportFrom = visit_Import

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self._bind(node.name, node)  # its body is another scope

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def _skip(self, node: ast.AST) -> None:
        """Lambdas and comprehensions have their own scope."""

    visit_Lambda = visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _skip


def _last_bound(
    types: type | tuple[type, ...], before: Mapping[str, Any], after: Mapping[str, Any], tree: ast.Module
) -> str | None:
    """The name the cell bound last to an instance of `types`, or None.

    "Bound by the cell": assigned or imported in its source, or new/rebound in the namespace
    by other means (exec, star import). "Last": by position in the source; names bound
    without a visible assignment count as earliest.
    """
    bindings = _Bindings()
    bindings.visit(tree)
    found = [
        name
        for name, value in after.items()
        if isinstance(value, types) and (name in bindings.position or before.get(name) is not value)
    ]
    if not found:
        return None
    return sorted(found, key=lambda n: bindings.position.get(n, (0, -1)))[-1]


def _one_line_error(exc: BaseException, masker: Masker | None = None) -> DspyerCellError:
    """`Type: message (notes)` on one line, secrets `masker` knows masked (it is saved in the notebook);
    the engine's note names the node a plain exception came from."""
    text = one_line(mask_text(str(exc), masker), _ERROR_LIMIT) or "(no message)"
    notes = " ".join(one_line(mask_text(str(note), masker), _ERROR_LIMIT) for note in getattr(exc, "__notes__", ()))
    return DspyerCellError(f"{type(exc).__name__}: {text}" + (f" {notes}" if notes else ""))


def _labview() -> type[LabView]:
    from .labview import LabView

    return LabView


def _display(view: Any) -> None:
    from IPython.display import display

    display(view)


def _cell_id(shell: InteractiveShell) -> str | None:
    """The id of the notebook cell being run, where the frontend sends one (JupyterLab, Notebook 7)."""
    header = getattr(shell, "parent_header", None)
    metadata = header.get("metadata") if isinstance(header, dict) else None
    cell = metadata.get("cellId") if isinstance(metadata, dict) else None
    return cell if isinstance(cell, str) else None


@magics_class
class DspyerMagics(Magics):
    """The `%%dspyer` and `%dspyer` magics (registered by `%load_ext dspyer_lab`)."""

    shell: InteractiveShell  # set by IPython on registration (Magics declares it optional)

    def __init__(self, shell: InteractiveShell | None = None, **kwargs: Any) -> None:
        super().__init__(shell, **kwargs)
        self._cell_views: dict[str, Any] = {}
        """cell id -> the view that cell shows (its last run's)."""

    def _show(self, view: Any) -> None:
        """Display `view` as this cell's output, closing the view an earlier run of the same cell showed.

        Re-running a cell clears its output, but the old view's widget would live on in the kernel
        and in every later save of the notebook's widget state: re-runs would make the file grow.
        """
        cell = _cell_id(self.shell)
        if cell is not None:
            old = self._cell_views.get(cell)
            self._cell_views[cell] = view
            if old is not None and old is not view:
                old.close()
        _display(view)

    @no_var_expand
    @magic_arguments("%dspyer")
    @argument("-h", "--help", action="store_true", help="Show this help and do nothing else.")
    @argument(
        "-i", "--input", dest="pairs", action="append", metavar="KEY=VALUE",
        help="An input field (repeatable). VALUE is a Python literal if it parses as one, else text.",
    )
    @argument("--inputs", metavar="JSON|NAME", help="Input fields as a JSON object, or the name of a dict variable.")
    @argument("--program", metavar="NAME", help="The Graph or compiled program to show and run (default: see above).")
    @argument("--out", metavar="VAR", default=DEFAULT_OUT, help=f"Variable for the typed result (default: {DEFAULT_OUT}).")
    @argument("--background", action="store_true", help=f"Start the run and return at once (task in {TASK_NAME}).")
    @argument("--no-run", action="store_true", help="Show the view without running, even with inputs.")
    @argument("--no-stream", action="store_true", help="Show the model's text once each call ends, not token by token.")
    @argument("--lm", metavar="MODEL", help="Model for this run only: 'scripted' or a dspy.LM name (openai/gpt-4o-mini).")
    @argument("--max-steps", type=_at_least(1), metavar="N", help="Node executions allowed per run (default 25).")
    @argument("--max-retries", type=_at_least(0), metavar="N", help="Self-correction retries per LLM node (default 2).")
    @argument("--break", dest="break_before", action="append", metavar="NODE", help="Pause before NODE (repeatable).")
    @argument("--break-after", dest="break_after", action="append", metavar="NODE", help="Pause after NODE (repeatable).")
    @argument("--batch", metavar="NAME", help="Run over the list NAME (dicts or dspy.Examples) in a BatchView.")
    @argument("--concurrency", type=_at_least(1), metavar="N", help="With --batch: runs at once (default 16).")
    @argument("--ray", action="store_true", help="With --batch: run it on Ray (a local Ray, or --ray-address).")
    @argument("--ray-workers", type=_at_least(1), metavar="N", help="With --ray: worker processes (default: Ray's CPUs).")
    @argument("--ray-address", metavar="ADDR", help="With --ray: join this cluster ('auto', 'ray://host:10001').")
    @argument("--metric", metavar="NAME",
              help="With --batch or --optimize: the function metric(example, prediction) named NAME.")
    @argument("--optimize", metavar="NAME", help="Run an optimizer in an OptimizeView: BootstrapFewShot, "
              "BootstrapFewShotWithRandomSearch, MIPROv2, GEPA, or the name of an optimizer object.")
    @argument("--trainset", metavar="NAME", help="With --optimize: the list NAME of dspy.Examples to optimize on.")
    @argument("--valset", metavar="NAME", help="With --optimize: the list NAME of dspy.Examples to validate on.")
    @cell_magic("dspyer")
    def dspyer_cell(self, line: str, cell: str) -> None:
        """Run the cell, then show its graph in a live LabView and, given inputs, run it.

        The body runs as ordinary Python in the notebook's namespace (its last
        expression is not displayed: the view is the cell's output). The graph shown is
          1. the Graph or compiled program named by --program NAME, else
          2. the cell's last expression if it is one, else
          3. the last Graph or TranspiledProgram the cell binds (in source order).
        A Graph is compiled with AgentTranspiler.compile (--max-steps/--max-retries
        as compile options; its result is a dspy.Prediction of the final state:
        compile with output_model= in the cell for a typed result). For a compiled
        program they apply to this run only.

        It runs only when inputs are given (-i and/or --inputs; --inputs '{}' runs with
        none). The cell then awaits the run while the view animates: the view answers
        clicks (a node, a tab, the Stop button) during the run, and "Run All" still goes
        top to bottom (the next cell starts when the run ends); the kernel's interrupt
        button stops it too. (Where IPython cannot await a cell: %autoawait off, or
        shell.run_cell_magic from code, the cell blocks instead and clicks wait for it.)
        With --background the cell returns at once and the run goes on in the kernel;
        the Stop button or dspyer_view.stop() stops it. The model's text streams into the
        view as it is written (--no-stream: each call's text once it ends).

        Names bound in the notebook:
          result (or --out VAR)  the typed result, once the run succeeds; a failed or
                                 cancelled run leaves the variable as it was
          dspyer_view            the LabView; a run of the view it replaces (a
                                 re-run --background cell) is stopped
          dspyer_program         the compiled program
          dspyer_task            with --background: the run's asyncio.Task; in a later
                                 cell `await dspyer_task` returns the result, raises the
                                 one-line error, or CancelledError if it was stopped

        --batch NAME runs the program over the list NAME in a BatchView instead (progress,
        a heatmap on the graph, a table of examples; click a row to open its run), at most
        --concurrency N at once (default 16), scored by --metric NAME (a function
        metric(example, prediction) -> bool | float, as for dspy.Evaluate). The cell awaits
        the batch's end (--background: it returns at once); --out VAR gets the
        outcomes in input order (a failed run's exception in its place), dspyer_view the
        BatchView. Failed examples do not fail the cell: they are what the view shows.
        Examples that ask a person wait in the view's review queue: the cell returns once
        nothing runs, saying how many wait (a waiting example's RunPaused is its outcome).
        --ray runs that batch on Ray (needs dspyer-lab[ray]): shards of the list in worker
        processes (--ray-workers N, default one per CPU; --ray-address to join a cluster),
        --concurrency N runs at once in each; the view follows it as a local batch. The
        workers stay up for the next --ray cell with the same flags.

        --optimize NAME --trainset X --valset Y --metric M runs a DSPy optimizer on the program
        in an OptimizeView instead (the phase, progress and time left, the score per trial
        and the best so far, per node its demos and instruction candidates; at the end the
        program before and after on Y: score, examples fixed / broken, the per-node heatmap,
        each example's two runs, the instruction diffs and demos added). NAME is one of
        BootstrapFewShot, BootstrapFewShotWithRandomSearch, MIPROv2 (auto="light"), GEPA
        (auto="light", reflecting with the configured LM), each made with metric M, or the
        name of an optimizer object in the notebook (made with its own metric; M then
        scores before and after). X and Y are lists of dspy.Examples. The cell
        awaits the optimizer (the Stop button keeps the best program so far); --out VAR
        gets the optimized program, dspyer_view the OptimizeView.

        --lm scripted uses a ScriptedLM from the notebook: the last one the cell binds,
        else the one named `lm`, else the only one there is. Any other MODEL is
        dspy.LM(MODEL). Without --lm the model set by dspy.configure is used.

        --break NODE / --break-after NODE (repeatable) pause the run before / after NODE (a
        name the program does not have fails the cell). The cell then returns at the pause,
        binding nothing; the view shows Continue, Step and the state to edit, and
        `result = await dspyer_view.resume(update={...})` goes on from Python.

        A node that asks a person (interrupt(), a HumanNode) pauses the run the same way:
        the cell returns at the question with a one-line status, binding nothing (a person
        may take hours: a cell that waited would hold up every other cell and "Run All");
        the view shows the question and an answer form whose Submit goes on in the
        background, and `result = await dspyer_view.answer(...)` answers from Python.
        Stop ends a waiting run.

        A failed run shows its error (and full traceback) in the view; the cell ends with
        one line, e.g. "NodeValidationError: Node 'grade' produced no valid output ...".
        An interrupted run shows as cancelled; the cell ends with "Run cancelled" and the
        kernel stays usable. Both stop "Run All" at this cell.

        -i values: `-i n=3` is the int 3, `-i tags="['a', 'b']"` a list, `-i q="What is
        DSPy?"` text; nothing is ever evaluated. Quote a literal to keep it text:
        -i "n='3'". The line is split like a shell command and is not $/{} expanded.
        A malformed -i or --inputs JSON is refused before the body runs; the body runs
        before the run, so --inputs NAME may name a dict the cell itself defines.
        Inputs with secret-looking names (api_key, token, ...) are masked in the view,
        the one-line error and the traceback, also where a model repeats them.

        Example (Question, Answer: pydantic models):
          %%dspyer -i question="What is 2+2?" --lm scripted
          lm = ScriptedLM({"answer": {"answer": "4"}})
          g = Graph().add_node(StatefulNode("answer", Question, Answer))
          program = AgentTranspiler.compile(g.set_entry_point("answer"), output_model=Answer)
        """
        __tracebackhide__ = True  # noqa: F841  (errors in the body show the body's frames, not the magic's)
        args = self._cell_args(line)
        if args is None:
            return
        before = dict(self.shell.user_ns)
        tree, body, tail = self._compile_body(cell)
        value = self._execute(body, tail)
        run = self._show_and_start(args, before, tree, value)
        if run is None:
            return
        from .runner import run_blocking

        with _model(run.lm):
            try:
                run_blocking(run.make())
            except (KeyboardInterrupt, asyncio.CancelledError):
                run.view.stop()  # in case the interrupt landed inside the run's own code rather than in its wait
                raise RunCancelled() from None

    async def dspyer_cell_async(self, line: str, cell: str) -> None:
        """`%%dspyer` as a cell that awaits: what a notebook cell starting with `%%dspyer` runs (see `awaiting_cells`).

        The same as the cell magic, except that the body's top-level `await` and the run are awaited
        rather than driven to completion: the kernel handles widget messages (a click on the graph, the
        Stop button) while the run goes on, and runs the next queued cell only after this one ends.
        """
        __tracebackhide__ = True  # noqa: F841
        args = self._cell_args(line)
        if args is None:
            return
        before = dict(self.shell.user_ns)
        tree, body, tail = self._compile_body(cell)
        value = await self._execute_async(body, tail)
        run = self._show_and_start(args, before, tree, value)
        if run is None:
            return
        from . import runner

        clicks = contextlib.nullcontext() if _kernel_answers_clicks() else runner.clicks_wait()
        with _model(run.lm), clicks:
            try:
                await run.make()
            except (KeyboardInterrupt, asyncio.CancelledError):  # the interrupt button cancels the awaiting cell
                run.view.stop()
                raise RunCancelled() from None

    def _cell_args(self, line: str) -> Any:
        """The parsed `%%dspyer` line, refused at once when malformed; None after printing `--help`."""
        args = self._parse(self.dspyer_cell, line)
        if args.help:
            print(self.dspyer_cell.__doc__)
            return None
        if not args.out.isidentifier():
            raise UsageError(f"--out expects a variable name, got {args.out!r}")
        check_inputs(args.pairs, args.inputs)
        _check_batch_flags(args)
        return args

    def _show_and_start(self, args: Any, before: dict[str, Any], tree: ast.Module, value: Any) -> _Run | None:
        """After the body: pick the program and model, show the view; return the run to wait for, if any.

        A `--background` run is started here and bound to `dspyer_task`; None then, and without inputs or
        with `--no-run`.
        """
        ns = self.shell.user_ns
        inputs = parse_inputs(args.pairs, args.inputs, ns)
        program, per_call = pick_program(args, ns, before, tree, value)
        lm = pick_lm(args.lm, ns, before, tree)
        if args.batch is not None:
            return self._batch(args, program, per_call, lm)
        if args.optimize is not None:
            return self._optimize(args, program, per_call, lm)
        view = _labview()(program, stream_tokens=not args.no_stream)
        if args.break_before or args.break_after:
            view.breakpoints = breakpoints_of(args, program)
        view.masker.learn(inputs)  # masked wherever they reappear, also before the run's first event
        ns[PROGRAM_NAME] = program
        _bind_view(ns, view)
        self._show(view)
        if inputs is None or args.no_run:
            return None
        if args.background:
            with _model(lm):
                self._background(lambda: view.start(**inputs, **per_call), args, view, "%%dspyer run")
            return None
        return _Run(view, lm, lambda: _bound(view.run(**inputs, **per_call), ns, args.out, view))

    def _background(self, start: Callable[[], Awaitable[Any]], args: Any, view: Any, what: str) -> None:
        """Start a `--background` run (running at once: the Stop button works now) and bind its task."""
        ns = self.shell.user_ns
        from .runner import run_background

        try:
            started = start()
        except RuntimeError as exc:  # no running loop
            raise UsageError(str(exc)) from None
        ns[TASK_NAME] = run_background(_bound(started, ns, args.out, view), name=f"{what} -> {args.out}")

    @no_var_expand
    @magic_arguments("dspyer")
    @argument("command", nargs="?", default="help",
              choices=["show", "replay", "store", "runs", "compare", "export", "help"], help="What to do.")
    @argument("target", nargs="?",
              help="show: a Graph or program variable; replay: a saved run (.json); store: a file, off or default; "
                   "compare: the first run or batch; export: the .html file to write.")
    @argument("other", nargs="?", help="compare: the second run or batch.")
    @argument("--view", metavar="NAME", help="export: the view variable to export (default: dspyer_view).")
    @argument("--program", metavar="NAME", help="runs: only this program's (a Graph or program variable, or a name).")
    @argument("--status", metavar="S", help="runs: only runs of this status (finished, failed, paused, ...).")
    @argument("-h", "--help", action="store_true", help="Show this help.")
    @line_magic("dspyer")
    def dspyer_line(self, line: str) -> None:
        """Show a graph, replay a saved run, browse stored runs, choose where runs are stored, or print help.

          %dspyer show NAME         display the Graph or compiled program NAME in a LabView
          %dspyer replay FILE.json  replay a run saved with view.save(FILE.json): no model needed,
                                    a step slider moves through the run
          %dspyer runs              browse the stored runs and batches (a RunsView, bound to dspyer_runs);
                                    --program NAME, --status S: only those
          %dspyer compare A B       compare two runs, or two batches, side by side (a CompareView, bound
                                    to dspyer_compare); A and B: stored run or batch ids, or views
                                    (LabView, BatchView) by variable name
          %dspyer export FILE.html  write the run of the last view shown (dspyer_view; --view NAME: another
                                    LabView or BatchView) as ONE HTML file that replays it in any browser,
                                    with no kernel and no network (view.to_html)
          %dspyer store             say where this kernel's views store their runs
          %dspyer store PATH        store them in the SQLite file PATH from now on (default:
                                    .dspyer/runs.sqlite, or $DSPYER_LAB_STORE); off: not at all;
                                    default: back to the default
          %dspyer help              this help and the %%dspyer cell magic's

        The LabView is bound to dspyer_view (a run of the view it replaces is stopped).
        """
        args = self._parse(self.dspyer_line, line)
        if args.help or args.command == "help":
            print(self.dspyer_line.__doc__)
            print(self.dspyer_cell.__doc__)
            return
        if args.command != "runs" and (args.program is not None or args.status is not None):
            raise UsageError(f"--program and --status go with %dspyer runs, not %dspyer {args.command}")
        if args.command != "export" and args.view is not None:
            raise UsageError(f"--view goes with %dspyer export, not %dspyer {args.command}")
        if args.command != "compare" and args.other is not None:
            raise UsageError(f"%dspyer {args.command} takes one argument at most, not also {args.other!r}")
        if args.command == "store":
            self._store(args.target)
            return
        if args.command == "export":
            self._export(args.target, args.view)
            return
        if args.command == "runs":
            self._runs(args)
            return
        if args.command == "compare":
            self._compare(args.target, args.other)
            return
        if not args.target:
            raise UsageError(f"%dspyer {args.command} needs a {'variable name' if args.command == 'show' else 'file'}")
        if args.command == "show":
            view = _labview()(_named(args.target, self.shell.user_ns, "%dspyer show"))
        else:
            path = Path(args.target).expanduser()
            if not path.is_file():
                raise UsageError(f"%dspyer replay: no such file: {args.target}")
            try:
                view = _labview().load(path)
            except Exception as exc:
                raise _one_line_error(exc) from exc
        _bind_view(self.shell.user_ns, view)
        self._show(view)

    @staticmethod
    def _store(target: str | None) -> None:
        """`%dspyer store [PATH|off|default]`: set the lab's store (`labstore.set_store`), then say where runs go."""
        from .model.labstore import current_store, set_store, where

        try:
            store = current_store() if target is None else set_store(None if target == "default" else target)
        except DspyerLabError as exc:
            raise _one_line_error(exc) from exc
        print(f"runs are stored in {where(store)}" if store is not None else
              "runs are not stored (%dspyer store PATH, or DSPYER_LAB_STORE=PATH, stores them)")

    def _export(self, target: str | None, name: str | None) -> None:
        """`%dspyer export PATH [--view NAME]`: the view's `to_html` written to PATH."""
        if not target:
            raise UsageError("%dspyer export needs the .html file to write: %dspyer export run.html")
        view = self.shell.user_ns.get(name or VIEW_NAME)
        if view is None or not callable(getattr(view, "to_html", None)):
            raise UsageError(f"%dspyer export: {name or VIEW_NAME} is not a LabView or BatchView"
                             + ("" if name else ": show a run with %%dspyer first, or name a view with --view NAME"))
        path = Path(target).expanduser()
        try:
            document = view.to_html(path)
        except (DspyerLabError, OSError) as exc:
            raise _one_line_error(exc) from exc
        print(f"wrote {path} ({len(document.encode('utf-8')) / 1024:,.0f} KB): open it in any browser to replay the run")

    def _runs(self, args: Any) -> None:
        """`%dspyer runs [--program NAME] [--status S]`: a RunsView of the lab's store, filtered, bound to dspyer_runs."""
        from .widgets.runs import RunsView

        ns = self.shell.user_ns
        program = ns.get(args.program) if args.program is not None else None
        if args.target:
            raise UsageError(f"%dspyer runs takes no {args.target!r}: filter with --program NAME and --status S")
        try:
            if isinstance(program, _TARGETS):  # a variable: its runs, forkable from the view
                view = RunsView(program=program)
            else:
                view = RunsView()
                if args.program is not None:
                    view.filter(program=args.program)
            if args.status is not None:
                view.filter(status=args.status)
        except DspyerLabError as exc:
            raise _one_line_error(exc) from exc
        ns[RUNS_NAME] = view
        _display(view)

    def _compare(self, a: str | None, b: str | None) -> None:
        """`%dspyer compare A B`: a CompareView of two runs or batches (ids in the lab's store, or views by variable
        name), bound to dspyer_compare."""
        from .widgets.compare import CompareView

        if a is None or b is None:
            raise UsageError("%dspyer compare needs two runs or batches: %dspyer compare A B (stored ids, or views)")
        ns = self.shell.user_ns
        try:
            view = CompareView(ns.get(a, a), ns.get(b, b))
        except DspyerLabError as exc:
            raise _one_line_error(exc) from exc
        ns[COMPARE_NAME] = view
        _display(view)

    def _batch(self, args: Any, program: TranspiledProgram[Any], per_call: dict[str, int], lm: Any) -> _Run | None:
        """`%%dspyer --batch NAME`: a BatchView over the list NAME; the run to wait for (None: in the background)."""
        ns = self.shell.user_ns
        inputs, metric = batch_inputs(args.batch, ns), batch_metric(args.metric, ns)
        from .widgets.batch import BatchView

        view = BatchView(program, executor=_ray_executor(args))
        ns[PROGRAM_NAME] = program
        _bind_view(ns, view)
        self._show(view)
        concurrency = args.concurrency or 16
        if args.background:
            with _model(lm):
                self._background(lambda: view.start(inputs, metric, concurrency, **per_call), args, view,
                                 "%%dspyer --batch")
            return None
        return _Run(view, lm, lambda: _bound(view.run(inputs, metric, concurrency, **per_call), ns, args.out, view))

    def _optimize(self, args: Any, program: TranspiledProgram[Any], per_call: dict[str, int], lm: Any) -> _Run | None:
        """`%%dspyer --optimize NAME`: an OptimizeView of that optimizer; the run to wait for (None: in the background)."""
        if per_call:
            raise UsageError("--optimize works on the program as compiled: compile it with max_steps=/max_retries=")
        ns = self.shell.user_ns
        metric = batch_metric(args.metric, ns)
        trainset = batch_inputs(args.trainset, ns, "--trainset")
        valset = batch_inputs(args.valset, ns, "--valset")
        from .widgets.optimize import OptimizeView

        with _model(lm):  # an optimizer made here (MIPROv2, GEPA) reads the configured model
            try:
                view = OptimizeView(program, optimizer_of(args.optimize, ns), trainset, valset, metric,
                                    concurrency=args.concurrency or 16)
            except DspyerLabError as exc:
                raise _one_line_error(exc) from exc
        ns[PROGRAM_NAME] = program
        _bind_view(ns, view)
        self._show(view)
        if args.background:
            with _model(lm):
                self._background(view.run, args, view, "%%dspyer --optimize")
            return None
        return _Run(view, lm, lambda: _bound(view.run(), ns, args.out, view))

    # -- helpers ----------------------------------------------------------------

    @staticmethod
    def _parse(magic: Any, line: str) -> Any:
        try:
            argv = shlex.split(line)
        except ValueError as exc:
            raise UsageError(f"cannot split the magic line: {exc}") from None
        return magic.parser.parse_args(argv)

    def _compile_body(self, cell: str) -> tuple[ast.Module, CodeType, CodeType | None]:
        """The cell body's AST, its code, and its last expression's code (None if it ends otherwise)."""
        __tracebackhide__ = True  # noqa: F841  (IPython hides this frame in tracebacks)
        shell = self.shell
        source = "\n" + shell.transform_cell(cell)  # line numbers match the cell's (line 1 is the magic)
        filename = shell.compile.cache(source, shell.execution_count)
        try:
            tree = ast.parse(source, filename)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            with shell.compile.extra_flags(ast.PyCF_ALLOW_TOP_LEVEL_AWAIT):  # `await` at top level, as in any cell
                body = shell.compile(tree, filename, "exec")
                tail = None if last is None else shell.compile(ast.Expression(last.value), filename, "eval")
        except SyntaxError as exc:  # shown like a normal cell's syntax error, without the magic's stack
            raise DspyerCellError(str(exc), shell.SyntaxTB.structured_traceback(type(exc), exc, None)) from None
        if last is not None:
            tree.body.append(last)
        return tree, body, tail

    def _evaluated(self, body: CodeType, tail: CodeType | None) -> Iterator[tuple[bool, Any]]:
        """Evaluate the body, then the last expression, in the user namespace, one at a time as the caller asks:
        each value, and whether it is the coroutine of a top-level `await` (for the caller to drive or await)."""
        __tracebackhide__ = True  # noqa: F841  (IPython hides this frame in tracebacks)
        shell = self.shell
        for code in (body, tail):
            if code is not None:
                yield bool(code.co_flags & inspect.CO_COROUTINE), eval(code, shell.user_global_ns, shell.user_ns)

    def _execute(self, body: CodeType, tail: CodeType | None) -> Any:
        """Run the compiled body; its last expression's value. Top-level `await`s are driven to completion here."""
        __tracebackhide__ = True  # noqa: F841
        from .runner import run_blocking

        value = None
        for awaited, value in self._evaluated(body, tail):
            if awaited:
                value = run_blocking(value)
        return value

    async def _execute_async(self, body: CodeType, tail: CodeType | None) -> Any:
        """`_execute` for a cell that awaits: the body's top-level `await`s are awaited."""
        __tracebackhide__ = True  # noqa: F841
        value = None
        for awaited, value in self._evaluated(body, tail):
            if awaited:
                value = await value
        return value


class _Run:
    """A run `%%dspyer` waits for: the view that shows it, the model to run it with, and how to begin it."""

    def __init__(self, view: Any, lm: Any, make: Callable[[], Coroutine[Any, Any, Any]]) -> None:
        self.view, self.lm, self.make = view, lm, make


def _named(name: str, ns: Mapping[str, Any], what: str) -> Graph | TranspiledProgram[Any]:
    if name not in ns:
        raise UsageError(f"{what} {name}: no such variable")
    if not isinstance(ns[name], _TARGETS):
        raise UsageError(f"{what} {name}: expected a Graph or compiled program, got {type(ns[name]).__name__}")
    return ns[name]


_RAY_EXECUTORS: dict[tuple[str | None, int | None, int], Any] = {}
"""The executors of `--ray` cells, by their flags: a cell reuses the workers an earlier one started."""


def _ray_executor(args: Any) -> Any:
    """`--ray`'s executor (None without it)."""
    if not args.ray:
        return None
    from ..core.ray_executor import RayExecutor

    key = (args.ray_address, args.ray_workers, args.concurrency or 16)
    if key not in _RAY_EXECUTORS:
        _RAY_EXECUTORS[key] = RayExecutor(address=key[0], num_workers=key[1], concurrency_per_worker=key[2])
    return _RAY_EXECUTORS[key]


def _check_batch_flags(args: Any) -> None:
    """--concurrency and --metric need --batch or --optimize; --trainset and --valset need --optimize, which needs
    them and --metric; both run over their lists, so no -i/--inputs/--no-run."""
    if args.optimize is None:
        for flag, value in (("--trainset", args.trainset), ("--valset", args.valset)):
            if value is not None:
                raise UsageError(f"{flag} needs --optimize NAME (the optimizer to run)")
    if args.batch is None:
        for flag, value in (("--ray", args.ray or None), ("--ray-workers", args.ray_workers),
                            ("--ray-address", args.ray_address)):
            if value is not None:
                raise UsageError(f"{flag} needs --batch NAME (the list of inputs to run on Ray)")
    elif not args.ray:
        for flag, value in (("--ray-workers", args.ray_workers), ("--ray-address", args.ray_address)):
            if value is not None:
                raise UsageError(f"{flag} needs --ray")
    if args.batch is None and args.optimize is None:
        for flag, value in (("--concurrency", args.concurrency), ("--metric", args.metric)):
            if value is not None:
                raise UsageError(f"{flag} needs --batch NAME (the list of inputs to run over)")
        return
    if args.batch is not None and args.optimize is not None:
        raise UsageError("--batch and --optimize are two views: give one")
    mode = f"--batch {args.batch} runs over that list's" if args.batch is not None else (
        f"--optimize {args.optimize} runs over its lists'")
    for flag, value in (("-i", args.pairs), ("--inputs", args.inputs), ("--no-run", args.no_run or None)):
        if value is not None:
            raise UsageError(f"{mode} inputs: drop {flag}")
    if args.optimize is not None:
        for flag, value in (("--trainset", args.trainset), ("--valset", args.valset), ("--metric", args.metric)):
            if value is None:
                raise UsageError(f"--optimize {args.optimize} needs {flag} NAME")
    for flag, value in (("--batch", args.batch), ("--metric", args.metric), ("--optimize", args.optimize),
                        ("--trainset", args.trainset), ("--valset", args.valset)):
        if value is not None and not _names_variable(value):
            raise UsageError(f"{flag} expects a variable name, got {value!r}")


def batch_inputs(name: str, ns: Mapping[str, Any], flag: str = "--batch") -> list[Any]:
    """The list `flag NAME` names (--batch, --trainset, --valset): a list or tuple (of dicts or dspy.Examples,
    checked by the batch)."""
    if name not in ns:
        raise UsageError(f"{flag} {name}: no such variable (give the name of a list of dicts or dspy.Examples)")
    value = ns[name]
    if not isinstance(value, (list, tuple)):
        raise UsageError(f"{flag} {name}: expected a list of dicts or dspy.Examples, got {type(value).__name__}")
    return list(value)


def optimizer_of(name: str, ns: Mapping[str, Any]) -> Any:
    """What `--optimize NAME` names: one of the optimizers a name makes (`OPTIMIZERS`, left to the view to make),
    else an optimizer object in the notebook (anything with a ``compile`` method)."""
    from .model.presenter_optimize import OPTIMIZERS

    if name in OPTIMIZERS and name not in ns:
        return name
    if name not in ns:
        raise UsageError(f"--optimize {name}: not one of {', '.join(OPTIMIZERS)} nor a variable of the notebook")
    if not callable(getattr(ns[name], "compile", None)):
        raise UsageError(f"--optimize {name}: expected a DSPy optimizer (with compile), got {type(ns[name]).__name__}")
    return ns[name]


def batch_metric(name: str | None, ns: Mapping[str, Any]) -> Any:
    """The function `--metric NAME` names (None without the flag)."""
    if name is None:
        return None
    if name not in ns:
        raise UsageError(f"--metric {name}: no such variable (give the name of a function metric(example, prediction))")
    if not callable(ns[name]):
        got = type(ns[name]).__name__
        raise UsageError(f"--metric {name}: expected a function metric(example, prediction), got {got}")
    return ns[name]


def pick_program(
    args: Any, ns: Mapping[str, Any], before: Mapping[str, Any], tree: ast.Module, value: Any
) -> tuple[TranspiledProgram[Any], dict[str, int]]:
    """The program a cell means (see `%%dspyer`), compiled if it is a Graph, and the per-run options it needs.

    --max-steps/--max-retries are compile options for a Graph and per-run options
    (`_max_steps=`/`_max_retries=`) for a program compiled already, which keeps its own defaults.
    """
    if args.program:
        target = _named(args.program, ns, "--program")
    elif isinstance(value, _TARGETS):
        target = value
    else:
        name = _last_bound(_TARGETS, before, ns, tree)
        if name is None:
            raise UsageError("the cell bound no Graph or compiled program; name one with --program NAME")
        target = ns[name]
    limits = {"max_steps": args.max_steps, "max_retries": args.max_retries}
    limits = {k: v for k, v in limits.items() if v is not None}
    if isinstance(target, TranspiledProgram):
        return target, {f"_{k}": v for k, v in limits.items()}
    try:
        return AgentTranspiler.compile(target, **limits), {}
    except Exception as exc:
        raise _one_line_error(exc) from exc


def pick_lm(model: str | None, ns: Mapping[str, Any], before: Mapping[str, Any], tree: ast.Module) -> Any:
    """The LM `--lm MODEL` asks for (None: keep dspy's configured one).

    `scripted`: the last ScriptedLM the cell binds, else the one named `lm`, else the only
    one in the namespace. Anything else: `dspy.LM(MODEL)`.
    """
    if model is None:
        return None
    if model != "scripted":
        import dspy

        try:
            return dspy.LM(model)
        except Exception as exc:
            raise _one_line_error(exc) from exc
    name = _last_bound(ScriptedLM, before, ns, tree)
    if name is not None:
        return ns[name]
    if isinstance(ns.get("lm"), ScriptedLM):
        return ns["lm"]
    found = [n for n, v in ns.items() if isinstance(v, ScriptedLM) and not n.startswith("_")]
    if len(found) == 1:
        return ns[found[0]]
    if not found:
        raise UsageError("--lm scripted: no ScriptedLM in the notebook; define one, e.g. lm = ScriptedLM({...})")
    raise UsageError(f"--lm scripted: several ScriptedLMs ({', '.join(found)}); bind the one to use to `lm`")


def _bind_view(ns: dict[str, Any], view: Any) -> None:
    """Bind `view` to `dspyer_view`, stopping the run of the view it replaces: nothing could reach that run any more."""
    from .widgets import BatchView, LabView, OptimizeView  # loaded already: `view` is one

    old = ns.get(VIEW_NAME)
    if old is not view and isinstance(old, (LabView, BatchView, OptimizeView)) and old.running:
        old.stop()
    ns[VIEW_NAME] = view


async def _bound(run: Awaitable[Any], ns: dict[str, Any], out: str, view: LabView | BatchView | OptimizeView) -> Any:
    """Await the view's run; bind the result to `out`; turn a failure into its one-line error (masked).

    A run paused at a breakpoint, or waiting for a person's answer (`interrupt()`, a HumanNode), binds nothing and
    says where it stopped and how to go on (the view stays paused: its form or Continue goes on in the background).
    """
    try:
        result = await run
    except Exception as exc:
        raise _one_line_error(exc, view.masker) from exc
    paused = getattr(view, "paused", None)  # a BatchView never pauses
    if result is None and paused is not None and paused.when == "interrupt":
        print(f"Waiting for an answer at node '{paused.node}': answer in the view's form, or "
              f"`{out} = await {VIEW_NAME}.answer(...)` (the view's `waiting` lists the questions)")
        return None
    if result is None and paused is not None:
        print(f"Paused {paused.when} node '{paused.node}' (step {paused.checkpoint.step}): edit the state in the view "
              f"and Continue or Step, or `{out} = await {VIEW_NAME}.resume(update={{...}})`")
        return None
    ns[out] = result
    queue = getattr(view, "waiting", None) if not hasattr(view, "paused") else None  # a BatchView's review queue
    if queue:
        print(f"{len(queue)} example(s) wait for an answer: answer them in the view's review queue, or "
              f"`await {VIEW_NAME}.answer(index, ...)` (`{VIEW_NAME}.waiting` lists them)")
    return result


def breakpoints_of(args: Any, program: TranspiledProgram[Any]) -> dict[str, list[str]]:
    """`--break NODE` / `--break-after NODE` as a view's breakpoints; an unknown node is a `UsageError` naming it."""
    nodes = list(program.graph.nodes)
    for flag, names in (("--break", args.break_before), ("--break-after", args.break_after)):
        for name in names or ():
            if name not in nodes:
                raise UsageError(f"{flag} {name}: the program has no node {name!r}; its nodes are: {', '.join(nodes)}")
    return {"before": list(args.break_before or []), "after": list(args.break_after or [])}


@contextlib.contextmanager
def _model(lm: Any) -> Iterator[None]:
    """`dspy.context(lm=lm)` around the run's start (tasks copy it), or nothing when lm is None."""
    if lm is None:
        yield
        return
    import dspy

    with dspy.context(lm=lm):
        yield


def awaiting_cells(lines: list[str]) -> list[str]:
    """IPython input transformer: a notebook cell starting with `%%dspyer` becomes a cell that awaits the magic.

    IPython runs a cell with top-level `await` as a coroutine on the kernel's event loop, so while
    the run goes on the kernel handles widget messages (a click on a node, the Stop button:
    ipykernel 7.4 dispatches them while an awaiting cell runs), the interrupt button cancels it,
    and the next queued cell ("Run All") starts only after it. Cells are left alone where no event
    loop runs (a terminal IPython) or IPython would not await them (`%autoawait off`, trio):
    IPython's own cell-magic transform then calls the blocking magic (`run_blocking`).
    """
    if not lines or not lines[0].startswith("%%dspyer") or re.match(r"%%\w+\?", lines[0]):
        return lines
    name, _, line = lines[0][2:].rstrip().partition(" ")
    if name != "dspyer" or not _awaits_cells():
        return lines
    body = "".join(lines[1:])
    return [f"await get_ipython().magics_manager.registry[{DspyerMagics.__name__!r}].dspyer_cell_async({line!r}, {body!r})\n"]


def _awaits_cells() -> bool:
    """Whether this IPython runs a cell with top-level `await` on the asyncio loop that is running now (a kernel's)."""
    from IPython.core.async_helpers import _asyncio_runner
    from IPython.core.getipython import get_ipython

    shell = get_ipython()
    if shell is None or not shell.autoawait or shell.loop_runner is not _asyncio_runner:
        return False
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _kernel_answers_clicks() -> bool:
    """Whether the kernel handles widget messages while a cell awaits: ipykernel 7.4 does (measured); older ones
    queue them until the cell ends, so the view then says that clicks wait (the Stop button's hint)."""
    try:
        import ipykernel
    except ImportError:  # pragma: no cover  (awaiting cells need a kernel's running loop)
        return False
    return tuple(getattr(ipykernel, "version_info", (0,)))[:2] >= (7, 4)


def load_ipython_extension(ipython: Any) -> None:
    """Register `%%dspyer` and `%dspyer`, once: `import dspyer_lab` in IPython registers them too, and a
    second instance would forget which view each cell shows. Also make `%%dspyer` cells await (`awaiting_cells`)."""
    if DspyerMagics.__name__ not in ipython.magics_manager.registry:
        ipython.register_magics(DspyerMagics)
    cleanup = getattr(ipython, "input_transformers_cleanup", None)
    if cleanup is not None and awaiting_cells not in cleanup:
        cleanup.append(awaiting_cells)


def unload_ipython_extension(ipython: Any) -> None:
    """Remove the magics again (`%unload_ext dspyer_lab`, `%reload_ext dspyer_lab`)."""
    for kind in ("line", "cell"):
        ipython.magics_manager.magics[kind].pop("dspyer", None)
    ipython.magics_manager.registry.pop(DspyerMagics.__name__, None)
    cleanup = getattr(ipython, "input_transformers_cleanup", None)
    while cleanup is not None and awaiting_cells in cleanup:
        cleanup.remove(awaiting_cells)
