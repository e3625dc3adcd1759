"""`%load_ext dspyer_lab`, `%%dspyer` and `%dspyer`: argument parsing here, and the real thing in real kernels.

The kernel tests pack many checks into few kernel starts (each costs seconds): one
notebook run with nbclient (widget state stored, as Jupyter saves it), and one kernel
driven message by message for what a notebook file cannot express: clicking a node, the
Stop button and the interrupt button while a `%%dspyer` cell awaits its run, and re-running
a cell (its `cellId` sent as JupyterLab does).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
from IPython.core.error import UsageError

import dspy

from dspyer_lab import AgentTranspiler, Graph, ScriptedLM, StatefulNode, TranspiledProgram
from dspyer_lab.lab.magics import (
    DspyerCellError,
    DspyerMagics,
    _last_bound,
    _one_line_error,
    parse_inputs,
    parse_value,
    pick_lm,
    pick_program,
)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


# -- argument parsing -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", 3),
        ("-2.5", -2.5),
        ("True", True),
        ("None", None),
        ("['a', 'b']", ["a", "b"]),
        ("{'k': 1}", {"k": 1}),
        ("'3'", "3"),
        ("What is DSPy?", "What is DSPy?"),
        ("hello", "hello"),
        ("2024-01-01", "2024-01-01"),
        ("", ""),
        ("__import__('os').system('echo pwned')", "__import__('os').system('echo pwned')"),
        ("open('x')", "open('x')"),
    ],
)
def test_parse_value_takes_literals_and_keeps_everything_else_as_text(text: str, value: Any) -> None:
    assert parse_value(text) == value
    assert type(parse_value(text)) is type(value)


def test_parse_inputs_merges_json_and_pairs_with_pairs_winning() -> None:
    got = parse_inputs(["n=3", "q=What is DSPy?", "tags=['x']"], '{"n": 1, "lang": "en"}', {})
    assert got == {"n": 3, "lang": "en", "q": "What is DSPy?", "tags": ["x"]}


def test_parse_inputs_is_none_without_inputs_and_empty_for_an_empty_object() -> None:
    assert parse_inputs(None, None, {}) is None
    assert parse_inputs(None, "{}", {}) == {}


def test_parse_inputs_reads_a_dict_variable_by_name() -> None:
    case = {"question": "hi"}
    assert parse_inputs(["n=1"], "case", {"case": case}) == {"question": "hi", "n": 1}


@pytest.mark.parametrize(
    ("pairs", "inputs", "message"),
    [
        (None, '{"a": 1', "--inputs is not valid JSON"),
        (None, "[1, 2]", "must be a JSON object"),
        (None, "null", "must be a JSON object"),
        (None, "missing", "--inputs missing: no such variable"),
        (None, "number", "expected a dict, got int"),
        (["question"], None, "-i expects KEY=VALUE"),
        (["=3"], None, "-i expects KEY=VALUE"),
        (["a b=3"], None, "-i expects KEY=VALUE"),
    ],
)
def test_bad_inputs_are_one_line_usage_errors(pairs: list[str] | None, inputs: str | None, message: str) -> None:
    with pytest.raises(UsageError, match=message) as caught:
        parse_inputs(pairs, inputs, {"number": 3})
    assert "\n" not in str(caught.value)


def parse_cell_line(line: str) -> Any:
    return DspyerMagics._parse(DspyerMagics.dspyer_cell, line)


def test_the_cell_magic_line_is_split_like_a_shell_command() -> None:
    args = parse_cell_line(
        """-i question="What is 2+2?" -i n=3 --inputs '{"a": [1, 2]}' --out answer --lm openai/gpt-4o-mini """
        "--max-steps 5 --max-retries 0 --background --no-run --program prog"
    )
    assert args.pairs == ["question=What is 2+2?", "n=3"]
    assert args.inputs == '{"a": [1, 2]}'
    assert (args.out, args.lm, args.max_steps, args.max_retries, args.program) == (
        "answer", "openai/gpt-4o-mini", 5, 0, "prog"
    )
    assert args.background and args.no_run


def test_the_cell_magic_defaults() -> None:
    args = parse_cell_line("")
    assert (args.pairs, args.inputs, args.out, args.lm, args.max_steps, args.max_retries) == (
        None, None, "result", None, None, None
    )
    assert not (args.background or args.no_run or args.help)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("--max-steps 0", "--max-steps: invalid integer >= 1 value: '0'"),
        ("--max-retries -1", "--max-retries: invalid integer >= 0 value: '-1'"),
        ("--max-steps many", "invalid integer >= 1 value: 'many'"),
        ("--bogus", "unrecognized arguments: --bogus"),
        ("-i q='unclosed", "cannot split the magic line"),
    ],
)
def test_bad_flags_are_one_line_usage_errors(line: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_cell_line(line)


def test_the_line_magic_commands() -> None:
    parse = lambda line: DspyerMagics._parse(DspyerMagics.dspyer_line, line)  # noqa: E731
    assert (parse("").command, parse("").target) == ("help", None)
    assert (parse("show program").command, parse("show program").target) == ("show", "program")
    assert parse('replay "saved runs/a.json"').target == "saved runs/a.json"
    with pytest.raises(UsageError, match="invalid choice: 'run'"):
        parse("run x")


def test_the_help_documents_flags_and_bound_names() -> None:
    doc = DspyerMagics.dspyer_cell.__doc__
    for text in ("%%dspyer", "--inputs", "--background", "--no-run", "--max-retries", "result (or --out VAR)",
                 "dspyer_view", "dspyer_program", "dspyer_task", "Run cancelled", "--lm scripted"):
        assert text in doc
    assert "replay FILE.json" in DspyerMagics.dspyer_line.__doc__


# -- which graph a cell means -----------------------------------------------------------


def pick(source: str, before: dict[str, Any], after: dict[str, Any]) -> str | None:
    return _last_bound(Graph, before, after, ast.parse(source))


def test_the_last_graph_in_source_order_wins_even_when_rebound() -> None:
    a, b = Graph(), Graph()
    source = "b = Graph()\na = Graph()\nx = 1"
    assert pick(source, {"b": b}, {"a": a, "b": Graph(), "x": 1}) == "a"
    assert pick("a = Graph()\nb = Graph()", {"b": b}, {"b": Graph(), "a": a}) == "b"


def test_a_graph_reimported_unchanged_still_counts_and_function_locals_do_not() -> None:
    g = Graph()
    assert pick("from examples import g", {"g": g}, {"g": g}) == "g"
    other = Graph()
    assert pick("def build():\n    other = Graph()\n    return other\nx = 1", {"other": other}, {"other": other}) is None


def test_a_graph_bound_out_of_sight_counts_as_earliest() -> None:
    hidden, seen = Graph(), Graph()
    assert pick("globals()['hidden'] = Graph()\nseen = Graph()", {}, {"hidden": hidden, "seen": seen}) == "seen"
    assert pick("globals()['hidden'] = Graph()", {}, {"hidden": hidden}) == "hidden"


def one_node_graph() -> Graph:
    from pydantic import BaseModel

    class Q(BaseModel):
        question: str

    class A(BaseModel):
        answer: str

    return Graph().add_node(StatefulNode("answer", Q, A)).set_entry_point("answer")


def test_max_steps_and_retries_compile_a_graph_and_apply_per_run_to_a_program() -> None:
    graph = one_node_graph()
    args = parse_cell_line("--max-steps 3 --max-retries 0")
    program, per_run = pick_program(args, {"graph": graph}, {}, ast.parse("graph = make()"), None)
    assert isinstance(program, TranspiledProgram) and list(program.graph.nodes) == list(graph.nodes)
    assert (program.defaults.max_steps, program.defaults.max_retries, per_run) == (3, 0, {})

    compiled = AgentTranspiler.compile(graph)
    same, per_run = pick_program(args, {"compiled": compiled}, {}, ast.parse("x = 1\ncompiled"), compiled)
    assert same is compiled  # never recompiled: optimized predictors survive
    assert per_run == {"_max_steps": 3, "_max_retries": 0}
    assert (compiled.defaults.max_steps, compiled.defaults.max_retries) == (25, 2)


def test_the_program_flag_wins_and_must_name_a_graph_or_program() -> None:
    first, second = AgentTranspiler.compile(one_node_graph()), AgentTranspiler.compile(one_node_graph())
    ns = {"first": first, "second": second, "n": 3}
    tree = ast.parse("second = make()")
    assert pick_program(parse_cell_line("--program first"), ns, {}, tree, None)[0] is first
    assert pick_program(parse_cell_line(""), ns, {}, tree, None)[0] is second
    with pytest.raises(UsageError, match="--program n: expected a Graph or compiled program, got int"):
        pick_program(parse_cell_line("--program n"), ns, {}, tree, None)
    with pytest.raises(UsageError, match="--program nope: no such variable"):
        pick_program(parse_cell_line("--program nope"), ns, {}, tree, None)


def test_a_graph_that_cannot_compile_is_a_one_line_error() -> None:
    ns = {"g": Graph()}
    with pytest.raises(DspyerCellError) as caught:
        pick_program(parse_cell_line(""), ns, {}, ast.parse("g = Graph()"), None)
    assert caught.value._render_traceback_() == ["GraphDefinitionError: The graph has no nodes"]


def test_lm_scripted_prefers_the_cells_own_then_lm_then_the_only_one() -> None:
    older, mine, named = ScriptedLM({}), ScriptedLM({}), ScriptedLM({})
    tree = ast.parse("mine = ScriptedLM({})")
    assert pick_lm("scripted", {"lm": named, "mine": mine}, {}, tree) is mine
    assert pick_lm("scripted", {"lm": named, "older": older}, {"lm": named, "older": older}, ast.parse("x = 1")) is named
    assert pick_lm("scripted", {"older": older}, {"older": older}, ast.parse("x = 1")) is older
    with pytest.raises(UsageError, match="no ScriptedLM in the notebook"):
        pick_lm("scripted", {}, {}, ast.parse("x = 1"))
    with pytest.raises(UsageError, match=r"several ScriptedLMs \(older, other\)"):
        both = {"older": older, "other": ScriptedLM({})}
        pick_lm("scripted", both, both, ast.parse("x = 1"))


def test_lm_names_a_dspy_model_and_is_none_without_the_flag() -> None:
    lm = pick_lm("openai/gpt-4o-mini", {}, {}, ast.parse(""))
    assert isinstance(lm, dspy.LM) and not isinstance(lm, ScriptedLM) and lm.model == "openai/gpt-4o-mini"
    assert pick_lm(None, {"lm": ScriptedLM({})}, {}, ast.parse("")) is None


def test_run_errors_become_one_line_with_the_node_note() -> None:
    exc = ValueError("bad\nvalue " + "x" * 1000)
    exc.__notes__ = ["(raised in node 'clean' of the dspyer-lab graph)"]  # what the engine adds (3.11+)
    error = _one_line_error(exc)
    assert isinstance(error, DspyerCellError)
    [line] = error._render_traceback_()
    assert line.startswith("ValueError: bad value xxx")
    assert line.endswith("(raised in node 'clean' of the dspyer-lab graph)")
    assert "\n" not in line and len(line) < 400


# -- an in-process IPython shell: what needs the magic's machinery but not a kernel ------------

ONE_NODE_CELL = """
from pydantic import BaseModel
from dspyer_lab import Graph, ScriptedLM, StatefulNode
class Q(BaseModel):
    question: str
