"""The LabView debugger in a real JupyterLab: a breakpoint set by clicking the drawing, an edit at the pause
(a rejected one shown next to its field, then a good one), Continue, and a fork from a past step; Step through
a run node by node until it finishes, and Stop at a pause.

Pictures go to test-artifacts/e2e/ (``lab-debugger-paused.png``, ``lab-debugger-fork.png``, and ``-dark`` ones);
with DSPYER_UPDATE_DOCS=1 the light ones also go to docs/ for the README.
"""

from __future__ import annotations

import re
from pathlib import Path
from textwrap import dedent

import pytest
from playwright.sync_api import Page, expect

from .helpers import LabServer, cell_outputs, open_and_run_all, picture, run_cell, wait_for_run, write_notebook
from .portable import expect_run_over
from .test_lab_browser import Lab, header, save_picture, seek, set_theme

pytestmark = pytest.mark.browser

SETUP = dedent(
    """
    import dspy
    from pydantic import BaseModel
    from dspyer_lab import END, AgentTranspiler, Graph, LabView, ScriptedLM, StatefulNode

    class Topic(BaseModel):
        topic: str

    class Draft(BaseModel):
        draft: str

    class Title(BaseModel):
        title: str

    graph = Graph()
    graph.add_node(StatefulNode("write", Topic, Draft))
    graph.add_node(StatefulNode("name", Draft, Title))
    graph.add_edge("write", "name")
    graph.add_edge("name", END)
    graph.set_entry_point("write")
    program = AgentTranspiler.compile(graph, output_model=Title)
    # `name` shouts the draft it is given: an edited draft shows in the title
    lm = ScriptedLM({"write": {"draft": "Tides pull."}, "name": lambda inputs: {"title": inputs["draft"].upper()}})
    """
)
SHOW = "view = LabView(program)\nview"
RUN = dedent(
    """
    with dspy.context(lm=lm):
        result = await view.run(topic="the sea")
    print(f"result: {result!r} | {view.status} | breakpoints {view.breakpoints}")
    """
)


@pytest.mark.parametrize("theme", ["JupyterLab Light", "JupyterLab Dark"])
def test_breakpoint_clicked_on_the_graph_pauses_the_run_and_an_edit_reaches_the_next_node(
    lab_page: Page, lab_server: LabServer, e2e_artifacts: Path, theme: str
) -> None:
    set_theme(lab_server, theme)
    try:
        debug_a_run(lab_page, lab_server, e2e_artifacts, "-dark" if "Dark" in theme else "")
    finally:
        set_theme(lab_server, "JupyterLab Light")


