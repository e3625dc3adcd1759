""""Edit and send again" in the Calls tab, in a real browser: a rejected model call's editor opened, its instructions
edited, sent; the new answer's verdict turns to pass next to the original's; "Use these instructions" changes the
program in the kernel, and "Fork from here with them" re-runs from the node as a fork (JupyterLab, in full);
Notebook 7 and marimo: the editor opens, a send comes back with its verdict (smoke).

The model is a `ScriptedLM` whose answer reads the prompt: with the node's own instructions it grades out of 100
(the validator rejects it; the retry, sent the validator's feedback, passes), told "out of 10" it passes at once.
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
    lab_marimo_app,
    open_and_run_all,
    run_cell,
    serve_marimo_app,
    wait_for_output,
    wait_for_run,
    wait_for_view_settled,
    write_notebook,
)
from .portable import LabOnPage, expect_run_over

pytestmark = pytest.mark.browser

FIX = "Grade the essay out of 10 <b>(an integer)</b>."
"""The edited instructions (markup too: it must reach the model, and the page, as text)."""

PROGRAM = dedent(
    """
    import dspy
    from pydantic import BaseModel, field_validator
    from dspyer_lab import END, AgentTranspiler, Graph, LabView, ScriptedLM, StatefulNode

    class Essay(BaseModel):
        essay: str

    class Graded(BaseModel):
        "Grade the essay."

        grade: int
        comment: str

        @field_validator("grade")
        @classmethod
        def out_of_ten(cls, value: int) -> int:
            if not 0 <= value <= 10:
                raise ValueError("grade must be between 0 and 10")
            return value

    def grader(inputs, prompt):  # out of 100 unless told out of 10 (or sent the validator's feedback)
        if "out of 10" in prompt.system or "validation_feedback" in inputs:
            return {"grade": 7, "comment": "clear and short"}
        return {"grade": 70, "comment": "clear"}

    graph = Graph().add_node(StatefulNode("grade", Essay, Graded)).set_entry_point("grade")
    graph.add_edge("grade", END)
    program = AgentTranspiler.compile(graph, output_model=Graded)

    def scripted():
        return ScriptedLM({"grade": grader}, latency=0.2)

    view = LabView(program, store=False)
    """
)
RUN = dedent(
    """
    with dspy.context(lm=scripted()):
        result = await view.run(essay="Owls hunt at night.")
    print(view.status)
    """
)
INSTRUCTIONS = 'print("now:", program.predictor("grade").signature.instructions)'


def open_the_rejected_call(lab: LabOnPage) -> Locator:
    """The Calls tab on the first (rejected) attempt, its editor open: the Calls panel."""
    calls = lab.open_tab("calls")
    calls.locator("select.dl-picker").select_option(index=0)
    expect(calls.locator(".dl-facts").first).to_contain_text("attempt 1")
    calls.locator("button.dl-pg-open").click()
    expect(calls.locator(".dl-pg-editor")).to_be_visible()
    original = calls.locator('.dl-pg-card[data-variant="original"]')
    expect(original.locator(".dl-verdict")).to_have_attribute("data-pass", "false")
    expect(original).to_contain_text("grade must be between 0 and 10")
    return calls


def send_fixed_instructions(calls: Locator) -> Locator:
    """Edit the instructions, Send; the new variant's card once its verdict is in."""
    instructions = calls.locator("textarea.dl-pg-instructions")
    expect(instructions).to_have_value("Grade the essay.")
    instructions.fill(FIX)
    calls.locator("button.dl-pg-send").click()
    variant = calls.locator('.dl-pg-card[data-variant="1"]')
    expect(variant.locator(".dl-verdict")).to_have_attribute("data-pass", "true", timeout=30_000)
    expect(variant.locator('tr[data-field="grade"] td')).to_have_text("7")
    return variant