class A(BaseModel):
    answer: str
lm = ScriptedLM({"answer": {"answer": "4"}}, latency=60)
g = Graph().add_node(StatefulNode("answer", Q, A)).set_entry_point("answer")
"""


def test_running_a_cell_again_closes_the_view_its_last_run_showed(shell: Any) -> None:
    """A re-run cell's old output is gone: its widget must not live on (in the kernel, in saved widget state)."""
    def run_in(cell: str) -> Any:
        shell.parent_header = {"metadata": {"cellId": cell}}  # what JupyterLab and Notebook 7 send
        shell.run_cell_magic("dspyer", "--no-run", ONE_NODE_CELL)
        return shell.user_ns["dspyer_view"]

    try:
        first = run_in("cell-a")
        other = run_in("cell-b")
        again = run_in("cell-a")
    finally:
        del shell.parent_header
    assert first.comm is None  # closed (ipywidgets drops a closed widget's comm)
    assert again.comm is not None and other.comm is not None  # this run's view, and another cell's, stay
    shell.run_cell_magic("dspyer", "--no-run", ONE_NODE_CELL)  # a frontend that sends no cell id: nothing closed
    assert again.comm is not None and other.comm is not None


async def test_rebinding_dspyer_view_stops_the_run_of_the_view_it_replaces(shell: Any) -> None:
    import asyncio

    from core_helpers import settle

    line = "-i question=hi --lm scripted --background"
    shell.run_cell_magic("dspyer", line, ONE_NODE_CELL)
    first_view, first_task = shell.user_ns["dspyer_view"], shell.user_ns["dspyer_task"]
    assert first_view.running
    shell.run_cell_magic("dspyer", line, ONE_NODE_CELL)  # the user re-runs the cell
    second_view, second_task = shell.user_ns["dspyer_view"], shell.user_ns["dspyer_task"]
    assert second_view is not first_view and second_view.running
    await asyncio.wait({first_task}, timeout=30)  # the 60 s answer is never waited for
    assert first_task.cancelled() and first_view.run_log.status == "cancelled"

    shell.run_line_magic("dspyer", "show g")  # rebinding through %dspyer show stops the run too
    await asyncio.wait({second_task}, timeout=30)
    assert second_task.cancelled() and second_view.run_log.status == "cancelled"
    assert not shell.user_ns["dspyer_view"].running
    assert await settle() == set()


