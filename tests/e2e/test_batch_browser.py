"""BatchView in a real JupyterLab: `%%dspyer --batch` runs a dataset, the heatmap is on the graph, a failing row opens.

The picture (test-artifacts/e2e/batch-view.png; docs/ with DSPYER_UPDATE_DOCS=1) shows the finished batch with
the failing example opened below. The same checks run in Notebook 7 and in marimo.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from playwright.sync_api import Locator, Page, expect

from .helpers import (
    LabServer,
    MarimoServer,
    StatusRecorder,
    cell_outputs,
    css_string,
    open_notebook,
    run_all,
    serve_marimo_app,
    wait_for_run,
    wait_for_view_settled,
    write_notebook,
)
from .test_lab_browser import save_picture

pytestmark = pytest.mark.browser

SETUP = """
import dspy
from pydantic import BaseModel
from dspyer_lab import AgentTranspiler, Graph, ScriptedLM, StatefulNode
%load_ext dspyer_lab

class Question(BaseModel):
    question: str

class Answer(BaseModel):
    answer: str

def answer(inputs):  # questions starting with "bad" get an answer that never parses: that run fails
    q = inputs["question"]
    return "not an answer" if q.startswith("bad") else {"answer": q.upper()}

lm = ScriptedLM({"answer": answer}, latency=0.1)  # 0.1 s an answer: the batch takes about half a second
g = Graph().add_node(StatefulNode("answer", Question, Answer))
g.add_node("polish", lambda state: {"answer": state["answer"] + "!"})
g.add_edge("answer", "polish").set_entry_point("answer")
questions = [f"bad <b>{i}</b>" if i % 4 == 2 else f"q{i}" for i in range(12)]
examples = [dspy.Example(question=q, answer=q.upper() + "!").with_inputs("question") for q in questions]

def exact(example, prediction):
    return prediction.answer == example.answer
