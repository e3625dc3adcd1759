"""A BatchView over a Ray batch in a real JupyterLab (issue 25): `%%dspyer --batch ... --ray` shows live progress,
says where it runs, and opens a failing example, as the local batch of test_batch_browser does.

The notebook is that test's, with its classes defined in the notebook (they travel to the workers by value) and a
`ScriptedLM` that pickles; the kernel starts a local Ray with 2 workers.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .helpers import LabServer, StatusRecorder, cell_outputs, open_notebook, run_all, wait_for_run, wait_for_view_settled
from .helpers import write_notebook
from .test_batch_browser import AFTER, MAGIC, SETUP, Batch, check_batch

pytestmark = [pytest.mark.browser, pytest.mark.ray]


def test_a_ray_batch_shows_progress_where_it_runs_and_opens_a_failing_row(
    lab_page: Page, lab_server: LabServer, e2e_artifacts: Path
) -> None:
    pytest.importorskip("ray")
    magic = MAGIC.replace("--lm scripted", "--lm scripted --ray --ray-workers 2")
    notebook = write_notebook(lab_server, "ray_batch.ipynb", [SETUP, magic, AFTER])
    open_notebook(lab_page, lab_server, notebook)
    progress = StatusRecorder(lab_page, key_attr="data-total", value_attr="data-done")
    run_all(lab_page)
    wait_for_run(lab_page, timeout=240_000, allow_stderr=True)  # Ray's start-up notes go to stderr
    expect(cell_outputs(lab_page, 2)).to_contain_text("[2, 6, 10] 12")
    done = [int(n) for n in progress.history()["12"]]  # the bar moved while the batch ran on Ray, never backwards
    assert done[-1] == 12 and any(0 < n < 12 for n in done) and done == sorted(done), done
    wait_for_view_settled(lab_page, 1)
    batch = Batch(lab_page, cell_outputs(lab_page, 1).locator(".dspyer-batch"))
    expect(batch.root.locator(".dl-where")).to_have_text("on Ray · 2 workers")
    check_batch(batch, e2e_artifacts / "batch-view-ray.png")