def debug_a_run(page: Page, lab_server: LabServer, e2e_artifacts: Path, suffix: str) -> None:
    notebook = write_notebook(lab_server, "lab_debugger.ipynb", [SETUP, SHOW, RUN])
    open_and_run_all(page, lab_server, notebook)  # a first run, without breakpoints: it finishes
    lab = Lab(page, 1)
    expect(lab.graph).to_have_attribute("data-run-state", "finished")
    lab.settled()  # the still output has the browser's picture of the end
    expect(cell_outputs(page, 2)).to_contain_text("result: Title(title='TIDES PULL.')")

    # A breakpoint before `name`: click the pin on its top-left corner (a faint ring on every node, stronger on hover).
    pin = lab.node("name").locator('g.dl-bp[data-when="before"]')
    expect(pin).not_to_have_attribute("data-on", "true")
    lab.node("name").hover()  # both pins stand out on the hovered node; the others' stay faint, but visible
    for when in ("before", "after"):
        expect(lab.node("name").locator(f'g.dl-bp[data-when="{when}"] > .dl-bp-dot')).to_have_css("opacity", "0.9")
    expect(lab.node("write").locator('g.dl-bp[data-when="before"] > .dl-bp-dot')).to_have_css("opacity", "0.45")
    picture(lab.root, e2e_artifacts / f"lab-debugger-hover{suffix}.png", grow=False)  # the mouse stays on `name`
    pin.click()
    expect(pin).to_have_attribute("data-on", "true")  # the kernel set view.breakpoints; the drawing shows it
    expect(lab.node("write").locator('g.dl-bp[data-on="true"]')).to_have_count(0)

    # Run again: the cell returns at the pause, the view stays paused before `name`.
    run_cell(page, 2)
    wait_for_run(page)
    expect(cell_outputs(page, 2)).to_contain_text("result: None | paused before node 'name'")
    expect(cell_outputs(page, 2)).to_contain_text("'before': ['name']")
    expect(lab.root).to_have_attribute("data-run-state", "paused")
    expect(lab.status).to_contain_text("paused before node 'name'")
    expect(lab.node("name")).to_have_attribute("data-paused", "before")
    expect(lab.node("name", "idle")).to_have_count(1)  # no model call made for it
    expect(lab.node("write", "done")).to_have_count(1)
    debug = lab.root.locator(".dl-debug")
    expect(debug).to_have_attribute("data-mode", "paused")
    expect(debug.locator(".dl-paused-at")).to_have_text("‖ paused before 'name'")
    draft = debug.locator('.dl-field[data-field="draft"]')
    expect(draft).to_contain_text("read by name")
    editor = draft.locator("textarea.dl-field-value")
    expect(editor).to_have_value('"Tides pull."')
    expect(lab.stop_button).to_be_enabled()  # Stop would end the paused run

    # An edit the next node's input model rejects: shown under the field, nothing runs.
    editor.fill("42")
    expect(draft).to_have_attribute("data-edited", "true")
    debug.locator("button.dl-continue").click()
    expect(draft).to_have_attribute("data-invalid", "true")
    expect(draft.locator(".dl-edit-error")).to_contain_text("draft must be a string (got 42): node 'name' reads it")
    expect(lab.root).to_have_attribute("data-run-state", "paused")
    editor.fill("not json")
    debug.locator("button.dl-continue").click()
    expect(draft.locator(".dl-edit-error")).to_contain_text("field 'draft' is not valid JSON")
    save_picture(lab, f"lab-debugger-paused{suffix}.png", e2e_artifacts, docs=not suffix)

    # A good edit, then Continue: the same run goes on and `name` is given the edited draft.
    editor.fill('"Waves rise."')
    debug.locator("button.dl-continue").click()
    expect_run_over(lab.root)
    lab.settled()
    expect(lab.node("name", "done")).to_have_count(1)
    expect(lab.open("Result")).to_contain_text("WAVES RISE.")
    lab.node("name").click()
    node_panel = lab.showing("Node")
    expect(header(node_panel)).to_contain_text("name (llm)")
    inputs = node_panel.locator("table.dl-table").first
    expect(inputs).to_contain_text("Waves rise.")
    expect(lab.row("update")).to_contain_text("Waves rise.")  # the edit is in the run's events
    expect(lab.row("run_start")).to_have_count(1)  # one run: resumed, not restarted

    # Fork from a past step: back to just after `write`, edit the draft, run from there.
    paused_at = int(lab.row("paused").get_attribute("data-index") or "")  # the event index of the pause
    seek(lab, paused_at + 1)  # the run up to its pause again: `write` done, `name` next
    debug.locator("button.dl-fork-open").click()
    expect(debug).to_have_attribute("data-mode", "fork")
    expect(debug.locator(".dl-fork-note")).to_contain_text("node 'name' runs")
    debug.locator('.dl-field[data-field="draft"] textarea').fill('"Salt."')
    debug.locator("button.dl-fork-run").click()
    runs = debug.locator("select.dl-runs option")
    expect(runs).to_have_count(3)  # the first run, the paused-and-continued run, the fork (from its start)
    expect_run_over(lab.root)  # the fork's end, not the parent's
    lab.settled()  # the fork's end (its inherited `write` drawn idle) is a new picture for the still output
    expect(lab.open("Result")).to_contain_text("SALT.")
    expect(runs.nth(2)).to_have_text(re.compile(r"^run 3 · fork of run 2 after step 1 · finished$"))
    expect(lab.node("name")).to_have_attribute("data-diff", "changed")
    expect(lab.node("write")).to_have_attribute("data-inherited", "true")  # its output is in the fork's state
    expect(debug.locator(".dl-diff-note")).to_contain_text("output differs at name")
    lab.node("name").click()
    expect(lab.showing("Node")).to_contain_text("Compared with run 2 (the parent)")
    save_picture(lab, f"lab-debugger-fork{suffix}.png", e2e_artifacts, docs=not suffix)

    # The selector shows the parent again.
    debug.locator("select.dl-runs").select_option(index=1)
    expect(lab.open("Result")).to_contain_text("WAVES RISE.")
    expect(lab.graph.locator("g.node[data-diff]")).to_have_count(0)