def test_a_cell_body_may_await_at_top_level(shell: Any) -> None:
    shell.run_cell_magic(
        "dspyer", "--no-run",
        ONE_NODE_CELL + "import asyncio\nawait asyncio.sleep(0)\nother = Graph()\nawait asyncio.sleep(0, result=g)",
    )
    # the awaited last expression (g) was shown, not the empty `other` bound after it
    assert list(shell.user_ns["dspyer_view"].graph.graph.nodes) == ["answer"]
    with pytest.raises(DspyerCellError) as caught:
        shell.run_cell_magic("dspyer", "", "def f():\n    pass\nreturn f")
    assert "SyntaxError" in caught.value._render_traceback_()[-1]  # shown like a normal cell's, not a raw error


# -- a cell that awaits: the notebook's %%dspyer -------------------------------------------


async def test_in_a_running_loop_a_dspyer_cell_becomes_one_that_awaits_the_magic(shell: Any) -> None:
    from dspyer_lab.lab.magics import awaiting_cells

    assert awaiting_cells in shell.input_transformers_cleanup  # registered by %load_ext
    cell = '%%dspyer -i question="What is 2+2?" --lm scripted\nlm = make()\ng = build()\n'
    [code] = shell.transform_cell(cell).splitlines()
    assert code.startswith("await get_ipython().magics_manager.registry['DspyerMagics'].dspyer_cell_async(")
    assert ast.literal_eval(code[code.index("dspyer_cell_async(") + 17:]) == ('-i question="What is 2+2?" --lm scripted',
                                                              "lm = make()\ng = build()\n")
    for other in ("%%dspyerx\nx = 1\n", "%%time\nx = 1\n", "%%dspyer?\n", "x = 1\n"):
        assert "dspyer_cell_async" not in shell.transform_cell(other)
    shell.autoawait = False  # %autoawait off: IPython would not await it, so the magic blocks as before
    try:
        assert "run_cell_magic('dspyer'" in shell.transform_cell(cell)
    finally:
        shell.autoawait = True


def test_without_a_running_loop_a_dspyer_cell_calls_the_blocking_magic(shell: Any) -> None:
    assert "run_cell_magic('dspyer', '--no-run'" in shell.transform_cell("%%dspyer --no-run\ng = build()\n")


