"""LabView in a real JupyterLab: the quickstart notebook's panels, markup shown as text, the Stop button.

The README's pictures come from here: each test saves them under test-artifacts/e2e/, and with
DSPYER_UPDATE_DOCS=1 also into docs/ (``DSPYER_UPDATE_DOCS=1 python -m pytest tests/e2e -k lab``).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import nbformat
import pytest
from playwright.sync_api import Locator, Page, expect

from .helpers import (
    LabServer,
    StatusRecorder,
    cell_outputs,
    css_string,
    open_and_run_all,
    open_notebook,
    run_all,
    run_cell,
    wait_for_run,
    write_notebook,
)

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
QUICKSTART = REPO / "notebooks" / "01_quickstart.ipynb"
DOCS = REPO / "docs"
PICTURE_LIMIT = 300_000  # bytes: README pictures stay small
GRAPH = ".dspyer-graphview"
LAB = ".jp-OutputArea-output > .widget-vbox:has(.dspyer-graphview)"
"""A LabView: the top-level box of a cell output that holds a graph drawing."""
TABS = ("Node", "Validation", "Result", "Error")
"""LabView's tabs, in order (titles may carry a suffix, e.g. "Validation (1)")."""


class Lab:
    """The LabView displayed in cell `cell`'s output, read and clicked as a user would."""

    def __init__(self, page: Page, cell: int) -> None:
        self.page = page
        self.root = cell_outputs(page, cell).locator(LAB)
        self.graph = self.root.locator(GRAPH)
        toolbar_labels = self.root.locator(":scope > .widget-hbox").first.locator(":scope > .widget-label")
        self.status = toolbar_labels.first  # the run's status
        self.slider_note = toolbar_labels.last  # what the replay slider shows
        self.slider = self.root.locator(".widget-slider .noUi-handle")
        self.stop_button = self.root.get_by_role("button", name="Stop")
        self.timeline = self.root.locator(".widget-select > select")

    def node(self, name: str, status: str | None = None) -> Locator:
        """The drawn node `name` (optionally only when in `status`)."""
        state = f'[data-status="{status}"]' if status else ""
        return self.graph.locator(f"g.node[data-node={css_string(name)}]{state}")

    def row(self, text: str) -> Locator:
        """The timeline row containing `text` (whitespace-normalized)."""
        return self.timeline.locator("option", has_text=text)

    def tab(self, title: str) -> Locator:
        return self.root.locator(".lm-TabBar-tab", has_text=title)

    def panel(self, title: str) -> Locator:
        return self.root.locator(".widget-tab-contents > .widget-vbox").nth(TABS.index(title))

    def open(self, title: str) -> Locator:
        """Click tab `title`; its panel, once shown."""
        self.tab(title).click()
        return self.showing(title)

    def showing(self, title: str) -> Locator:
        """The panel of tab `title`, asserting that it is the one shown."""
        expect(self.tab(title)).to_have_attribute("aria-selected", "true")
        panel = self.panel(title)
        expect(panel).to_be_visible()
        return panel

    def unfold(self, panel: Locator, title: str) -> Locator:
        """Open the folded section `title` of `panel`; its text area."""
        panel.locator(".jupyter-widget-Collapse-header", has_text=title).click()
        text = panel.locator(".jupyter-widget-Collapse-contents", has=self.page.locator("textarea")).locator("textarea")
        expect(text).to_be_visible()
        return text


def header(panel: Locator) -> Locator:
    """The first line of the Node panel: the inspected node, its kind, visit, status, attempts."""
    return panel.locator(".widget-html-content").first


def cell_index(notebook: Path, matches: Callable[[str], bool]) -> int:
    """Index of the first code cell of `notebook` whose source `matches` (so the test follows the notebook's edits)."""
    cells = nbformat.read(notebook, as_version=4).cells
    return next(i for i, cell in enumerate(cells) if cell.cell_type == "code" and matches(cell.source))


def save_picture(lab: Lab, name: str, artifacts: Path) -> None:
    """Screenshot the whole LabView into the artifacts (and into docs/ with DSPYER_UPDATE_DOCS=1).

    The viewport grows to the view's height first: JupyterLab scrolls the notebook inside the
    page, so a view taller than the window would be cut.
    """
    box = lab.root.bounding_box()
    assert box is not None
    lab.page.set_viewport_size({"width": 1400, "height": max(900, int(box["height"]) + 200)})
    lab.root.scroll_into_view_if_needed()
    path = artifacts / name
    lab.root.screenshot(path=path, animations="disabled")
    if os.environ.get("DSPYER_UPDATE_DOCS") == "1":
        assert path.stat().st_size < PICTURE_LIMIT, f"{name} is {path.stat().st_size} bytes"
        DOCS.mkdir(exist_ok=True)
        shutil.copyfile(path, DOCS / name)


