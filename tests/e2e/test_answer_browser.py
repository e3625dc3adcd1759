"""A person in the loop, in a real JupyterLab: a HumanNode's run waits with a form drawn from its answer's schema
(a choice as radio buttons, a bounded whole number, a checkbox, a long text), a wrong answer shows its error
beside the field and the run keeps waiting, a right one goes on to an `interrupt()` yes/no question that Approve
answers, and the run finishes; a batch with two examples waiting, both answered from the review queue. The form also in Notebook 7 and marimo.

Pictures go to test-artifacts/e2e/ (``lab-answer-form.png``, ``batch-review-queue.png``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from textwrap import dedent

import pytest
from playwright.sync_api import Locator, Page, expect

from .helpers import (
    LabServer,
    MarimoServer,
    cell_outputs,
    lab_marimo_app,
    open_and_run_all,
    picture,
    serve_marimo_app,
    write_notebook,
)
from .test_lab_browser import Lab

pytestmark = pytest.mark.browser

SETUP = dedent(
    """
    from typing import Literal
    from pydantic import BaseModel, Field
    from dspyer_lab import END, AgentTranspiler, Graph, HumanNode, LabView, interrupt

    class Draft(BaseModel):
        draft: str

    class Verdict(BaseModel):
        verdict: Literal["approve", "edit", "reject"]
        score: int = Field(ge=1, le=5)
        urgent: bool = False
        comment: str = ""

    graph = Graph()
    graph.add_node("write", lambda s: {"draft": f"Dear {s['name']}, the parcel left today."})
    graph.add_node(HumanNode("review", Draft, Verdict, prompt="Is this email ready to send?"))
    graph.add_node("send", lambda s: {"sent": interrupt(f"Send it now ({s['verdict']})?")})
    graph.add_edge("write", "review")
    graph.add_edge("review", "send")
    graph.add_edge("send", END)
    graph.set_entry_point("write")
    program = AgentTranspiler.compile(graph)
    """
)
SHOW = "view = LabView(program, store=False)\nview"
RUN = "result = await view.run(name='Ann')\nprint(f'result: {result!r} | {view.status}')"


def test_a_human_nodes_form_rejects_a_wrong_answer_beside_its_field_and_a_right_one_finishes_the_run(
    lab_page: Page, lab_server: LabServer, e2e_artifacts: Path
) -> None:
    answer_a_human_node(lab_page, lab_server, e2e_artifacts / "lab-answer-form.png")


def test_the_same_answer_form_works_in_notebook7(page: Page, notebook7_server: LabServer, e2e_artifacts: Path) -> None:
    try:
        answer_a_human_node(page, notebook7_server, e2e_artifacts / "lab-answer-form-notebook7.png")
    finally:
        notebook7_server.shutdown_kernels()


def answer_a_human_node(page: Page, server: LabServer, shot: Path) -> None:
    notebook = write_notebook(server, "lab_answer.ipynb", [SETUP, SHOW, RUN])
    open_and_run_all(page, server, notebook)
    expect(cell_outputs(page, 2)).to_contain_text("result: None | waiting for an answer at node 'review'")
    answer_the_form(Lab(page, 1).root, shot)


def test_the_same_answer_form_works_in_marimo(page: Page, marimo_answer: MarimoServer, e2e_artifacts: Path) -> None:
    page.goto(marimo_answer.url)
    root = page.locator(".dspyer-lab")
    expect(root.locator("g.node[data-node]")).to_have_count(3, timeout=90_000)
    page.get_by_role("button", name="Run the program").click()
    answer_the_form(root, e2e_artifacts / "lab-answer-form-marimo.png")


@pytest.fixture(scope="module")
def marimo_answer(tmp_path_factory: pytest.TempPathFactory, e2e_artifacts: Path) -> Iterator[MarimoServer]:
    pytest.importorskip("marimo")
    program = f"import dspy\n{SETUP}\nview = LabView(program, store=False)\nscripted = lambda: None  # no model asked"
    yield from serve_marimo_app(tmp_path_factory.mktemp("marimo"), "answer_app.py", lab_marimo_app(program, "name='Ann'"),
                                e2e_artifacts / "marimo-answer.log")


def answer_the_form(root: Locator, shot: Path) -> None:
    """In the LabView `root` paused at `review`: the form's widgets, a wrong score rejected beside its field, a
    right one, then Approve for `send`'s yes/no question: the run finishes, its three answers in the timeline."""
    expect(root).to_have_attribute("data-run-state", "paused", timeout=60_000)
    ask = root.locator('.dl-ask[data-node="review"]')
    expect(ask.locator(".dl-ask-question")).to_have_text("Is this email ready to send?")
    expect(ask.locator(".dl-ask-inputs")).to_contain_text("Dear Ann, the parcel left today.")
    expect(ask.locator(".dl-answer-field")).to_have_count(4)
    expect(ask.locator('[data-field="verdict"] input[type="radio"]')).to_have_count(3)
    score = ask.locator('[data-field="score"] input[type="number"]')
    expect(score).to_have_attribute("min", "1")
    expect(score).to_have_attribute("max", "5")
    expect(ask.locator('[data-field="urgent"] input[type="checkbox"]')).not_to_be_checked()
    expect(ask.locator('[data-field="comment"] textarea')).to_have_count(1)  # a comment is long text

    ask.locator('[data-field="verdict"] label', has_text="approve").click()
    score.fill("9")
    ask.locator('[data-field="urgent"] input').check()
    ask.locator('[data-field="comment"] textarea').fill("Looks good.")
    picture(root, shot, grow=False)
    ask.locator("button.dl-answer-submit").click()
    field = ask.locator('[data-field="score"]')
    expect(field).to_have_attribute("data-invalid", "true")  # the node rejected it: beside the field
    expect(field.locator(".dl-answer-error")).to_contain_text("less than or equal to 5")
    expect(root).to_have_attribute("data-run-state", "paused")
    expect(ask.locator('[data-field="comment"] textarea')).to_have_value("Looks good.")  # what was typed stays

    score.fill("4")
    ask.locator("button.dl-answer-submit").click()
    question = root.locator('.dl-ask[data-node="send"]')
    expect(question.locator(".dl-ask-question")).to_have_text("Send it now (approve)?")
    question.locator("button.dl-answer-yes").click()
    expect(root).to_have_attribute("data-run-state", "finished")
    expect(root.locator(".dl-ask")).to_have_count(0)
    expect(root.locator('.dl-timeline .dl-row[data-kind="answer"]')).to_have_count(3)  # a step like any other


