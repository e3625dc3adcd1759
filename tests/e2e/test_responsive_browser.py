"""Responsive during a run (issue 20 item 2): while a `%%dspyer` cell runs, a click on a node is answered by the
kernel (the selection is drawn from the kernel's picture) while the graph still shows a node running, and "Run All"
still runs the next cell after it. JupyterLab, and Notebook 7 (same harness, one more server). The Stop button
during a `%%dspyer` run is checked in a kernel (tests/test_magics.py): clicked here on a re-run cell, the re-run's
`answer` node was sometimes never seen running under load (not yet understood; see the issue's note)."""

from __future__ import annotations

from textwrap import dedent

import pytest
from playwright.sync_api import Page, expect

from .helpers import LabServer, open_and_run_all, run_cell, timed_click, wait_for_output, wait_for_run, write_notebook
from .portable import LabOnPage

pytestmark = pytest.mark.browser

SETUP = dedent(
    """
    %load_ext dspyer_lab
    from pydantic import BaseModel
    from dspyer_lab import Graph, ScriptedLM, StatefulNode

    class Question(BaseModel):
        question: str

    class Answer(BaseModel):
        answer: str
    """
)
RUN = dedent(
    """
    %%dspyer -i question=" Capital of France? " --lm scripted
    lm = ScriptedLM({"answer": {"answer": "Paris"}}, latency=6)  # long enough to click during it
    graph = Graph()
    graph.add_node("clean", lambda state: {"question": state["question"].strip()})
    graph.add_node(StatefulNode("answer", Question, Answer))
    graph.add_edge("clean", "answer")
    graph.set_entry_point("clean")
    """
)
AFTER = 'print("after the run:", result.answer)'
@pytest.mark.parametrize("frontend", ["lab", "notebook7"])
def test_a_click_during_a_dspyer_run_is_answered_while_the_run_goes_on(
    request: pytest.FixtureRequest, page: Page, frontend: str
) -> None:
    server: LabServer = request.getfixturevalue("lab_server" if frontend == "lab" else "notebook7_server")
    notebook = write_notebook(server, f"responsive_{frontend}.ipynb", [SETUP, RUN, AFTER])
    try:
        open_and_run_all(page, server, notebook, wait=False)
        lab = LabOnPage(page)
        expect(lab.node("answer", "running")).to_have_count(1, timeout=60_000)  # the model is answering

        answered = timed_click(page, "clean", lab.node("clean").click)  # from the click to the kernel's selection
        expect(lab.node("answer", "running")).to_have_count(1)  # the run still goes on
        print(f"{frontend}: click on a node answered in {answered:.3f} s during the run")
        assert answered < 1.0  # measured 0.05 s (JupyterLab) and 0.11 s (Notebook 7); generous for a loaded CI

        wait_for_run(page)
        expect(lab.node("answer", "done")).to_have_count(1)
        wait_for_output(page, 2, "after the run: Paris")  # Run All went on, in order, after the run
    finally:
        server.shutdown_kernels()


QUICK_RUN = RUN.replace("latency=6", "latency=0")
COUNT = dedent(
    """
    import gc, ipywidgets
    from dspyer_lab.lab.widgets import LabView
    gc.collect()
    print("alive:", sum(isinstance(o, LabView) for o in gc.get_objects()), "views,",
          len(ipywidgets.widgets.widget._instances), "widgets")
    """
)


@pytest.mark.parametrize("frontend", ["lab", "notebook7"])
def test_re_running_a_cell_leaves_one_view_alive(request: pytest.FixtureRequest, page: Page, frontend: str) -> None:
    """Nothing kept (issue 20 item 9): the frontend says which cell runs, the magic closes that cell's last view,
    and the closed views are freed with their comms (the view's and its layout's)."""
    server: LabServer = request.getfixturevalue("lab_server" if frontend == "lab" else "notebook7_server")
    notebook = write_notebook(server, f"reruns_{frontend}.ipynb", [SETUP, QUICK_RUN, COUNT])
    try:
        open_and_run_all(page, server, notebook)
        for _ in range(3):
            run_cell(page, 1)
            wait_for_run(page)
        run_cell(page, 2)
        wait_for_run(page)
        wait_for_output(page, 2, "alive: 1 views, 2 widgets")
    finally:
        server.shutdown_kernels()