# -- 1. the quickstart notebook ------------------------------------------------------------------


def test_quickstart_notebook_shows_its_run_in_the_labview(
    lab_page: Page, lab_server: LabServer, e2e_artifacts: Path
) -> None:
    page = lab_page
    magic = cell_index(QUICKSTART, lambda s: s.startswith("%%dspyer"))
    printed_events = cell_index(QUICKSTART, lambda s: "dspyer_view.events" in s)
    printed_result = cell_index(QUICKSTART, lambda s: "repr(result)" in s)

    open_notebook(page, lab_server, QUICKSTART)  # a copy in the server's root
    recorder = StatusRecorder(page)
    run_all(page)
    wait_for_run(page)
    lab = Lab(page, magic)

    # The graph: both nodes end done; the answer was rejected once and corrected (watched live).
    expect(lab.root).to_have_count(1)
    expect(lab.graph).to_have_attribute("data-run-state", "finished")
    expect(lab.node("retrieve", "done")).to_have_count(1)
    expect(lab.node("answer", "done")).to_have_count(1)
    history = recorder.history()
    assert history["answer"][-2:] == ["retrying", "done"], history
    expect(lab.status).to_have_text(re.compile(r"^finished · 2 steps"))

    # Node tab follows the run: the last node, `answer`, with the patch it wrote (the corrected citation).
    node_panel = lab.showing("Node")
    expect(header(node_panel)).to_have_text(re.compile(r"^answer \(llm\) · .* · done · .* · 2 attempt\(s\)$"))
    expect(node_panel).to_contain_text("Patch (fields this node wrote)")
    expect(node_panel).to_contain_text('[{"doc_id": "kb-2", "quote": "within 30 days of delivery"}]')

    # Validation tab: the citation rule's message, what the model said, what went back to it.
    expect(lab.tab("Validation")).to_have_text("Validation (1)")
    validation = lab.open("Validation")
    expect(validation).to_contain_text("answer · attempt 1 of 3 · retried with feedback")
    expect(validation).to_contain_text("'kb-3' was not retrieved; cite one of ['kb-2']")
    raw_output, feedback = validation.locator("textarea").nth(0), validation.locator("textarea").nth(1)
    expect(raw_output).to_have_value(re.compile(r"kb-3"))
    expect(feedback).to_have_value(re.compile(r"^Your previous answer was rejected \(fields: citations\)"))

    # Result tab: the typed output as a table.
    result = lab.open("Result")
    expect(result).to_contain_text("Finished: 2 steps")
    expect(result).to_contain_text("You have 30 days after delivery.")

    # The notebook's later cells read the same run and the typed result.
    expect(cell_outputs(page, printed_events)).to_contain_text("answer: attempt 1 rejected")
    expect(cell_outputs(page, printed_events)).to_contain_text("'kb-3' was not retrieved")
    expect(cell_outputs(page, printed_result)).to_contain_text(
        "CitedAnswer(answer='You have 30 days after delivery.', "
        "citations=[Citation(doc_id='kb-2', quote='within 30 days of delivery')])"
    )

    # Clicks in the drawing open the node in the Node tab (and highlight it).
    lab.node("retrieve").click()
    node_panel = lab.showing("Node")
    expect(header(node_panel)).to_have_text(re.compile(r"^retrieve \(python\) · "))
    expect(node_panel).to_contain_text('{"doc_id": "kb-2", "text": "You can return any product')
    expect(lab.node("retrieve")).to_have_attribute("data-selected", "true")
    lab.node("answer").click()
    expect(header(node_panel)).to_have_text(re.compile(r"^answer \(llm\) · "))
    expect(node_panel).to_contain_text("How long do I have to return a product?")  # its inputs
    expect(node_panel).to_contain_text('"doc_id": "kb-2", "quote"')  # its patch
    expect(lab.node("answer")).to_have_attribute("data-selected", "true")
    expect(lab.node("retrieve")).not_to_have_attribute("data-selected", "true")
    save_picture(lab, "lab-quickstart.png", e2e_artifacts)

    # Timeline rows select too: a node's row opens the node, the rejection's row the Validation tab.
    lab.row("retrieve node_end").click()
    node_panel = lab.showing("Node")
    expect(header(node_panel)).to_have_text(re.compile(r"^retrieve \(python\) · "))
    expect(lab.node("retrieve")).to_have_attribute("data-selected", "true")
    lab.row("validation_error").click()
    expect(lab.showing("Validation")).to_contain_text("'kb-3' was not retrieved")
    expect(lab.node("answer")).to_have_attribute("data-selected", "true")


