"""Parallel branches in a LabView (issue 21, "Done when"), in JupyterLab, Notebook 7 and marimo.

One research graph: `plan` fans out to `search_web` and `search_docs` (LLM nodes whose scripted answers take
1.5 s, so they overlap for seconds), a join runs `collect` once both are done, and a router maps `summarize`
over the N documents found with `Send`. Through the run and after it, as a user sees it:
(a) both search nodes are drawn running at once (read in one page evaluation, waited for);
(b) the waterfall tab has their two bars side by side in time, in two lanes;
(c) a click on a bar selects that visit (the bar marked, the node tab showing that node);
(d) the mapped node says all its instances are done (`data-progress="N/N"`).
The checks read only the widget's markup contract (js/src/widget.js), so they are the same in every frontend.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from textwrap import dedent

import pytest
from playwright.sync_api import Page, expect

from .helpers import (
    LabServer,
    MarimoServer,
    StatusRecorder,
    open_notebook,
    picture,
    run_all,
    lab_marimo_app,
    serve_marimo_app,
    wait_for_run,
    wait_for_view_settled,
    write_notebook,
)
from .portable import LabOnPage, expect_run_over

pytestmark = pytest.mark.browser

DOCS = ["web: tidal farms", "web: turbine costs", "docs: maintenance", "docs: safety"]
"""The documents the two searches find: `summarize` is mapped over them, one instance each."""

PROGRAM = dedent(
    f"""
    import operator
    from typing import Annotated

    import dspy
    from pydantic import BaseModel
    from dspyer_lab import AgentTranspiler, Graph, LabView, ScriptedLM, Send, StatefulNode

    class Query(BaseModel):
        query: str

    class WebHits(BaseModel):
        web: list[str]

    class DocHits(BaseModel):
        docs: list[str]

    class Doc(BaseModel):
        doc: str

    class Notes(BaseModel):
        notes: Annotated[list[str], operator.add]

    graph = Graph()
    graph.add_node("plan", lambda state: None, inline=True)
    graph.add_node(StatefulNode("search_web", Query, WebHits))
    graph.add_node(StatefulNode("search_docs", Query, DocHits))
    graph.add_node("collect", lambda state: {{"found": state["web"] + state["docs"]}}, inline=True)
    graph.add_node(StatefulNode("summarize", Doc, Notes))
    graph.add_edge("plan", "search_web").add_edge("plan", "search_docs")
    graph.add_edge(["search_web", "search_docs"], "collect")
    graph.add_conditional_edges(
        "collect", lambda state: [Send("summarize", {{"doc": d}}) for d in state["found"]], ["summarize"]
    )
    graph.set_entry_point("plan")
    program = AgentTranspiler.compile(graph)

    def scripted():  # every answer takes 1.5 s: the two searches run side by side long enough to see
        return ScriptedLM({{
            "search_web": {{"web": {DOCS[:2]!r}}},
            "search_docs": {{"docs": {DOCS[2:]!r}}},
            "summarize": lambda inputs: {{"notes": ["about " + inputs["doc"]]}},
        }}, latency=1.5)

    view = LabView(program)
    """
)
RUN = dedent(
    """
    display(view)
    with dspy.context(lm=scripted()):
        result = await view.run(query="tidal energy")
    print("notes:", len(result.notes))
    """
)

# Every node drawn `running` right now in a LabView of the page, the document's and any open shadow root's
# (marimo draws widgets in one): both search nodes at once, or false. Read in one evaluation, so the two
# statuses are those of one moment.
_RUNNING_TOGETHER_JS = """(wanted) => {
  const roots = [document];
  for (let i = 0; i < roots.length; i++) {
    for (const el of roots[i].querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
  }
  const running = new Set(roots.flatMap((root) => [...root.querySelectorAll(
    '.dspyer-lab .dspyer-graphview g.node[data-status="running"]')].map((g) => g.getAttribute('data-node'))));
  return wanted.every((node) => running.has(node)) ? [...running].sort() : false;
}"""

# The two bars' boxes and the lanes they sit in, measured in one evaluation.
_BARS_JS = """(bars) => bars.map((bar) => {
  const box = bar.getBoundingClientRect(), lane = bar.closest('.dl-lane');
  return {node: bar.getAttribute('data-node'), task: bar.getAttribute('data-task'),
          left: box.left, right: box.right, top: box.top, bottom: box.bottom,
          lane: lane === null ? -1 : [...lane.parentElement.children].indexOf(lane)};
})"""


def watch_run(page: Page, lab: LabOnPage, start_run: Callable[[], None]) -> StatusRecorder:
    """Start the run as the frontend does, and wait until both searches are drawn running at the same time."""
    recorder = StatusRecorder(page)
    start_run()
    together = page.wait_for_function(_RUNNING_TOGETHER_JS, arg=["search_web", "search_docs"], timeout=90_000,
                                      polling=100)
    assert together.json_value() == ["search_docs", "search_web"]  # and nothing else: `plan` is done
    expect_run_over(lab.root, timeout=60_000)
    return recorder


def check_parallel_run(lab: LabOnPage, recorder: StatusRecorder, shot: Path) -> None:
    """After the run: the statuses seen, the waterfall's overlapping bars (screenshot `shot`), a click on one, and
    the mapped node's progress."""
    lab.settled()
    history = recorder.history()
    for node in ("search_web", "search_docs", "summarize"):  # the model nodes (a Python node may end unseen)
        seen = [s for s in history.get(node, []) if s in ("running", "done")]
        assert seen[-2:] == ["running", "done"], history
    n = len(DOCS)
    waterfall = lab.open_tab("waterfall").locator(".dl-waterfall")
    web = waterfall.locator('.dl-bar[data-node="search_web"]')
    docs = waterfall.locator('.dl-bar[data-node="search_docs"]')
    expect(web).to_have_count(1)
    expect(docs).to_have_count(1)
    expect(waterfall.locator('.dl-bar[data-node="summarize"]')).to_have_count(n)
    first, second = waterfall.locator('.dl-bar[data-node^="search_"]').evaluate_all(_BARS_JS)  # (b)
    assert first["task"] and second["task"] and first["task"] != second["task"], (first, second)  # two tasks
    assert first["lane"] != second["lane"] and -1 not in (first["lane"], second["lane"]), (first, second)
    assert first["left"] < second["right"] and second["left"] < first["right"], (first, second)  # side by side in time
    assert first["bottom"] <= second["top"] or second["bottom"] <= first["top"], (first, second)  # one above the other
    picture(lab.root, shot)

    docs.click()  # (c)
    expect(docs).to_have_attribute("data-selected", "true")
    expect(web).not_to_have_attribute("data-selected", "true")
    expect(lab.node("search_docs")).to_have_attribute("data-selected", "true")
    node_panel = lab.open_tab("node")
    expect(node_panel.locator(".dl-facts").first).to_have_text(re.compile(r"^search_docs \(llm\)"))
    summarize = lab.node("summarize", "done")
    expect(summarize).to_have_attribute("data-progress", f"{n}/{n}")  # (d)
    expect(summarize.locator("g.dl-progress > text")).to_have_text(f"{n}/{n} done")
    assert "#0 done" in (summarize.locator("g.dl-progress > title").text_content() or "")  # instances on hover
    expect(lab.graph.locator(f'g.edge[data-sends="{n}"] g.dl-sends > text')).to_have_text(f"Send ×{n}")
    expect(lab.graph.locator('g.node[data-join] > title')).to_have_text("collect waits for search_web and search_docs")
    for mark in ("join", "send"):
        expect(lab.graph.locator(f'.dl-legend .dl-key[data-mark="{mark}"]')).to_have_count(1)

    summarize.click()  # the node tab lists its instances; a click on one selects that visit
    instances = lab.open_tab("node").locator("ul.dl-instances button.dl-instance")
    expect(instances).to_have_count(n)
    picked = instances.nth(1).get_attribute("data-visit")
    instances.nth(1).click()
    expect(lab.root.locator("button.dl-instance[data-selected='true']")).to_have_attribute("data-visit", picked or "")
    expect(lab.root.locator(".dl-facts").first).to_contain_text("instance #1")


def test_jupyterlab_shows_two_branches_running_at_once_and_their_waterfall(
    lab_page: Page, lab_server: LabServer, e2e_artifacts: Path
) -> None:
    run_in_notebook(lab_page, lab_server, "parallel_lab.ipynb", e2e_artifacts / "parallel-waterfall-lab.png")


def test_notebook7_shows_two_branches_running_at_once_and_their_waterfall(
    page: Page, notebook7_server: LabServer, e2e_artifacts: Path
) -> None:
    try:
        run_in_notebook(page, notebook7_server, "parallel_nb7.ipynb", e2e_artifacts / "parallel-waterfall-nb7.png")
    finally:
        notebook7_server.shutdown_kernels()


def run_in_notebook(page: Page, server: LabServer, name: str, shot: Path) -> None:
    notebook = write_notebook(server, name, [PROGRAM, RUN])
    open_notebook(page, server, notebook)
    lab = LabOnPage(page, settled=lambda: wait_for_view_settled(page, 1))
    recorder = watch_run(page, lab, lambda: run_all(page))
    wait_for_run(page)
    check_parallel_run(lab, recorder, shot)




@pytest.fixture(scope="module")
def parallel_marimo(tmp_path_factory: pytest.TempPathFactory, e2e_artifacts: Path) -> Iterator[MarimoServer]:
    pytest.importorskip("marimo")
    source = lab_marimo_app(PROGRAM, 'query="tidal energy"')
    yield from serve_marimo_app(tmp_path_factory.mktemp("parallel-marimo"), "parallel_app.py", source,
                                e2e_artifacts / "parallel-marimo.log")


def test_marimo_shows_two_branches_running_at_once_and_their_waterfall(
    page: Page, parallel_marimo: MarimoServer, e2e_artifacts: Path
) -> None:
    page.goto(parallel_marimo.url)
    lab = LabOnPage(page)
    expect(lab.graph.locator("g.node[data-node]")).to_have_count(5, timeout=90_000)  # drawn: the runtime came
    recorder = watch_run(page, lab, page.get_by_role("button", name="Run the program").click)
    check_parallel_run(lab, recorder, e2e_artifacts / "parallel-waterfall-marimo.png")
