"""OptimizeView in a real JupyterLab (in full), Notebook 7 and marimo (smoke): a random search over the scripted
chain of tests/test_optimize.py, whose model answers right only with a demo in the prompt. The score plot grows
while the optimizer runs (the cell awaits it: the kernel keeps sending), and at the end the before/after table
shows the fixed examples counted by hand; one opens its runs before and after side by side.

Pictures go to test-artifacts/e2e/optimize-*.png.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from .helpers import (
    LabServer,
    MarimoServer,
    cell_outputs,
    open_and_run_all,
    picture,
    serve_marimo_app,
    wait_for_run,
    write_notebook,
)

TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TESTS))
from test_optimize import VAL, hand_count  # noqa: E402

pytestmark = pytest.mark.browser

SETUP = f"""
import sys
sys.path.insert(0, {str(TESTS)!r})
import dspy
from dspyer_lab import ScriptedLM
from dspyer_lab.lab.widgets import OptimizeView
from core_helpers import echo_chain_program
from test_optimize import TRAIN, VAL, examples, metric, random_search, script

lm = ScriptedLM(script(), latency=0.05)  # 0.05 s an answer: five trials of six examples take a few seconds
view = OptimizeView(echo_chain_program(), random_search(), examples(TRAIN), examples(VAL), metric)
"""
RUN = """
with dspy.context(lm=lm):
    tuned = await view.run()
print(view.status)
"""


def cells() -> list[str]:
    return [SETUP + "view", RUN]


def test_the_score_plot_grows_and_the_before_after_table_shows_a_fixed_example_in_jupyterlab(
    lab_page: Page, lab_server: LabServer, e2e_artifacts: Path
) -> None:
    open_and_run_all(lab_page, lab_server, write_notebook(lab_server, "optimize.ipynb", cells()), wait=False)
    root = cell_outputs(lab_page, 0).locator(".dspyer-optimize")
    points = root.locator("svg.dl-score-plot circle.dl-trial")
    # While the optimizer runs: its first trials are plotted, then more (the page is live, not redrawn at the end).
    expect(root).to_have_attribute("data-state", "optimizing", timeout=60_000)
    expect(points.first).to_be_attached(timeout=60_000)
    running = lab_page.locator('.dspyer-optimize[data-state="optimizing"] svg.dl-score-plot circle.dl-trial')
    expect(running.first).to_be_attached()
    expect(root.locator('[role="progressbar"]')).not_to_have_attribute("data-done", "0")
    picture(root, e2e_artifacts / "optimize-running.png")
    wait_for_run(lab_page, timeout=180_000, allow_stderr=True)
    check_finished(root, e2e_artifacts / "optimize-finished.png")
    # The best so far is drawn; the graph's nodes carry their badges.
    expect(root.locator("svg.dl-score-plot polyline[data-best]")).to_have_attribute("data-best", "100")
    expect(points).to_have_count(5)
    answer = root.locator('.dl-opt-graph g.node[data-node="answer"]')
    expect(answer).to_have_attribute("data-opt-demos", "2")
    expect(answer.locator("g.dl-opt-badge text")).to_contain_text("2 demos")
    # A fixed example opens its two runs side by side.
    compare = root.locator(".dl-opt-after .dspyer-compare")
    compare.locator("select.dl-outcome-filter").select_option("fixed")
    row = compare.locator(f'tr.dl-example[data-index="{VAL.index("x")}"]')
    row.click()
    expect(compare).to_have_attribute("data-mode", "runs")
    expect(compare.locator('button.dl-node[data-node="answer"]')).to_have_attribute("data-diff", "changed")
    picture(root, e2e_artifacts / "optimize-example.png")


def check_finished(root: Locator, shot: Path) -> None:
    expect(root).to_have_attribute("data-state", "finished", timeout=120_000)
    compare = root.locator(".dl-opt-after .dspyer-compare")
    expect(compare).to_have_attribute("data-mode", "batches")
    for outcome, n in hand_count().items():
        expect(compare.locator(f"[data-outcome-count-{outcome}]")).to_have_attribute(
            f"data-outcome-count-{outcome}", str(n))
    expect(root.locator('.dl-opt-node[data-node="answer"] li.dl-demo-added')).to_have_count(2)
    picture(root, shot)


def test_the_same_optimize_view_works_in_notebook7(page: Page, notebook7_server: LabServer, e2e_artifacts: Path) -> None:
    try:
        open_and_run_all(page, notebook7_server, write_notebook(notebook7_server, "optimize.ipynb", cells()), wait=False)
        wait_for_run(page, timeout=180_000, allow_stderr=True)
        check_finished(cell_outputs(page, 0).locator(".dspyer-optimize"), e2e_artifacts / "optimize-notebook7.png")
    finally:
        notebook7_server.shutdown_kernels()


MARIMO_APP = '''import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo
{setup}
    widget = mo.ui.anywidget(view)
    return dspy, lm, view, widget


@app.cell
def _(widget):
    widget
    return


@app.cell
async def _(dspy, lm, view):
    with dspy.context(lm=lm):
        await view.run()
    return


if __name__ == "__main__":
    app.run()
'''


@pytest.fixture(scope="module")
def marimo_optimize(tmp_path_factory: pytest.TempPathFactory, e2e_artifacts: Path) -> Iterator[MarimoServer]:
    pytest.importorskip("marimo")
    source = MARIMO_APP.format(setup=textwrap.indent(SETUP.strip(), "    "))
    yield from serve_marimo_app(tmp_path_factory.mktemp("marimo"), "optimize_app.py", source,
                                e2e_artifacts / "marimo-optimize.log")


def test_the_same_optimize_view_works_in_marimo(page: Page, marimo_optimize: MarimoServer, e2e_artifacts: Path) -> None:
    page.goto(marimo_optimize.url)
    check_finished(page.locator(".dspyer-optimize"), e2e_artifacts / "optimize-marimo.png")