# -- 2. markup from the model, the state and node names stays text -------------------------------

IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "<script>window.__pwned=2</script>"
LINK = "[x](javascript:window.__pwned=3)"
ANCHOR = '<a href="javascript:window.__pwned=4">it\'s "quoted"</a>'
NODE = f'{IMG} it\'s "prep"'
QUESTION = 'What is <b>bold</b> & "quoted"?'
NOTES = f"{SCRIPT} {LINK} {ANCHOR}"
UNPARSEABLE = f"not a form at all {IMG} {SCRIPT}"
REJECTED = f"{IMG} {LINK}"
ANSWER = f"{SCRIPT} {ANCHOR} [1]"

MARKUP_SETUP = dedent(
    f"""
    import dspy
    from pydantic import BaseModel, field_validator
    from dspyer_lab import END, AgentTranspiler, Graph, LabView, ScriptedLM, StatefulNode

    class Question(BaseModel):
        question: str
        notes: str

    class Answer(BaseModel):
        answer: str

        @field_validator("answer")
        @classmethod
        def cites(cls, value: str) -> str:
            if "[1]" not in value:
                raise ValueError(f"no [1] citation in {{value!r}}")
            return value

    NODE = {NODE!r}
    graph = Graph()
    graph.add_node(NODE, lambda state: {{"notes": {NOTES!r}}})
    graph.add_node(StatefulNode("answer", Question, Answer))
    graph.set_entry_point(NODE)
    graph.add_edge(NODE, "answer")
    graph.add_edge("answer", END)
    program = AgentTranspiler.compile(graph, output_model=Answer)
    # unparseable text, then an answer the validator rejects, then an accepted one: all markup
    lm = ScriptedLM({{"answer": [{UNPARSEABLE!r}, {{"answer": {REJECTED!r}}}, {{"answer": {ANSWER!r}}}]}})
    """
)
MARKUP_SHOW = "view = LabView(program)\nview"
MARKUP_RUN = dedent(
    f"""
    with dspy.context(lm=lm):
        result = await view.run(question={QUESTION!r})
    print(repr(result))
    """
)


def test_markup_from_model_state_and_node_names_is_shown_as_text(lab_page: Page, lab_server: LabServer) -> None:
    page = lab_page
    notebook = write_notebook(lab_server, "lab_markup.ipynb", [MARKUP_SETUP, MARKUP_SHOW, MARKUP_RUN])
    open_and_run_all(page, lab_server, notebook)
    lab = Lab(page, 1)
    expect(lab.graph).to_have_attribute("data-run-state", "finished")
    expect(cell_outputs(page, 2)).to_contain_text(f"Answer(answer={ANSWER!r})")
    assert page.evaluate("() => window.__pwned") is None

    # Timeline: the node name (clipped to its column) and the values, as text.
    notes_row = lab.row('node_end wrote {"notes"')
    expect(notes_row).to_contain_text(NODE[:20])
    expect(notes_row).to_contain_text(SCRIPT)
    expect(lab.row("answer node_end")).to_contain_text(f"{SCRIPT} <a href=")

    # Node tab: the markup-named node (clicked in the drawing), its input and its patch.
    lab.node(NODE).click()
    node_panel = lab.showing("Node")
    expect(header(node_panel)).to_contain_text(f"{NODE} (python)")
    expect(node_panel).to_contain_text(QUESTION)
    expect(node_panel).to_contain_text(NOTES)
    full = lab.unfold(node_panel, "Full values")
    expect(full).to_have_value(re.compile(re.escape(SCRIPT)))
    expect(full).to_have_value(re.compile(re.escape(LINK)))
    lab.node("answer").click()
    expect(header(node_panel)).to_contain_text("answer (llm)")
    expect(node_panel).to_contain_text(ANSWER)
    expect(full).to_have_value(re.compile(re.escape("javascript:window.__pwned=4")))

    # Validation tab: each rejected attempt's messages and raw output, as text.
    validation = lab.open("Validation")
    picker = validation.locator(".widget-dropdown select")
    raw_output = validation.locator("textarea").first
    expect(picker.locator("option")).to_have_count(2)
    picker.select_option(index=1)
    expect(validation).to_contain_text(f"no [1] citation in '{REJECTED}'")
    expect(raw_output).to_have_value(re.compile(re.escape(REJECTED)))
    picker.select_option(index=0)
    expect(validation).to_contain_text("could not be parsed")
    expect(raw_output).to_have_value(UNPARSEABLE)

    # Result tab, and its folded full output.
    result = lab.open("Result")
    expect(result).to_contain_text(ANSWER)
    expect(lab.unfold(result, "Full output")).to_have_value(re.compile(re.escape(SCRIPT)))
    expect(lab.open("Error")).to_contain_text("No error.")

    # Time travel: two steps back the note under the slider summarizes answer's patch.
    lab.slider.focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(lab.slider_note).to_contain_text(f'node_end wrote {{"answer": "{SCRIPT}')
    expect(lab.status).to_contain_text("event 8/10")

    # After all that clicking: nothing of it became markup, and nothing ran.
    expect(lab.root.locator("img, script, iframe, object, embed, a[href], [onerror]")).to_have_count(0)
    expect(lab.root.locator("b").filter(has_text=re.compile(r"^bold$"))).to_have_count(0)  # the question's <b>
    expect(page.locator("[onerror], a[href^='javascript:']")).to_have_count(0)
    assert page.evaluate("() => window.__pwned") is None