def test_step_runs_one_node_at_a_time_and_stop_ends_a_pause(lab_page: Page, lab_server: LabServer) -> None:
    page = lab_page
    show = 'view = LabView(program)\nview.breakpoints = {"before": ["write"]}  # as its pin clicked\nview'
    notebook = write_notebook(lab_server, "lab_debugger_step.ipynb", [SETUP, show, RUN])
    open_and_run_all(page, lab_server, notebook)  # the run pauses before its first node
    lab = Lab(page, 1)
    lab.settled()  # nothing ran: the browser's first picture (all idle) replaces the kernel's
    debug = lab.root.locator(".dl-debug")
    expect(cell_outputs(page, 2)).to_contain_text("result: None | paused before node 'write'")
    expect(lab.node("write")).to_have_attribute("data-paused", "before")
    expect(lab.node("write", "idle")).to_have_count(1)

    # Step: `write` runs, and the run pauses again before `name` (no breakpoint there: the Step's pause).
    debug.locator("button.dl-step").click()
    expect(debug.locator(".dl-paused-at")).to_have_text("‖ paused before 'name'")
    expect(lab.root).to_have_attribute("data-run-state", "paused")
    expect(lab.node("write", "done")).to_have_count(1)
    expect(lab.node("name", "idle")).to_have_count(1)
    expect(lab.node("name")).to_have_attribute("data-paused", "before")
    expect(lab.status).to_contain_text("paused before node 'name'")
    draft = debug.locator('.dl-field[data-field="draft"] textarea.dl-field-value')
    expect(draft).to_have_value('"Tides pull."')

    # Step again, with an edit: `name`, the last node, runs on the edited draft and the run finishes.
    draft.fill('"Foam."')
    debug.locator("button.dl-step").click()
    expect_run_over(lab.root)
    lab.settled()
    expect(lab.node("name", "done")).to_have_count(1)
    expect(debug.locator(".dl-paused-at")).to_have_count(0)
    expect(lab.open("Result")).to_contain_text("FOAM.")
    expect(lab.row("paused")).to_have_count(2)  # before `write` (the breakpoint), before `name` (the Step)
    expect(lab.row("run_start")).to_have_count(1)  # one run, stepped through

    # Stop at a pause: the paused run ends cancelled, nothing more runs, and the kernel goes on.
    run_cell(page, 2)
    wait_for_run(page)
    expect(cell_outputs(page, 2)).to_contain_text("result: None | paused before node 'write'")
    expect(lab.root).to_have_attribute("data-run-state", "paused")
    expect(lab.stop_button).to_be_enabled()
    lab.stop_button.click()
    expect(lab.root).to_have_attribute("data-run-state", "cancelled")
    lab.settled()
    expect(lab.status).to_contain_text("cancelled")
    expect(lab.node("write", "idle")).to_have_count(1)
    expect(debug.locator(".dl-paused-at")).to_have_count(0)
    expect(lab.stop_button).to_be_disabled()
    pin = lab.node("write").locator('g.dl-bp[data-when="before"]')
    expect(pin).to_have_attribute("data-on", "true")
    pin.click()  # the kernel still answers clicks: the breakpoint is cleared
    expect(pin).not_to_have_attribute("data-on", "true")
    run_cell(page, 2)  # and runs cells: a run to its end
    wait_for_run(page)
    expect(cell_outputs(page, 2)).to_contain_text("result: Title(title='TIDES PULL.') | finished")
    expect(lab.root).to_have_attribute("data-run-state", "finished")
