"""LabView in Notebook 7 (`jupyter notebook`): the same widget, run live, clicked, replayed, markup kept as text."""

from __future__ import annotations

from textwrap import dedent

import pytest
from playwright.sync_api import Page

from .helpers import LabServer, StatusRecorder, open_and_run_all, run_cell, wait_for_run, write_notebook
from .portable import PROGRAM, LabOnPage

pytestmark = pytest.mark.browser

RUN = dedent(
    """
    from dspyer_lab.lab.runner import run_blocking
    with dspy.context(lm=scripted()):
        result = run_blocking(view.run(question=" Capital of France? "))
    print(result.answer)
    """
)


def test_labview_in_notebook7_runs_live_clicks_and_replays(page: Page, notebook7_server: LabServer) -> None:
    notebook = write_notebook(notebook7_server, "notebook7_lab.ipynb", [PROGRAM, "view", RUN])
    try:
        open_and_run_all(page, notebook7_server, notebook)
        lab = LabOnPage(page)
        lab.check_finished_run()

        recorder = StatusRecorder(page)  # run again with the view on screen: watch it live
        run_cell(page, 2)
        wait_for_run(page)
        lab.check_watched_live(recorder.history())
        lab.check_finished_run()
        lab.check_click_validation_and_replay()
    finally:
        notebook7_server.shutdown_kernels()