def test_unloading_removes_the_transformer(shell: Any) -> None:
    from dspyer_lab.lab.magics import awaiting_cells

    shell.run_line_magic("unload_ext", "dspyer_lab")
    assert awaiting_cells not in shell.input_transformers_cleanup
    shell.run_line_magic("load_ext", "dspyer_lab")
    shell.run_line_magic("load_ext", "dspyer_lab")  # twice: still once
    assert shell.input_transformers_cleanup.count(awaiting_cells) == 1


async def test_an_awaiting_cell_answers_clicks_and_the_stop_button_during_its_run(shell: Any) -> None:
    """What the kernel does meanwhile, in-process: the run goes on while a click selects a node and the
    (enabled) Stop button cancels it; the cell then ends with one line."""
    import asyncio

    from dspyer_lab.lab.magics import RunCancelled

    magics = shell.magics_manager.registry["DspyerMagics"]
    cell = asyncio.ensure_future(magics.dspyer_cell_async("-i question=hi --lm scripted", ONE_NODE_CELL))
    while "dspyer_view" not in shell.user_ns or shell.user_ns["dspyer_view"].graph.node_status.get("answer") != "running":
        await asyncio.sleep(0.01)
    view = shell.user_ns["dspyer_view"]
    assert view.panel["toolbar"]["stop"] == {"shown": True, "enabled": True, "hint": "Stop the run"}
    view._on_message({"type": "select", "node": "answer"})
    assert view.graph.selected_node == "answer" and view.running and not cell.done()
    view._on_message({"type": "stop"})
    with pytest.raises(RunCancelled):
        await asyncio.wait_for(cell, 30)  # not the 60 s answer
    assert view.run_log.status == "cancelled" and "result" not in shell.user_ns


async def test_an_awaiting_cell_awaits_its_body_and_binds_the_result(shell: Any) -> None:
    magics = shell.magics_manager.registry["DspyerMagics"]
    body = ONE_NODE_CELL.replace("latency=60", "latency=0") + "import asyncio\nawait asyncio.sleep(0)\n"
    await magics.dspyer_cell_async("-i question=hi --lm scripted --out got", body)
    assert shell.user_ns["got"].answer == "4"
    assert shell.user_ns["dspyer_view"].run_log.status == "finished"
    await magics.dspyer_cell_async("--help", "")  # prints the help, runs nothing


async def test_an_awaiting_batch_cell_keeps_its_stop_button_enabled_and_binds_the_outcomes(shell: Any) -> None:
    import asyncio

    from dspyer_lab.lab.widgets import BatchView

    magics = shell.magics_manager.registry["DspyerMagics"]
    body = ONE_NODE_CELL.replace("latency=60", "latency=0.05") + "cases = [{'question': str(i)} for i in range(4)]\n"
    cell = asyncio.ensure_future(magics.dspyer_cell_async("--batch cases --concurrency 2 --lm scripted --out got", body))
    while not isinstance(shell.user_ns.get("dspyer_view"), BatchView) or not shell.user_ns["dspyer_view"].running:
        await asyncio.sleep(0.01)
    assert shell.user_ns["dspyer_view"].panel["stop"]["enabled"]  # not blocked: a click reaches the kernel
    await asyncio.wait_for(cell, 60)
    assert [o.answer for o in shell.user_ns["got"]] == ["4"] * 4


