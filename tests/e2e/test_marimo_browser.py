"""LabView in marimo (`mo.ui.anywidget(LabView(program))`): run from a button, watched live, clicked, replayed,
then debugged (a breakpoint pin, Step, an edit at the pause, Continue, Run from here) and its model calls
read in the Calls tab.

marimo is not Jupyter: no ipywidgets manager, no `_ipython_display_`. The Graphviz runtime still
arrives through the widget's own custom messages (need-runtime -> runtime), as anywidget defines them,
and so do the debugger's clicks: Continue resumes the run in a task on marimo's kernel loop, no cell runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .helpers import MarimoServer, StatusRecorder, lab_marimo_app, serve_marimo_app
from .portable import PROGRAM, LabOnPage

pytestmark = pytest.mark.browser



@pytest.fixture(scope="module")
def marimo_app(tmp_path_factory: pytest.TempPathFactory, e2e_artifacts: Path) -> Iterator[MarimoServer]:
    pytest.importorskip("marimo")
    source = lab_marimo_app(PROGRAM, 'question=" Capital of France? "')
    yield from serve_marimo_app(tmp_path_factory.mktemp("marimo"), "lab_app.py", source, e2e_artifacts / "marimo.log")


def test_labview_in_marimo_runs_live_clicks_replays_and_debugs(
    page: Page, marimo_app: MarimoServer, e2e_artifacts: Path
) -> None:
    page.goto(marimo_app.url)
    lab = LabOnPage(page)
    drawn = lab.graph.locator("g.node[data-node]")
    expect(drawn).to_have_count(2, timeout=90_000)  # drawn: the runtime came through marimo
    expect(lab.graph).to_have_attribute("data-run-state", "idle")
    lab.check_nothing_ran()

    recorder = StatusRecorder(page)
    run_button = page.get_by_role("button", name="Run the program")
    run_button.click()
    expect(lab.graph).to_have_attribute("data-run-state", "finished", timeout=60_000)
    lab.check_watched_live(recorder.history())
    lab.check_finished_run()
    lab.check_click_validation_and_replay()
    lab.check_debugged_run(run_button.click, e2e_artifacts, "marimo")
    lab.check_run_from_here(e2e_artifacts, "marimo")
