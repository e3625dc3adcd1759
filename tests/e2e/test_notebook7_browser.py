"""LabView in Notebook 7 (`jupyter notebook`): the same widget, run live, clicked, replayed, markup kept as text;
then debugged (a breakpoint pin, Step, an edit at the pause, Continue, Run from here) and its model calls
read in the Calls tab."""

from __future__ import annotations

from textwrap import dedent

import pytest
from pathlib import Path

from playwright.sync_api import Page

from .helpers import (
    LabServer,
    StatusRecorder,
    open_and_run_all,
    run_cell,
    wait_for_run,
    wait_for_view_settled,
    write_notebook,
)
from .portable import PROGRAM, LabOnPage

pytestmark = pytest.mark.browser

RUN = dedent(
    """
    from dspyer_lab.lab.runner import run_blocking
    with dspy.context(lm=scripted()):
        result = run_blocking(view.run(question=" Capital of France? "))
    print(view.status)  # a run paused at a breakpoint returns None
    """
)


def test_labview_in_notebook7_runs_live_clicks_replays_and_debugs(
    page: Page, notebook7_server: LabServer, e2e_artifacts: Path
) -> None:
    notebook = write_notebook(notebook7_server, "notebook7_lab.ipynb", [PROGRAM, "view", RUN])
    try:
        open_and_run_all(page, notebook7_server, notebook)
        lab = LabOnPage(page, settled=lambda: wait_for_view_settled(page, 1))  # the view is cell 1's output
        lab.check_finished_run()

        recorder = StatusRecorder(page)  # run again with the view on screen: watch it live
        run_cell(page, 2)
        wait_for_run(page)
        lab.check_watched_live(recorder.history())
        lab.check_finished_run()
        lab.check_click_validation_and_replay()

        def run_the_cell() -> None:
            run_cell(page, 2)
            wait_for_run(page)

        lab.check_debugged_run(run_the_cell, e2e_artifacts, "notebook7")
        lab.check_run_from_here(e2e_artifacts, "notebook7")
    finally:
        notebook7_server.shutdown_kernels()
