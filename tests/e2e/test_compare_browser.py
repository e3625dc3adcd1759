"""CompareView in a real JupyterLab, Notebook 7 and marimo: two runs of the quickstart with different scripted
answers show the changed field per node; two stored batches show the fixed / broken counts this test counts by
hand from the store, and an example opens its two runs side by side.

The store is filled by this test process (`record_to` and `RunStore.save_batch`, as tests/test_compare.py does)
and opened by the notebook's kernel. Pictures go to test-artifacts/e2e/compare-*.png.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

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
from test_compare import GOOD, OTHER, QUESTION, hand_count, quickstart_program, store_batch  # noqa: E402

pytestmark = pytest.mark.browser


class Filled(NamedTuple):
    path: Path
    run_a: str
    run_b: str
    counts: dict[str, int]
    """fixed / broken / same / changed of batch "before" -> "after", counted by hand from the store."""


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Filled:
    path = tmp_path_factory.mktemp("store") / "runs.sqlite"
    program = quickstart_program()
    with RunStore(path) as store:
        for script in (GOOD, OTHER):
            with dspy.context(lm=ScriptedLM({"answer": script})), dspyer_lab.record_to(store):
                program(question=QUESTION)
        run_b, run_a = (r.run_id for r in store.runs())
        store_batch(store, program, "before", good={0, 1, 2, 3, 4, 5})
        store_batch(store, program, "after", good={3, 4, 5, 6, 7, 8, 9})
        counts = hand_count(store, "before", "after")
    return Filled(path, run_a, run_b, counts)


def cells(filled: Filled) -> list[str]:
    store = f"from dspyer_lab.lab.model.store import RunStore\nstore = RunStore({str(filled.path)!r})\n"
    view = "from dspyer_lab.lab.widgets.compare import CompareView\n"
    return [store + view + f"runs = CompareView({filled.run_a!r}, {filled.run_b!r}, store=store)\nruns",
            "batches = CompareView('before', 'after', store=store)\nbatches"]


def test_compare_shows_changed_fields_and_fixed_broken_counts_in_jupyterlab(
    lab_page: Page, lab_server: LabServer, filled: Filled, e2e_artifacts: Path
) -> None:
    open_and_run_all(lab_page, lab_server, write_notebook(lab_server, "compare.ipynb", cells(filled)))
    check_runs(cell_outputs(lab_page, 0).locator(".dspyer-compare"), e2e_artifacts / "compare-runs.png")
    check_batches(cell_outputs(lab_page, 1).locator(".dspyer-compare"), filled.counts,
                  e2e_artifacts / "compare-batches.png")


def test_the_same_compare_views_work_in_notebook7(
    page: Page, notebook7_server: LabServer, filled: Filled, e2e_artifacts: Path
) -> None:
    try:
        open_and_run_all(page, notebook7_server, write_notebook(notebook7_server, "compare.ipynb", cells(filled)))
        check_runs(cell_outputs(page, 0).locator(".dspyer-compare"), e2e_artifacts / "compare-runs-notebook7.png")
        check_batches(cell_outputs(page, 1).locator(".dspyer-compare"), filled.counts,
                      e2e_artifacts / "compare-batches-notebook7.png")
    finally:
        notebook7_server.shutdown_kernels()


MARIMO_APP = '''import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo
    from dspyer_lab.lab.model.store import RunStore
    from dspyer_lab.lab.widgets.compare import CompareView
    store = RunStore({store!r})
    runs = mo.ui.anywidget(CompareView({a!r}, {b!r}, store=store))
    batches = mo.ui.anywidget(CompareView("before", "after", store=store))
    return batches, mo, runs


@app.cell
def _(batches, mo, runs):
    mo.vstack([runs, batches])
    return


if __name__ == "__main__":
    app.run()
'''


@pytest.fixture(scope="module")
def marimo_compare(
    tmp_path_factory: pytest.TempPathFactory, filled: Filled, e2e_artifacts: Path
) -> Iterator[MarimoServer]:
    pytest.importorskip("marimo")
    source = MARIMO_APP.format(store=str(filled.path), a=filled.run_a, b=filled.run_b)
    yield from serve_marimo_app(tmp_path_factory.mktemp("marimo"), "compare_app.py", textwrap.dedent(source),
                                e2e_artifacts / "marimo-compare.log")


def test_the_same_compare_views_work_in_marimo(
    page: Page, marimo_compare: MarimoServer, filled: Filled, e2e_artifacts: Path
) -> None:
    page.goto(marimo_compare.url)
    check_runs(page.locator(".dspyer-compare").nth(0), e2e_artifacts / "compare-runs-marimo.png")
    check_batches(page.locator(".dspyer-compare").nth(1), filled.counts,
                  e2e_artifacts / "compare-batches-marimo.png")


def node(root: Locator, name: str) -> Locator:
    return root.locator(f'.dspyer-graphview g.node[data-node="{name}"]')


def check_runs(root: Locator, shot: Path) -> None:
    # On the graph: `retrieve` did the same in both runs, `answer` changed; both took the same path.
    expect(root).to_have_attribute("data-mode", "runs", timeout=60_000)
    expect(node(root, "retrieve")).to_have_attribute("data-diff", "same")
    expect(node(root, "answer")).to_have_attribute("data-diff", "changed")
    expect(root.locator(".dl-path-line")).to_have_attribute("data-diverge", "false")
    expect(root.locator('button.dl-node[data-node="answer"]')).to_contain_text("output.answer")
    # A click on `answer` shows its two visits side by side: the answer's field changed, as a word diff.
    node(root, "answer").click()
    detail = root.locator('.dl-detail[data-node="answer"]')
    changed = detail.locator('tr[data-field="output.answer"]')
    expect(changed).to_have_attribute("data-changed", "true")
    expect(changed.locator("td.dl-a del.dl-del")).to_have_text("30")
    expect(changed.locator("td.dl-b ins.dl-ins")).to_have_text("14")
    expect(detail.locator('tr[data-field="output.citations"]')).to_have_attribute("data-changed", "false")
    expect(detail.locator('tr[data-field="input.question"]')).to_have_attribute("data-changed", "false")
    picture(root, shot)


def check_batches(root: Locator, counts: dict[str, int], shot: Path) -> None:
    # The counts are the hand count; the score line gives the paired bootstrap interval.
    expect(root).to_have_attribute("data-mode", "batches", timeout=60_000)
    for outcome, n in counts.items():
        expect(root.locator(f"[data-outcome-count-{outcome}]")).to_have_attribute(
            f"data-outcome-count-{outcome}", str(n))
    expect(root.locator(".dl-score-delta")).to_contain_text("95% CI")
    expect(node(root, "answer")).to_have_attribute("data-delta", "better")  # fewer failures in B
    # Filtered to the fixed examples; one opens its two runs side by side, and back.
    root.locator("select.dl-outcome-filter").select_option("fixed")
    rows = root.locator("tr.dl-example")
    expect(rows).to_have_count(counts["fixed"])
    expect(root.locator('tr.dl-example:not([data-outcome="fixed"])')).to_have_count(0)
    picture(root, shot)
    expect(rows.nth(0)).to_have_attribute("data-index", "6")
    rows.nth(0).click()  # example 6: A answered "meh 6" (scored 0), B "ok 6"
    expect(root).to_have_attribute("data-mode", "runs")
    detail = root.locator('.dl-detail[data-node="answer"]')
    answer = detail.locator('tr[data-field="output.answer"]')
    expect(answer).to_have_attribute("data-changed", "true")
    expect(answer.locator("td.dl-a del.dl-del")).to_have_text("meh")
    expect(answer.locator("td.dl-b ins.dl-ins")).to_have_text("ok")
    expect(node(root, "answer")).to_have_attribute("data-diff", "changed")
    root.locator("button.dl-back").click()
    expect(root).to_have_attribute("data-mode", "batches")