def test_a_failing_call_edited_and_sent_again_passes_then_changes_the_program_and_forks(
    lab_page: Page, lab_server: LabServer, e2e_artifacts: Path
) -> None:
    page = lab_page
    notebook = write_notebook(lab_server, "playground.ipynb", [PROGRAM, "view", RUN, INSTRUCTIONS])
    open_and_run_all(page, lab_server, notebook)
    lab = LabOnPage(page, settled=lambda: wait_for_view_settled(page, 1))
    expect_run_over(lab.root, timeout=60_000)
    wait_for_output(page, 3, "now: Grade the essay.")

    calls = open_the_rejected_call(lab)
    box = calls.locator(".dl-pg-bar").bounding_box()
    variant = send_fixed_instructions(calls)
    assert calls.locator(".dl-pg-bar").bounding_box() == box  # nothing above the editor moved
    expect(variant).to_contain_text("clear and short")
    expect(calls.locator('.dl-pg-card[data-variant="original"] .dl-verdict')).to_have_attribute("data-pass", "false")
    calls.screenshot(path=str(e2e_artifacts / "playground.png"))

    # a second variant, kept next to the first: the same call as raw messages, unchanged (rejected again)
    calls.locator('.dl-pg-modes input[type="radio"]').nth(1).check()
    expect(calls.locator("textarea.dl-pg-message")).to_have_count(2)
    calls.locator("button.dl-pg-send").click()
    second = calls.locator('.dl-pg-card[data-variant="2"]')
    expect(second.locator(".dl-verdict")).to_have_attribute("data-pass", "false", timeout=30_000)
    expect(second.locator(".dl-pg-field-error")).to_contain_text("grade must be between 0 and 10")
    expect(second.locator("button.dl-pg-use")).to_be_disabled()  # raw messages: no instructions to use
    expect(variant.locator(".dl-verdict")).to_have_attribute("data-pass", "true")

    # "Use these instructions": the program in the kernel has them
    variant.locator("button.dl-pg-use").click()
    expect(calls.locator(".dl-pg-version")).to_contain_text("program version 2")
    run_cell(page, 3)
    wait_for_run(page)
    wait_for_output(page, 3, f"now: {FIX}")

    # "Fork from here with them": a fork of the run, which passes at the first attempt
    variant.locator("button.dl-pg-fork").click()
    expect(lab.root.locator(".dl-diff-note")).to_contain_text("fork of run 1", timeout=30_000)
    expect_run_over(lab.root, timeout=30_000)
    expect(lab.root.locator('button.dl-tab[data-tab="calls"]')).to_have_text("Calls (1)")
    assert page.locator("b", has_text="(an integer)").count() == 0  # the edited markup stayed text


def check_smoke(lab: LabOnPage) -> None:
    expect_run_over(lab.root, timeout=60_000)
    send_fixed_instructions(open_the_rejected_call(lab))


def test_the_playground_works_in_notebook7(page: Page, notebook7_server: LabServer) -> None:
    notebook = write_notebook(notebook7_server, "notebook7_playground.ipynb", [PROGRAM, "view", RUN])
    try:
        open_and_run_all(page, notebook7_server, notebook)
        check_smoke(LabOnPage(page))
    finally:
        notebook7_server.shutdown_kernels()


@pytest.fixture(scope="module")
def marimo_playground(tmp_path_factory: pytest.TempPathFactory, e2e_artifacts: Path) -> Iterator[MarimoServer]:
    pytest.importorskip("marimo")
    source = lab_marimo_app(PROGRAM, 'essay="Owls hunt at night."')
    yield from serve_marimo_app(tmp_path_factory.mktemp("marimo"), "playground_app.py", source,
                                e2e_artifacts / "marimo-playground.log")


def test_the_playground_works_in_marimo(page: Page, marimo_playground: MarimoServer) -> None:
    page.goto(marimo_playground.url)
    lab = LabOnPage(page)
    expect(lab.graph.locator("g.node[data-node]")).to_have_count(1, timeout=90_000)
    page.get_by_role("button", name="Run the program").click()
    check_smoke(lab)
