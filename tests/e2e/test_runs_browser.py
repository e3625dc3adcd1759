"""RunsView in a real JupyterLab, Notebook 7 and marimo: the runs of a store filled beforehand are listed, a
filter narrows them, a click opens one drawn with its node statuses, two checked rows compare, a delete
(confirmed) removes a row.

The store is filled by this test process (each frontend gets its own copy: a delete must not change
another frontend's table), then opened by the notebook's kernel. The picture goes to
test-artifacts/e2e/runs-view*.png.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import dspy
import pytest
from playwright.sync_api import Locator, Page, expect

import dspyer_lab
from dspyer_lab import ScriptedLM
from dspyer_lab.lab.model.store import RunStore

from .helpers import (
    LabServer,
    MarimoServer,
    cell_outputs,
    open_and_run_all,
    picture,
    serve_marimo_app,
    write_notebook,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from core_helpers import echo_chain_program, echo_script  # noqa: E402

pytestmark = pytest.mark.browser

FINISHED, FAILED = 5, 2


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of 5 finished runs of the echo chain and 2 that failed at 'summarize' (copied per frontend)."""
    path = tmp_path_factory.mktemp("store") / "runs.sqlite"
    program = echo_chain_program()
    with RunStore(path) as store:
        with dspy.context(lm=ScriptedLM(echo_script())), dspyer_lab.record_to(store):
            for i in range(FINISHED):
                program(query=f"q{i} <b>bold</b>")
        with dspy.context(lm=ScriptedLM({"answer": {"answer": "<i>a</i>"}})), dspyer_lab.record_to(store):
            for _ in range(FAILED):
                with pytest.raises(Exception, match="no answer"):
                    program(query="bad")
    return path