"""
MAGIC = """
%%dspyer --batch examples --metric exact --concurrency 4 --lm scripted
program = AgentTranspiler.compile(g, output_model=Answer)
"""
AFTER = """
print(dspyer_view.status)
print(sorted(dspyer_view.errors), len(result))
"""


class Batch(NamedTuple):
    page: Page
    root: Locator

    def node(self, name: str) -> Locator:
        return self.root.locator(f".dspyer-graphview g.node[data-node={css_string(name)}]")


def test_a_batch_shows_progress_a_heatmap_and_opens_a_failing_row(
    lab_page: Page, lab_server: LabServer, e2e_artifacts: Path
) -> None:
    run_and_check_batch(lab_page, lab_server, e2e_artifacts / "batch-view.png")


def test_the_same_batch_view_works_in_notebook7(page: Page, notebook7_server: LabServer, e2e_artifacts: Path) -> None:
    """One widget, the opened example included: nothing JupyterLab-specific (no child widget views)."""
    try:
        run_and_check_batch(page, notebook7_server, e2e_artifacts / "batch-view-notebook7.png")
    finally:
        notebook7_server.shutdown_kernels()


def test_the_same_batch_view_works_in_marimo(page: Page, marimo_batch: MarimoServer, e2e_artifacts: Path) -> None:
    """marimo has no ipywidgets manager: `mo.ui.anywidget(view)` renders the one widget, the opened example too."""
    page.goto(marimo_batch.url)
    batch = Batch(page, page.locator(".dspyer-batch"))
    expect(batch.root).to_have_attribute("data-run-state", "finished", timeout=90_000)
    check_batch(batch, e2e_artifacts / "batch-view-marimo.png")


MARIMO_APP = '''import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo
    from dspyer_lab import BatchView
{setup}
    view = BatchView(AgentTranspiler.compile(g, output_model=Answer))
    widget = mo.ui.anywidget(view)
    return dspy, examples, exact, lm, view, widget


@app.cell
def _(widget):
    widget
    return


@app.cell
async def _(dspy, examples, exact, lm, view):
    with dspy.context(lm=lm):
        await view.run(examples, metric=exact, concurrency=4)
    return


if __name__ == "__main__":
    app.run()
'''


@pytest.fixture(scope="module")
def marimo_batch(tmp_path_factory: pytest.TempPathFactory, e2e_artifacts: Path) -> Iterator[MarimoServer]:
    pytest.importorskip("marimo")
    setup = SETUP.replace("%load_ext dspyer_lab\n", "")
    source = MARIMO_APP.format(setup=textwrap.indent(setup.strip(), "    "))
    yield from serve_marimo_app(tmp_path_factory.mktemp("marimo"), "batch_app.py", source,
                                e2e_artifacts / "marimo-batch.log")


def run_and_check_batch(page: Page, server: LabServer, picture: Path) -> None:
    notebook = write_notebook(server, "batch.ipynb", [SETUP, MAGIC, AFTER])
    open_notebook(page, server, notebook)
    progress = StatusRecorder(page, key_attr="data-total", value_attr="data-done")
    run_all(page)
    wait_for_run(page)
    expect(cell_outputs(page, 2)).to_contain_text("[2, 6, 10] 12")
    done = [int(n) for n in progress.history()["12"]]  # the bar moved while the cell blocked, never backwards
    assert done[-1] == 12 and any(0 < n < 12 for n in done) and done == sorted(done), done
    # The output's text says how the batch ended (not the "ready" of its display); JupyterLab makes the view
    # again for that update: wait for it before clicking (the measure picked lives in the page).
    wait_for_view_settled(page, 1)
    check_batch(Batch(page, cell_outputs(page, 1).locator(".dspyer-batch")), picture)


def check_batch(batch: Batch, picture: Path) -> None:
    page = batch.page
    # Progress: every example ended; 3 of 12 failed; the mean counts a failure as 0.
    expect(batch.root).to_have_attribute("data-run-state", "finished")
    expect(batch.root.locator(".dl-status")).to_have_text(
        re.compile(r"^finished · 12/12 done · 3 failed · .* · mean score 0\.750$"))
    expect(batch.root.locator(".dl-bar")).to_have_attribute("data-done", "12")

    # The heatmap, by failure rate (the default): 3 failures in 12 visits of `answer` (25%: level 2), none in polish.
    expect(batch.node("answer")).to_have_attribute("data-heat", "2")
    expect(batch.node("polish")).to_have_attribute("data-heat", "0")
    expect(batch.node("answer").locator("title")).to_contain_text("failure rate 25% (3)")
    expect(batch.root.locator('table.dl-nodes tr[data-node="answer"] td[data-measure="failure_rate"]')).to_have_text(
        "25% (3)")
    edge = batch.root.locator('g.edge[data-source="answer"][data-target="polish"]')
    expect(edge).to_have_attribute("data-count", "9")
    batch.root.locator("select.dl-measure").select_option("visits")  # colours by visits: answer 12, polish 9
    expect(batch.root).to_have_attribute("data-measure", "visits")
    expect(batch.node("answer")).to_have_attribute("data-heat", "5")
    expect(batch.node("polish")).to_have_attribute("data-heat", "4")
    batch.root.locator("select.dl-measure").select_option("failure_rate")

    # The table: failures first; the input summary is text (its markup is not parsed).
    rows = batch.root.locator("tr.dl-example")
    expect(rows).to_have_count(12)
    expect(rows.nth(0)).to_have_attribute("data-status", "failed")
    expect(rows.nth(0)).to_have_attribute("data-index", "2")
    expect(rows.nth(0).locator('td[data-col="summary"]')).to_have_text('question="bad <b>2</b>"')
    expect(rows.nth(0).locator('td[data-col="error_type"]')).to_have_text("NodeValidationError")
    expect(batch.root.locator("tr.dl-example b")).to_have_count(0)
    batch.root.locator("select.dl-filter").select_option("failures")
    expect(rows).to_have_count(3)
    expect(batch.root.locator(".dl-examples .dl-position")).to_have_text("1–3 of 3")

    # A click on a failing row opens its run below: the LabView of that example, failed in `answer`.
    rows.filter(has=page.locator('td[data-col="index"]', has_text=re.compile(r"^6$"))).click()
    opened = batch.root.locator('.dl-opened[data-index="6"] .dspyer-lab')
    expect(opened).to_have_attribute("data-run-state", "failed")
    expect(opened.locator('g.node[data-node="answer"]')).to_have_attribute("data-status", "failed")
    expect(opened.locator('button.dl-tab[data-tab="error"]')).to_have_attribute("aria-selected", "true")
    expect(opened.locator('.dl-panel[data-tab="error"]')).to_contain_text("NodeValidationError")
    expect(batch.root.locator('tr.dl-example[data-open="true"]')).to_have_attribute("data-index", "6")
    # Its panels answer clicks (through the BatchView): the validation tab lists the 3 rejected answers.
    opened.locator('button.dl-tab[data-tab="validation"]').click()
    expect(opened.locator('button.dl-tab[data-tab="validation"]')).to_have_attribute("aria-selected", "true")
    expect(opened.locator('.dl-panel[data-tab="validation"]')).to_contain_text("attempt 3 of 3")
    answer = opened.locator('g.node[data-node="answer"]')
    expect(answer).to_have_attribute("data-selected", "true")  # opened on the visit that failed
    answer.click()  # a click on the selected node lets it go (the view follows the run again) ...
    expect(answer).not_to_have_attribute("data-selected", "true")
    answer.click()  # ... and another selects it
    expect(answer).to_have_attribute("data-selected", "true")
    save_picture(batch, picture.name, picture.parent, docs=picture.name == "batch-view.png")  # type: ignore[arg-type]

    batch.root.locator(".dl-opened button.dl-close").click()
    expect(batch.root.locator(".dl-opened")).to_have_count(0)
