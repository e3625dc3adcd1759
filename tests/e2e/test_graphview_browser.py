"""GraphView in a real JupyterLab: the drawn graph follows a live run, clicks reach Python, names stay text."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from playwright.sync_api import Page, expect

from .helpers import (
    LabServer,
    StatusRecorder,
    cell_outputs,
    css_string,
    open_and_run_all,
    picture,
    run_cell,
    wait_for_run,
    wait_for_view_settled,
    write_notebook,
)

pytestmark = pytest.mark.browser

GRAPH = ".dspyer-graphview"

SETUP = dedent(
    """
    import dspy, ipywidgets
    from dspyer_lab.lab.runner import run_blocking  # drives the kernel's own loop, widgets update live
    from pydantic import BaseModel, field_validator
    from dspyer_lab import END, AgentTranspiler, Graph, GraphView, ScriptedLM, StatefulNode

    class Question(BaseModel):
        question: str

    class Answer(BaseModel):
        answer: str

        @field_validator("answer")
        @classmethod
        def cites_a_source(cls, value: str) -> str:
            if "[1]" not in value:
                raise ValueError("cite a source like [1]")
            return value

    graph = Graph()
    graph.add_node("prepare", lambda state: {"question": state["question"].strip()})
    graph.add_node(StatefulNode("answer", Question, Answer))
    graph.set_entry_point("prepare")
    graph.add_edge("prepare", "answer")
    graph.add_edge("answer", END)
    program = AgentTranspiler.compile(graph)
    # The first answer has no citation and fails validation; the retry fixes it. 0.3 s per answer.
    lm = ScriptedLM({"answer": [{"answer": "Paris"}, {"answer": "Paris [1]"}]}, latency=0.3)
    """
)
SHOW = "view = GraphView(program)\nview"
SELECTION = dedent(
    """
    selected = ipywidgets.Label("selected: none")
    view.observe(lambda change: setattr(selected, "value", f"selected: {change['new'] or 'none'}"), "selected_node")
    selected
    """
)
RUN = dedent(
    """
    with dspy.context(lm=lm):
        last = run_blocking(view.follow(program.astream(question=" Capital of France? ")))
    print(last["event"], last["output"]["answer"])
    """
)


def node(name: str, status: str | None = None) -> str:
    """Selector of the drawn node `name` (optionally in `status`)."""
    selector = f"{GRAPH} g.node[data-node={css_string(name)}]"
    return selector if status is None else f'{selector}[data-status="{status}"]'


def test_nodes_show_running_retrying_done_during_a_self_correcting_run(
    lab_page: Page, lab_server: LabServer, e2e_artifacts: Path
) -> None:
    notebook = write_notebook(lab_server, "graphview_live.ipynb", [SETUP, SHOW, SELECTION, RUN])
    open_and_run_all(lab_page, lab_server, notebook)

    # Run All: the widget may finish loading after the run; it must then show the final picture.
    expect(cell_outputs(lab_page, 3)).to_contain_text("finished Paris [1]")
    expect(lab_page.locator(f'{GRAPH}[data-run-state="finished"]')).to_have_count(1)
    expect(lab_page.locator(f"{GRAPH} svg g.node[data-node]")).to_have_count(2)
    expect(lab_page.locator(f"{GRAPH} g.node[data-marker]")).to_have_count(2)  # START and END
    expect(lab_page.locator(node("prepare", "done"))).to_have_count(1)
    expect(lab_page.locator(node("answer", "done"))).to_have_count(1)
    wait_for_view_settled(lab_page, 1)  # the still output has the browser's picture of the end

    # Run the run cell again with the drawing on screen: watch it live, while the cell executes.
    recorder = StatusRecorder(lab_page)
    run_cell(lab_page, 3)
    recorder.wait_for("answer", ["running", "retrying"])
    picture(lab_page.locator(GRAPH), e2e_artifacts / "graphview-retrying.png", grow=False)  # a node correcting itself
    recorder.wait_for("answer", ["running", "retrying", "done"])
    wait_for_run(lab_page)
    expect(lab_page.locator(f'{GRAPH}[data-run-state="finished"]')).to_have_count(1)
    wait_for_view_settled(lab_page, 1)
    history = recorder.history()
    assert history["answer"][-3:] == ["running", "retrying", "done"], history
    assert history["prepare"][-1] == "done", history

    # A click in the drawing reaches Python (`selected_node`), and Python's answer comes back.
    lab_page.locator(node("answer")).click()
    expect(cell_outputs(lab_page, 2)).to_contain_text("selected: answer")
    expect(lab_page.locator(node("answer"))).to_have_attribute("data-selected", "true")
    lab_page.locator(f"{GRAPH} svg").evaluate_all("found => found.forEach((svg) => svg.scrollIntoView())")


NAMES = [
    '<img src=x onerror="window.__xss=1">',
    "<script>window.__xss=2</script>",
    "<a href=\"javascript:window.__xss=3\">it's a 'link'</a>",
]
MARKUP_GRAPH = dedent(
    f"""
    from dspyer_lab import END, AgentTranspiler, Graph, GraphView
    names = {NAMES!r}
    graph = Graph()
    for name in names:
        graph.add_node(name, lambda state: {{"seen": state.get("seen", 0) + 1}})
    graph.set_entry_point(names[0])
    graph.add_edge(names[0], names[1])
    graph.add_conditional_edges(names[1], lambda state: "<b>go</b>", {{"<b>go</b>": names[2]}})
    graph.add_edge(names[2], END)
    program = AgentTranspiler.compile(graph)
    view = GraphView(program)
    view
    """
)
MARKUP_RUN = dedent(
    """
    from dspyer_lab.lab.runner import run_blocking
    print(run_blocking(view.follow(program.astream(seen=0)))["event"])
    """
)


def test_markup_in_node_names_and_decisions_is_shown_as_text(lab_page: Page, lab_server: LabServer) -> None:
    notebook = write_notebook(lab_server, "graphview_markup.ipynb", [MARKUP_GRAPH, MARKUP_RUN])
    open_and_run_all(lab_page, lab_server, notebook)

    expect(cell_outputs(lab_page, 1)).to_contain_text("finished")
    widget = lab_page.locator(GRAPH)
    expect(widget.locator("g.node[data-node]")).to_have_count(3)
    for name in NAMES:
        drawn = widget.locator(f"g.node[data-node={css_string(name)}]")
        expect(drawn).to_have_attribute("data-status", "done")
        expect(drawn.locator("text").first).to_have_text(name)
    expect(widget.locator(f"g.edge[data-decision={css_string('<b>go</b>')}]")).to_have_count(1)
    wait_for_view_settled(lab_page, 0)  # the drawing measured below is the one JupyterLab keeps
    # labels fit: node names inside their boxes, the edge label clear of every node, whatever the page's font
    clashes = widget.locator("svg.dl-svg").evaluate_all(  # found and measured in one call
        """([svg]) => {
          const box = (el) => el.getBBox();
          const inside = (a, b) => a.x >= b.x - 0.5 && a.x + a.width <= b.x + b.width + 0.5;
          const meets = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
          const nodes = [...svg.querySelectorAll('g.node[data-node]')];
          const shapes = nodes.map((n) => box(n.querySelector('path, polygon, ellipse')));
          const out = [];
          nodes.forEach((n, i) => n.querySelectorAll(':scope > text').forEach((t) => {
            if (!inside(box(t), shapes[i])) out.push(`label of ${n.dataset.node}`);
          }));
          svg.querySelectorAll('g.edge > text').forEach((t) => shapes.forEach((s, i) => {
            if (meets(box(t), s)) out.push(`edge label ${t.textContent} on ${nodes[i].dataset.node}`);
          }));
          return out;
        }"""
    )
    assert clashes == [], clashes
    expect(widget.locator("img, script, a[href^='javascript'], b")).to_have_count(0)
    assert lab_page.evaluate("() => window.__xss") is None