def copy_of(store: Path, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    copy = directory / "runs.sqlite"
    shutil.copy(store, copy)  # closed: no -wal file left beside it
    return copy


def cell(store: Path) -> str:
    return f"from dspyer_lab.lab.widgets.runs import RunsView\nview = RunsView({str(store)!r}, page_size=5)\nview"


def test_the_runs_browser_lists_filters_opens_and_deletes_in_jupyterlab(
    lab_page: Page, lab_server: LabServer, filled: Path, e2e_artifacts: Path
) -> None:
    notebook = write_notebook(lab_server, "runs.ipynb", [cell(copy_of(filled, lab_server.root_dir / "lab-store"))])
    open_and_run_all(lab_page, lab_server, notebook)
    check_runs(cell_outputs(lab_page, 0).locator(".dspyer-runs"), e2e_artifacts / "runs-view.png")


FORK_CELL = """
import sys
sys.path.insert(0, {tests!r})
import dspy
from core_helpers import echo_chain_program
from dspyer_lab import ScriptedLM
from dspyer_lab.lab.widgets.runs import RunsView
dspy.configure(lm=ScriptedLM({{"answer": {{"answer": "x"}}, "summarize": {{"summary": "forked"}}}}))
view = RunsView({store!r}, program=echo_chain_program(), page_size=10)
view
"""


def test_a_run_opened_with_its_program_forks_and_the_fork_joins_the_table(
    lab_page: Page, lab_server: LabServer, filled: Path
) -> None:
    """The opened run's "Run from here…" runs the program from a past step; the fork is stored with its parent."""
    store = copy_of(filled, lab_server.root_dir / "fork-store")
    tests = str(Path(__file__).resolve().parent.parent)
    notebook = write_notebook(lab_server, "runs-fork.ipynb", [FORK_CELL.format(tests=tests, store=str(store))])
    open_and_run_all(lab_page, lab_server, notebook)
    root = cell_outputs(lab_page, 0).locator(".dspyer-runs")
    total = FINISHED + FAILED
    expect(root).to_have_attribute("data-count", str(total), timeout=60_000)
    parent = root.locator('tr.dl-run[data-status="finished"]').first
    run_id = parent.get_attribute("data-run-id")
    parent.locator('td[data-col="program"]').click()
    opened = root.locator(f'.dl-opened[data-run-id="{run_id}"] .dspyer-lab')
    expect(opened).to_have_attribute("data-run-state", "finished")
    expect(root.locator(".dl-opened .dl-replay-only")).to_have_count(0)  # forkable
    opened.locator("input.dl-replay").fill("5")  # after step 1 ('answer' and its route): 'summarize' runs next
    debug = opened.locator(".dl-debug")
    debug.locator("button.dl-fork-open").click()
    expect(debug.locator(".dl-fork-note")).to_contain_text("node 'summarize' runs")
    debug.locator("button.dl-fork-run").click()
    expect(opened.locator('g.node[data-node="summarize"]')).to_have_attribute("data-diff", "changed")
    expect(opened).to_have_attribute("data-run-state", "finished")
    # The fork is in the store, a row of the table (read again when it ended), naming its parent.
    expect(root).to_have_attribute("data-count", str(total + 1))
    fork = root.locator(f'tr.dl-run[data-parent="{run_id}"]')
    expect(fork).to_have_attribute("data-status", "finished")


def test_the_same_runs_browser_works_in_notebook7(
    page: Page, notebook7_server: LabServer, filled: Path, e2e_artifacts: Path
) -> None:
    try:
        store = copy_of(filled, notebook7_server.root_dir / "nb7-store")
        open_and_run_all(page, notebook7_server, write_notebook(notebook7_server, "runs.ipynb", [cell(store)]))
        check_runs(cell_outputs(page, 0).locator(".dspyer-runs"), e2e_artifacts / "runs-view-notebook7.png")
    finally:
        notebook7_server.shutdown_kernels()


MARIMO_APP = '''import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo
    from dspyer_lab.lab.widgets.runs import RunsView
    view = RunsView({store!r}, page_size=5)
    widget = mo.ui.anywidget(view)
    return (widget,)


@app.cell
def _(widget):
    widget
    return


if __name__ == "__main__":
    app.run()
'''


@pytest.fixture(scope="module")
def marimo_store(tmp_path_factory: pytest.TempPathFactory, filled: Path) -> Path:
    return copy_of(filled, tmp_path_factory.mktemp("marimo-store"))


@pytest.fixture(scope="module")
def marimo_runs(
    tmp_path_factory: pytest.TempPathFactory, marimo_store: Path, e2e_artifacts: Path
) -> Iterator[MarimoServer]:
    pytest.importorskip("marimo")
    directory = tmp_path_factory.mktemp("marimo")
    source = MARIMO_APP.format(store=str(marimo_store))
    yield from serve_marimo_app(directory, "runs_app.py", textwrap.dedent(source), e2e_artifacts / "marimo-runs.log")


def test_the_same_runs_browser_works_in_marimo(
    page: Page, marimo_runs: MarimoServer, marimo_store: Path, e2e_artifacts: Path
) -> None:
    page.goto(marimo_runs.url)
    root = page.locator(".dspyer-runs")
    check_runs(root, e2e_artifacts / "runs-view-marimo.png")
    # A run another process records appears by itself: the view polls the store in marimo's kernel too.
    shown = int(root.get_attribute("data-count") or 0)
    with RunStore(marimo_store) as store, dspy.context(lm=ScriptedLM(echo_script())), dspyer_lab.record_to(store):
        echo_chain_program()(query="from elsewhere")
    expect(root).to_have_attribute("data-count", str(shown + 1), timeout=30_000)


def check_runs(root: Locator, shot: Path) -> None:
    page = root.page
    total = FINISHED + FAILED
    # The table: 7 runs, newest first (the failed ones), 5 a page; the inputs' markup is never parsed.
    expect(root).to_have_attribute("data-count", str(total), timeout=60_000)
    rows = root.locator("tr.dl-run")
    expect(rows).to_have_count(5)
    expect(root.locator(".dl-position")).to_have_text(f"rows 1-5 of {total}")
    expect(rows.nth(0)).to_have_attribute("data-status", "failed")
    expect(rows.nth(0).locator('td[data-col="error"]')).to_contain_text("no answer for node 'summarize'")
    expect(root.locator("tr.dl-run b, tr.dl-run i")).to_have_count(0)
    root.locator("button.dl-next").click()
    expect(root.locator(".dl-position")).to_have_text(f"rows 6-{total} of {total}")
    expect(rows).to_have_count(2)

    # A filter narrows it: the failed runs only, from the first page.
    root.locator("select.dl-f-status").select_option("failed")
    expect(root).to_have_attribute("data-count", str(FAILED))
    expect(rows).to_have_count(FAILED)
    expect(root.locator("tr.dl-run:not([data-status='failed'])")).to_have_count(0)
    root.locator("select.dl-f-status").select_option("")
    expect(root).to_have_attribute("data-count", str(total))
    root.locator("input.dl-f-text").fill("NO ANSWER")  # the error text, any case; applied on Enter
    root.locator("input.dl-f-text").press("Enter")
    expect(root).to_have_attribute("data-count", str(FAILED))
    root.locator("input.dl-f-text").fill("")
    root.locator("input.dl-f-text").press("Enter")
    expect(root).to_have_attribute("data-count", str(total))

    # A click opens a run below the table, drawn with its node statuses: this one failed at 'summarize'.
    failed = rows.nth(0)
    run_id = failed.get_attribute("data-run-id")
    failed.locator('td[data-col="status"]').click()
    opened = root.locator(f'.dl-opened[data-run-id="{run_id}"] .dspyer-lab')
    expect(opened).to_have_attribute("data-run-state", "failed")
    expect(opened.locator('g.node[data-node="answer"]')).to_have_attribute("data-status", "done")
    expect(opened.locator('g.node[data-node="summarize"]')).to_have_attribute("data-status", "failed")
    expect(failed).to_have_attribute("data-open", "true")
    expect(root.locator(".dl-opened .dl-replay-only")).to_be_visible()  # no program given: it cannot fork
    # Its panels answer clicks through the RunsView: the replay slider goes back to the start.
    expect(opened.locator("input.dl-replay")).to_be_visible()
    opened.locator('button.dl-tab[data-tab="calls"]').click()
    expect(opened.locator('button.dl-tab[data-tab="calls"]')).to_have_attribute("aria-selected", "true")
    expect(opened.locator('.dl-panel[data-tab="calls"]')).to_contain_text("Model calls per node (whole run)")
    picture(root, shot)

    # Two checked rows compare inside the view (CompareView's drawing): the two finished runs' inputs differ.
    compare = root.locator("button.dl-compare")
    expect(compare).to_be_disabled()
    finished = root.locator('tr.dl-run[data-status="finished"]')
    finished.nth(0).locator("input.dl-check").check()
    finished.nth(1).locator("input.dl-check").check()
    compare.click()
    compared = root.locator('.dl-compared .dspyer-compare[data-mode="runs"]')
    expect(compared.locator('button.dl-node[data-node="answer"]')).to_have_attribute("data-diff", "changed")
    expect(compared.locator('g.node[data-node="answer"]')).to_have_attribute("data-diff", "changed")
    root.locator(".dl-compared button.dl-close").click()
    expect(root.locator(".dl-compared")).to_have_count(0)
    finished.nth(0).locator("input.dl-check").uncheck()
    finished.nth(1).locator("input.dl-check").uncheck()
    expect(root.locator("tr.dl-run[data-checked]")).to_have_count(0)

    # Delete, confirmed: the checked row leaves the table (and the opened run with it).
    failed.locator("input.dl-check").check()
    expect(failed).to_have_attribute("data-checked", "true")
    root.locator("button.dl-delete").click()
    expect(root.locator(".dl-confirm-text")).to_have_text("Delete 1 run from the store?")
    expect(root).to_have_attribute("data-count", str(total))  # not yet
    root.locator("button.dl-delete-confirm").click()
    expect(root).to_have_attribute("data-count", str(total - 1))
    expect(root.locator(f'tr.dl-run[data-run-id="{run_id}"]')).to_have_count(0)
    expect(root.locator(".dl-opened")).to_have_count(0)
    expect(root.locator(".dl-notice")).to_have_text("deleted 1 run")
    assert page.url  # the page is still the same one (nothing reloaded it)