# -- 3. the Stop button ------------------------------------------------------------------------

SLOW_SETUP = dedent(
    """
    import dspy
    from pydantic import BaseModel, field_validator
    from dspyer_lab import END, AgentTranspiler, Graph, LabView, ScriptedLM, StatefulNode

    CORPUS = {"kb-1": "Orders ship within 2 business days.", "kb-2": "Returns are accepted within 30 days."}

    class Grounded(BaseModel):
        question: str
        passages: list[str]

    class CitedAnswer(BaseModel):
        \"\"\"Answer from the passages and cite one as [kb-N].\"\"\"

        answer: str

        @field_validator("answer")
        @classmethod
        def cites_a_passage(cls, value: str) -> str:
            if not any(f"[{doc_id}]" in value for doc_id in CORPUS):
                raise ValueError("cite the passage you used, e.g. [kb-2]")
            return value

    def retrieve(state: dict) -> dict:
        return {"passages": [f"[{doc_id}] {text}" for doc_id, text in CORPUS.items()]}

    graph = Graph()
    graph.add_node("retrieve", retrieve)
    graph.add_node(StatefulNode("answer", Grounded, CitedAnswer))
    graph.set_entry_point("retrieve")
    graph.add_edge("retrieve", "answer")
    graph.add_edge("answer", END)
    program = AgentTranspiler.compile(graph, output_model=CitedAnswer)
    # A slow model (2 s an answer) that never cites: `answer` retries from 2 s to 6 s, then would fail.
    slow_lm = ScriptedLM({"answer": {"answer": "30 days."}}, latency=2.0)
    """
)
SLOW_START = dedent(
    """
    view = LabView(program)
    display(view)
    with dspy.context(lm=slow_lm):
        task = view.start(question="How long do I have to return a product?")
    """
)
SLOW_AFTER = 'print(f"task done={task.done()}, cancelled={task.cancelled()}; {view.status.value}")'


def test_stop_button_cancels_a_background_run(lab_page: Page, lab_server: LabServer, e2e_artifacts: Path) -> None:
    page = lab_page
    notebook = write_notebook(lab_server, "lab_stop.ipynb", [SLOW_SETUP, SLOW_START, SLOW_AFTER])
    open_and_run_all(page, lab_server, notebook)
    lab = Lab(page, 1)
    expect(cell_outputs(page, 2)).to_contain_text("task done=False")  # Run All ended; the run goes on

    # Mid-run: the first answer was rejected, the node retries while the model thinks again.
    expect(lab.node("answer", "retrying")).to_have_count(1, timeout=30_000)
    expect(lab.node("retrieve", "done")).to_have_count(1)
    expect(lab.graph).to_have_attribute("data-run-state", "running")
    expect(lab.open("Validation")).to_contain_text("cite the passage you used")
    save_picture(lab, "lab-running.png", e2e_artifacts)
    expect(lab.node("answer", "retrying")).to_have_count(1)  # the picture shows the retry

    expect(lab.stop_button).to_be_enabled()
    lab.stop_button.click()
    expect(lab.graph).to_have_attribute("data-run-state", "cancelled")
    expect(lab.graph.locator('g.node[data-status="running"], g.node[data-status="retrying"]')).to_have_count(0)
    expect(lab.node("retrieve", "done")).to_have_count(1)
    expect(lab.status).to_have_text(re.compile(r"^cancelled"))
    expect(lab.stop_button).to_be_disabled()
    expect(lab.open("Result")).to_contain_text("The run was cancelled before it finished.")

    # The kernel is free: a later cell runs, and sees the run's task cancelled.
    run_cell(page, 2)
    wait_for_run(page)
    expect(cell_outputs(page, 2)).to_contain_text("task done=True, cancelled=True; cancelled")