async def test_where_the_kernel_handles_clicks_only_between_cells_the_view_says_so(
    shell: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from dspyer_lab.lab import magics as module
    from dspyer_lab.lab.widgets.labview import STOP_HINT

    monkeypatch.setattr(module, "_kernel_answers_clicks", lambda: False)  # ipykernel < 7.4
    magics = shell.magics_manager.registry["DspyerMagics"]
    body = ONE_NODE_CELL.replace("latency=60", "latency=0.2")
    cell = asyncio.ensure_future(magics.dspyer_cell_async("-i question=hi --lm scripted", body))
    while "dspyer_view" not in shell.user_ns or not shell.user_ns["dspyer_view"].running:
        await asyncio.sleep(0.01)
    assert shell.user_ns["dspyer_view"].panel["toolbar"]["stop"] == {"shown": True, "enabled": False, "hint": STOP_HINT}
    await asyncio.wait_for(cell, 30)
    assert shell.user_ns["dspyer_view"].panel["toolbar"]["stop"]["enabled"] is False  # no run: nothing to stop


# -- a real kernel: a notebook run top to bottom ---------------------------------------

MODELS = """
import asyncio
from pydantic import BaseModel, field_validator
from dspyer_lab import AgentTranspiler, Graph, ScriptedLM, StatefulNode

class Question(BaseModel):
    question: str

class Graded(BaseModel):
    answer: str
    score: int

    @field_validator("score")
    @classmethod
    def in_range(cls, value: int) -> int:
        if not 0 <= value <= 10:
            raise ValueError("score must be between 0 and 10")
        return value
"""

NOTEBOOK: dict[str, str] = {
    "load": (
        "%load_ext dspyer_lab\n"
        "import sys\n"
        "print('heavy:', [m for m in ('dspyer_lab.lab.labview', 'dspyer_lab.lab.graphview', 'ipywidgets',\n"
        "                             'anywidget', 'nest_asyncio2') if m in sys.modules])"
    ),
    "models": MODELS,
    # a self-correcting graph: the first answer breaks the validator, the second passes
    "run": (
        '%%dspyer -i question="  What is 2+2?  " --lm scripted\n'
        'lm = ScriptedLM({"grade": [{"answer": "4", "score": 42}, {"answer": "4", "score": 9}]})\n'
        "graph = Graph()\n"
        'graph.add_node("clean", lambda state: {"question": state["question"].strip()})\n'
        'graph.add_node(StatefulNode("grade", Question, Graded))\n'
        'graph.add_edge("clean", "grade")\n'
        'graph.set_entry_point("clean")\n'
        "program = AgentTranspiler.compile(graph, output_model=Graded)\n"
    ),
    "after_run": (
        "print(type(result).__name__, result.answer, result.score)\n"
        "print(type(dspyer_view).__name__, dspyer_program is program)\n"
        "print('retries:', sum(e['event'] == 'validation_error' for e in dspyer_view.events))\n"
        "print('question:', dspyer_view.events[-1]['state']['question'])\n"
        "print('ids', dspyer_view.model_id)\n"
        "saved = dspyer_view.save('graded_run.json')"
    ),
    "no_run": '%%dspyer -i question=hi --no-run --out never\nprogram',
    "after_no_run": "print('never' in globals(), dspyer_view.events, dspyer_view.program is program)",
    "fail": (
        '%%dspyer -i question=x --lm scripted --out failed --max-retries 1\n'
        'stubborn = ScriptedLM({"grade": {"answer": "4", "score": 99}})\n'
        "strict = graph\n"
    ),
    "after_fail": (
        "print('failed' in globals(), dspyer_view.run_log.status, dspyer_view.graph.node_status['grade'])\n"
        "print(dspyer_view.events[-1]['event'], dspyer_view.events[-1]['node'])"
    ),
    "background": (
        "%%dspyer -i question=later --lm scripted --background --out later\n"
        "release = asyncio.Event()\n"
        "async def gate(state):\n"
        "    await release.wait()\n"
        "gated = Graph()\n"
        "gated.add_node('gate', gate)\n"
        'gated.add_node(StatefulNode("grade", Question, Graded))\n'
        "gated.add_edge('gate', 'grade')\n"
        "gated.set_entry_point('gate')\n"
        'gated_program = AgentTranspiler.compile(gated, output_model=Graded)\n'
        'lm = ScriptedLM({"grade": {"answer": "later", "score": 5}})\n'
    ),
    "while_background": "print(dspyer_task.done(), 'later' in globals(), dspyer_view.running)",
    "await_background": (
        "release.set()\n"
        "got = await dspyer_task\n"
        "print(type(got).__name__, got.score, got is later, dspyer_view.run_log.status)"
    ),
    "replay": "%dspyer replay graded_run.json",
    "after_replay": "print(len(dspyer_view.events) == len(saved_events), dspyer_view.program)",
    "show": "%dspyer show gated_program",
    "after_show": "print(sorted(dspyer_view.graph.graph.nodes))",
    "body_error": "%%dspyer\ndef boom():\n    return 1 / 0\nboom()",
    "syntax_error": "%%dspyer\nx = (",
    "usage_error": "%%dspyer --inputs '{\"a\": '\ng = graph",
    "no_graph": "%%dspyer\nx = 1",
    "help": "%dspyer help",
    "unload": "%unload_ext dspyer_lab\n%dspyer help",
    "reload": "%load_ext dspyer_lab\n%dspyer show graph",
}
NAMES = list(NOTEBOOK)
# remember the first run's events for the replay check without keeping the view
NOTEBOOK["after_run"] += "\nsaved_events = [e for e in dspyer_view.events if e['event'] != 'token']"  # answered tokens are not saved


def text_of(cell: nbformat.NotebookNode) -> str:
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.data.get("text/plain", ""))
    return "".join(parts)