BATCH = dedent(
    """
    from dspyer_lab import BatchView
    batch_view = BatchView(program, store=False)
    batch_view
    """
)
RUN_BATCH = "outcomes = await batch_view.run([{'name': 'Ann'}, {'name': 'Bob'}])\nprint('batch:', batch_view.status)"


def test_a_batch_with_two_waiting_examples_is_answered_from_its_review_queue(
    lab_page: Page, lab_server: LabServer, e2e_artifacts: Path
) -> None:
    notebook = write_notebook(lab_server, "batch_answer.ipynb", [SETUP, BATCH, RUN_BATCH])
    open_and_run_all(lab_page, lab_server, notebook)
    expect(cell_outputs(lab_page, 2)).to_contain_text("batch: waiting · 0/2 done · 2 waiting for an answer")
    batch = cell_outputs(lab_page, 1).locator(".dspyer-batch")
    queue = batch.locator(".dl-review")
    rows = queue.locator(".dl-review-row")
    expect(rows).to_have_count(2)
    expect(queue.locator(".dl-review-title")).to_contain_text("2 example(s), oldest first")
    picture(batch, e2e_artifacts / "batch-review-queue.png", grow=False)
    for index, name in ((1, "Bob"), (0, "Ann")):  # any order
        row = queue.locator(f'.dl-review-row[data-index="{index}"]')
        expect(row.locator(".dl-ask-inputs")).to_contain_text(f"Dear {name}")
        row.locator('[data-field="verdict"] label', has_text="approve").click()
        row.locator('[data-field="score"] input').fill("5")
        row.locator("button.dl-answer-submit").click()
        send = queue.locator(f'.dl-review-row[data-index="{index}"] .dl-ask[data-node="send"]')
        send.locator("button.dl-answer-yes").click()  # its next question, then it finishes
        expect(queue.locator(f'.dl-review-row[data-index="{index}"]')).to_have_count(0)
    expect(batch.locator(".dl-status")).to_contain_text("finished · 2/2 done")
    expect(batch.locator('tr.dl-example[data-status="finished"]')).to_have_count(2)