def errors_of(cell: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [o for o in cell.outputs if o.output_type == "error"]


def widgets_of(cell: nbformat.NotebookNode) -> list[str]:
    return [o.data[WIDGET_VIEW]["model_id"] for o in cell.outputs if o.output_type == "display_data" and WIDGET_VIEW in o.data]


@pytest.fixture(scope="module")
def notebook(tmp_path_factory: pytest.TempPathFactory, artifacts_dir: Path) -> Callable[[str], nbformat.NotebookNode]:
    """The notebook above, executed once in a fresh python3 kernel; cells looked up by name."""
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(NOTEBOOK[name]) for name in NAMES]
    workdir = tmp_path_factory.mktemp("magics")
    client = NotebookClient(
        nb, kernel_name="python3", timeout=120, allow_errors=True, store_widget_state=True,
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()
    out = artifacts_dir / "notebooks"
    out.mkdir(exist_ok=True)
    nbformat.write(nb, out / "test_magics.ipynb")
    cells = dict(zip(NAMES, nb.cells))
    cells["__notebook__"] = nb  # type: ignore[assignment]
    return cells.__getitem__


@pytest.mark.kernel
def test_loading_the_extension_imports_no_widgets(notebook) -> None:
    assert text_of(notebook("load")).strip() == "heavy: []"


@pytest.mark.kernel
def test_a_cell_defines_runs_and_self_corrects_a_graph_and_binds_the_typed_result(notebook) -> None:
    run, after = notebook("run"), notebook("after_run")
    assert errors_of(run) == [] and errors_of(after) == []
    lines = text_of(after).splitlines()
    assert lines[0] == "Graded 4 9"
    assert lines[1] == "LabView True"
    assert lines[2] == "retries: 1"
    assert lines[3] == "question: What is 2+2?"  # the Python node ran first
    _, view_id = lines[4].split()
    assert widgets_of(run) == [view_id]  # the cell's output is the LabView widget (one widget: graph and panels)
    # the widget, then its still picture (for exports; hidden under the live view), nothing else
    assert [o.output_type for o in run.outputs] == ["display_data", "display_data"]
    assert "image/svg+xml" in run.outputs[1].data and WIDGET_VIEW not in run.outputs[1].data

    state = notebook("__notebook__").metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    picture = state[view_id]["state"]["_picture"]  # what the browser draws
    assert picture["status"] == {"clean": "done", "grade": "done"}
    assert picture["run_state"] == "finished"


@pytest.mark.kernel
def test_no_run_shows_the_program_named_by_the_last_expression_without_running(notebook) -> None:
    assert len(widgets_of(notebook("no_run"))) == 1
    assert text_of(notebook("after_no_run")).strip() == "False [] True"


@pytest.mark.kernel
def test_a_failing_node_ends_the_cell_with_one_short_line(notebook) -> None:
    fail = notebook("fail")
    assert len(widgets_of(fail)) == 1  # the view is shown before the run
    [error] = errors_of(fail)
    assert error.ename == "DspyerCellError"
    assert len(error.traceback) == 1
    assert error.traceback[0].startswith("NodeValidationError: Node 'grade' produced no valid output after 2 attempt(s).")
    assert "score must be between 0 and 10" in error.traceback[0]
    # the view shows the failure; the result variable was not bound
    assert text_of(notebook("after_fail")).splitlines() == ["False failed failed", "error grade"]


@pytest.mark.kernel
def test_background_returns_at_once_and_a_later_cell_awaits_the_task(notebook) -> None:
    assert errors_of(notebook("background")) == []
    assert len(widgets_of(notebook("background"))) == 1
    # the run waits on an Event only a later cell sets: the cell cannot have waited for it
    assert text_of(notebook("while_background")).strip() == "False False True"
    assert text_of(notebook("await_background")).strip() == "Graded 5 True finished"


@pytest.mark.kernel
def test_replay_and_show(notebook) -> None:
    assert errors_of(notebook("replay")) == [] and len(widgets_of(notebook("replay"))) == 1
    assert text_of(notebook("after_replay")).strip() == "True None"
    assert errors_of(notebook("show")) == [] and len(widgets_of(notebook("show"))) == 1
    assert text_of(notebook("after_show")).strip() == "['gate', 'grade']"


@pytest.mark.kernel
def test_errors_in_the_cell_body_show_like_a_normal_cells(notebook) -> None:
    [error] = errors_of(notebook("body_error"))
    assert error.ename == "ZeroDivisionError"
    trace = "\n".join(error.traceback)
    assert "return 1 / 0" in trace and "magics.py" not in trace

    [syntax] = errors_of(notebook("syntax_error"))
    assert "SyntaxError" in syntax.traceback[-1] and "magics.py" not in "\n".join(syntax.traceback)

    for name, message in [("usage_error", "UsageError: --inputs is not valid JSON"),
                          ("no_graph", "UsageError: the cell bound no Graph or compiled program")]:
        cell = notebook(name)
        assert [o.output_type for o in cell.outputs] == ["stream"]
        assert cell.outputs[0].name == "stderr" and cell.outputs[0].text.startswith(message)
        assert cell.outputs[0].text.count("\n") == 1


@pytest.mark.kernel
def test_help(notebook) -> None:
    text = text_of(notebook("help"))
    assert "%dspyer replay FILE.json" in text and "%%dspyer [-h] [-i KEY=VALUE]" in text


@pytest.mark.kernel
def test_unload_removes_the_magics_and_load_brings_them_back(notebook) -> None:
    assert "Line magic function `%dspyer` not found" in text_of(notebook("unload"))
    assert errors_of(notebook("reload")) == [] and len(widgets_of(notebook("reload"))) == 1


# -- a real kernel: Stop button, interrupt button, cells queued during a run ------------

SLOW_GRAPH = MODELS + """
%load_ext dspyer_lab

def started(state):
    print("STARTED", flush=True)

slow = Graph()
slow.add_node("started", started)
slow.add_node(StatefulNode("grade", Question, Graded))
slow.add_edge("started", "grade")
slow.set_entry_point("started")
slow_program = AgentTranspiler.compile(slow, output_model=Graded)
lm = ScriptedLM({"grade": {"answer": "too late", "score": 1}}, latency=60)
"""
SLOW_RUN = "%%dspyer -i question=q --lm scripted --program slow_program --out {out} {flags}\npass"
STATUS = "print('{out}' in globals(), dspyer_view.run_log.status, dspyer_view.graph.run_state)"


class Kernel:
    """A python3 kernel driven message by message, as a browser would."""

    def __init__(self, cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
        from jupyter_client.manager import start_new_kernel

        given = {key: value for key, value in (("cwd", cwd and str(cwd)), ("env", env)) if value is not None}
        self.manager, self.client = start_new_kernel(kernel_name="python3", **given)

    def execute(self, code: str, on_stream: Callable[[str], None] | None = None) -> tuple[str, list[dict]]:
        """Run `code`; return the reply status and the outputs; `on_stream` sees printed text as it comes."""
        return self.wait(self.client.execute(code), on_stream)

    def wait(self, msg_id: str, on_stream: Callable[[str], None] | None = None) -> tuple[str, list[dict]]:
        outputs: list[dict] = []
        while True:
            msg = self.client.get_iopub_msg(timeout=120)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content["execution_state"] == "idle":
                break
            if kind in ("stream", "error", "display_data", "execute_result"):
                outputs.append({"type": kind, **content})
                if kind == "stream" and on_stream is not None:
                    on_stream(content["text"])
        while True:
            reply = self.client.get_shell_msg(timeout=120)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply["content"]["status"], outputs

    def printed(self, code: str) -> str:
        status, outputs = self.execute(code)
        assert status == "ok", outputs
        return "".join(o["text"] for o in outputs if o["type"] == "stream").strip()

    def click(self, model_id: str, content: dict | None = None) -> None:
        """What the browser sends when the LabView's Stop button (or what `content` says) is clicked."""
        data = {"method": "custom", "content": content or {"type": "stop"}}
        self.client.shell_channel.send(self.client.session.msg("comm_msg", {"comm_id": model_id, "data": data}))

    def send(self, code: str, cell_id: str | None = None) -> str:
        """Send `code` as a notebook cell would (JupyterLab and Notebook 7 send its `cellId`); return the msg id."""
        content = {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                   "allow_stdin": False, "stop_on_error": True}
        msg = self.client.session.msg("execute_request", content, metadata={"cellId": cell_id} if cell_id else {})
        self.client.shell_channel.send(msg)
        return msg["header"]["msg_id"]

    def close(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def kernel():
    k = Kernel()
    k.printed(SLOW_GRAPH)
    yield k
    k.close()


def tracebacks(outputs: list[dict]) -> list[list[str]]:
    return [o["traceback"] for o in outputs if o["type"] == "error"]


@pytest.mark.kernel
def test_the_stop_button_cancels_a_background_run(kernel: Kernel) -> None:
    status, outputs = kernel.execute(SLOW_RUN.format(out="bg_result", flags="--background"))
    assert status == "ok" and tracebacks(outputs) == []
    assert kernel.printed("print(dspyer_view.running)") == "True"
    kernel.click(kernel.printed("print(dspyer_view.model_id)"))
    # the click is handled by the kernel's free loop: the run ends cancelled, long before its 60 s answer
    assert kernel.printed("await asyncio.wait({dspyer_task}); print(dspyer_task.cancelled())") == "True"
    assert kernel.printed(STATUS.format(out="bg_result")) == "False cancelled cancelled"


@pytest.mark.kernel
def test_cells_queued_during_a_dspyer_run_run_afterwards_in_order(kernel: Kernel) -> None:
    """What "Run All" does: the next cells are sent while this one blocks; none may be lost."""
    queued: list[str] = []

    def queue_next_cells(text: str) -> None:
        if text.startswith("STARTED"):
            queued.extend(kernel.client.execute(f"print('queued {i}', paced_result.answer)") for i in (1, 2))

    status, outputs = kernel.execute(
        SLOW_RUN.format(out="paced_result", flags="").replace(
            "pass", 'paced = ScriptedLM({"grade": {"answer": "paced", "score": 2}}, latency=1.5)'
        ),
        on_stream=queue_next_cells,
    )
    assert status == "ok" and tracebacks(outputs) == []
    assert [kernel.wait(msg_id)[1][0]["text"].strip() for msg_id in queued] == ["queued 1 paced", "queued 2 paced"]


@pytest.mark.kernel
def test_the_interrupt_button_cancels_a_dspyer_run_and_the_kernel_stays_usable(kernel: Kernel) -> None:
    def interrupt(text: str) -> None:
        if text.startswith("STARTED"):
            kernel.manager.interrupt_kernel()

    status, outputs = kernel.execute(SLOW_RUN.format(out="slow_result", flags=""), on_stream=interrupt)
    assert status == "error"
    assert tracebacks(outputs) == [["Run cancelled"]]  # one line, not the 60 s answer
    assert kernel.printed(STATUS.format(out="slow_result")) == "False cancelled cancelled"
    # the kernel, its loop and the magic still work
    status, outputs = kernel.execute(
        "%%dspyer --inputs '{}' --out quick\nquick_graph = Graph().add_node('p', lambda s: {'x': 1}).set_entry_point('p')"
    )
    assert status == "ok", outputs
    assert kernel.printed("print(quick.x)") == "1"


def follow_run(kernel: Kernel, msg_id: str, on_started: Callable[[str], None],
               on_update: Callable[[dict], None]) -> tuple[str, list[dict]]:
    """Follow the cell `msg_id` on IOPub: `on_started(view id)` once its run prints STARTED, `on_update(state)`
    for every state update the kernel sends its view (clicks answered), until the cell is idle."""
    view_id, outputs = None, []
    while True:
        msg = kernel.client.get_iopub_msg(timeout=120)
        kind, content = msg["msg_type"], msg["content"]
        if kind == "comm_msg" and view_id is not None and content.get("comm_id") == view_id:
            if content["data"].get("method") == "update":
                on_update(content["data"]["state"])
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if kind == "status" and content["execution_state"] == "idle":
            break
        if kind == "display_data" and WIDGET_VIEW in content["data"]:
            view_id = content["data"][WIDGET_VIEW]["model_id"]
        if kind in ("stream", "error", "display_data"):
            outputs.append({"type": kind, **content})
        if kind == "stream" and content["text"].startswith("STARTED") and view_id is not None:
            on_started(view_id)
    while True:
        reply = kernel.client.get_shell_msg(timeout=120)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]["status"], outputs


@pytest.mark.kernel
def test_a_click_is_answered_while_a_dspyer_cell_runs_and_the_stop_button_works(kernel: Kernel) -> None:
    """A notebook `%%dspyer` cell awaits its run: the kernel handles a click on a node mid-run (the selection
    comes back while the model still answers), the Stop button is enabled, and the cell still ends after the run."""
    import json
    import time

    clicked: list[float] = []
    answered: list[tuple[float, str, str, bool]] = []

    def click_grade(view_id: str) -> None:
        clicked.append(time.monotonic())
        kernel.click(view_id, {"type": "select", "node": "grade"})

    head: dict = {}  # the panel's head as last synced (a trait is sent only when it changes)

    def update(state: dict) -> None:
        head.update(json.loads(state["_head"]) if "_head" in state else {})
        picture = state.get("_picture") or {}
        if clicked and not answered and picture.get("selected") == "grade":
            stop = head.get("toolbar", {}).get("stop", {})
            answered.append((time.monotonic(), picture["status"]["grade"], picture["run_state"], stop.get("enabled")))

    code = SLOW_RUN.format(out="clicked_result", flags="").replace(
        "pass", 'paced = ScriptedLM({"grade": {"answer": "paced", "score": 2}}, latency=3)')
    status, outputs = follow_run(kernel, kernel.send(code), click_grade, update)
    ended = time.monotonic()
    assert status == "ok" and tracebacks(outputs) == [], outputs
    [(at, grade, run_state, stop_enabled)] = answered
    print(f"click answered in {at - clicked[0]:.3f} s, {ended - at:.3f} s before the run ended")
    assert (grade, run_state, stop_enabled) == ("running", "running", True)  # mid-run, Stop clickable
    assert at - clicked[0] < 1.0 and ended - at > 0.5
    assert kernel.printed("print(clicked_result.answer, dspyer_view.graph.selected_node)") == "paced grade"

    # the Stop button mid-run: the run is cancelled at once and the cell ends with one line
    code = SLOW_RUN.format(out="stopped_result", flags="")
    status, outputs = follow_run(kernel, kernel.send(code), kernel.click, lambda state: None)
    assert status == "error" and tracebacks(outputs) == [["Run cancelled"]]
    assert kernel.printed(STATUS.format(out="stopped_result")) == "False cancelled cancelled"


@pytest.mark.kernel
def test_the_magic_called_from_code_still_blocks_until_its_run_ends(kernel: Kernel) -> None:
    """`shell.run_cell_magic` is a synchronous call: it drives the run to its end (run_blocking) and returns."""
    code = (
        'get_ipython().run_cell_magic("dspyer", "-i question=q --lm scripted --program slow_program --out synced", '
        '"fast = ScriptedLM({\'grade\': {\'answer\': \'synced\', \'score\': 4}})")\n'
        "print(synced.answer, dspyer_view.run_log.status)"
    )
    assert kernel.printed(code).splitlines()[-1] == "synced finished"


COUNT_VIEWS = (
    "import gc, ipywidgets\n"
    "from dspyer_lab.lab.widgets import LabView\n"
    "gc.collect()\n"
    "print(sum(isinstance(o, LabView) for o in gc.get_objects()), len(ipywidgets.widgets.widget._instances),"
    " len(get_ipython().kernel.comm_manager.comms))"
)


@pytest.mark.kernel
def test_re_running_a_cell_keeps_one_view_and_its_comms_alive(kernel: Kernel) -> None:
    """Issue 20 item 9: a re-run cell's old views were kept alive (anywidget's file watcher held each one)
    with their comms (the view's own Layout widget outlived it)."""
    before = [int(n) for n in kernel.printed(COUNT_VIEWS).split()]
    cell = SLOW_RUN.format(out="rerun", flags="").replace(
        "pass", 'quick = ScriptedLM({"grade": {"answer": "again", "score": 3}})')
    for _ in range(4):
        status, outputs = kernel.wait(kernel.send(cell, cell_id="the-same-cell"))
        assert status == "ok", outputs
    views, widgets, comms = (now - was for now, was in zip([int(n) for n in kernel.printed(COUNT_VIEWS).split()], before))
    assert views == 1  # the last run's
    assert widgets <= 2 and comms <= 2  # the view and its layout


def test_importing_the_package_in_ipython_registers_the_magics_once() -> None:
    """A newcomer's `import dspyer_lab` then `%%dspyer` works without `%load_ext` (which then changes nothing)."""
    import subprocess
    import sys

    script = (
        "from IPython.testing.globalipapp import start_ipython\n"
        "ip = start_ipython()\n"
        "print('dspyer' in ip.magics_manager.magics['cell'])\n"
        "import dspyer_lab\n"
        "first = ip.magics_manager.registry['DspyerMagics']\n"
        "ip.run_line_magic('load_ext', 'dspyer_lab')\n"
        "print(ip.magics_manager.magics['cell']['dspyer'].__self__ is first)\n"
        "ip.run_cell('%dspyer help')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    lines = done.stdout.splitlines()
    assert lines[:2] == ["False", "True"] and "%%dspyer" in done.stdout
