"""LabView in a real JupyterLab: the quickstart notebook's panels, markup shown as text, the Stop button.

The README's pictures come from here: each test saves them under test-artifacts/e2e/, and with
DSPYER_UPDATE_DOCS=1 also into docs/ (``DSPYER_UPDATE_DOCS=1 python -m pytest tests/e2e -k lab``).
"""

from __future__ import annotations

import json
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
    picture,
    run_all,
    run_cell,
    wait_for_run,
    wait_for_view_settled,
    write_notebook,
)

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
QUICKSTART = REPO / "notebooks" / "01_quickstart.ipynb"
DOCS = REPO / "docs"
PICTURE_LIMIT = 300_000  # bytes: README pictures stay small
GRAPH = ".dspyer-graphview"
LAB = ".dspyer-lab"
"""A LabView: one widget (see the markup contract at the top of js/src/widget.js)."""
TABS = {"Node": "node", "Calls": "calls", "Validation": "validation", "Result": "result", "Error": "error",
        "Waterfall": "waterfall"}
"""LabView's tabs: title (may carry a suffix, e.g. "Validation (1)") -> data-tab."""


class Lab:
    """The LabView displayed in cell `cell`'s output, read and clicked as a user would."""

    def __init__(self, page: Page, cell: int) -> None:
        self.page = page
        self.cell = cell
        self.root = cell_outputs(page, cell).locator(LAB)
        self.graph = self.root.locator(GRAPH)
        self.status = self.root.locator(".dl-toolbar .dl-status")
        self.slider_note = self.root.locator(".dl-toolbar .dl-replay-note")
        self.slider = self.root.locator(".dl-toolbar input.dl-replay")
        self.stop_button = self.root.locator(".dl-toolbar button.dl-stop")
        self.timeline = self.root.locator(".dl-timeline")

    def node(self, name: str, status: str | None = None) -> Locator:
        """The drawn node `name` (optionally only when in `status`)."""
        state = f'[data-status="{status}"]' if status else ""
        return self.graph.locator(f"g.node[data-node={css_string(name)}]{state}")

    def row(self, kind: str, text: str | None = None) -> Locator:
        """The timeline rows of events of `kind` (containing `text`, whitespace-normalized)."""
        rows = self.timeline.locator(f'.dl-row[data-kind="{kind}"]')
        return rows if text is None else rows.filter(has_text=text)

    def tab(self, title: str) -> Locator:
        return self.root.locator(f'button.dl-tab[data-tab="{TABS[title]}"]')

    def settled(self) -> None:
        """After a run ended: wait until the still output has the browser's picture of the end (see
        `wait_for_view_settled`): the output as a saved notebook keeps it (the live view is never made again)."""
        wait_for_view_settled(self.page, self.cell)

    def open(self, title: str) -> Locator:
        """Click tab `title`; its panel, once shown."""
        self.tab(title).click()
        return self.showing(title)

    def showing(self, title: str) -> Locator:
        """The panel of tab `title`, asserting that it is the one shown."""
        expect(self.tab(title)).to_have_attribute("aria-selected", "true")
        panel = self.root.locator(f'.dl-panel[data-tab="{TABS[title]}"]')
        expect(panel).to_be_visible()
        return panel

    def unfold(self, panel: Locator, title: str) -> Locator:
        """Open the folded section `title` of `panel`; its full text, once the kernel sent it."""
        fold = panel.locator("details.dl-fold", has_text=title)
        fold.locator("summary").click()
        text = fold.locator("pre")
        expect(text).not_to_have_text("loading…")
        return text


def header(panel: Locator) -> Locator:
    """The first line of a panel: e.g. the inspected node, its kind, visit, status, attempts."""
    return panel.locator(".dl-facts").first


def seek(lab: Lab, step: int) -> None:
    """Drag the replay slider to `step`: `fill` sets a range input and fires what a drag does (input events,
    a change at the end) on the slider on the page when it acts (one found earlier is stale in a view made again)."""
    lab.slider.fill(str(step))


def cell_index(notebook: Path, matches: Callable[[str], bool]) -> int:
    """Index of the first code cell of `notebook` whose source `matches` (so the test follows the notebook's edits)."""
    cells = nbformat.read(notebook, as_version=4).cells
    return next(i for i, cell in enumerate(cells) if cell.cell_type == "code" and matches(cell.source))


def save_picture(lab: Lab, name: str, artifacts: Path, docs: bool = True) -> None:
    """Screenshot the whole LabView into the artifacts (and into docs/ with DSPYER_UPDATE_DOCS=1).

    The viewport grows to the view's height first: JupyterLab scrolls the notebook inside the
    page, so a view taller than the window would be cut.
    """
    path = artifacts / name
    picture(lab.root, path)
    if docs and os.environ.get("DSPYER_UPDATE_DOCS") == "1":
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
    lab = Lab(page, magic)

    # Live, while the cell blocks: the answer is rejected and corrected (1.5 s an answer in the notebook).
    expect(lab.node("answer", "retrying")).to_have_count(1, timeout=60_000)
    lab.open("Validation")  # the tabs switch in the page: no need to reach the busy kernel
    save_picture(lab, "lab-running.png", e2e_artifacts)
    wait_for_run(page)
    lab.settled()

    # The graph: both nodes end done; the answer was rejected once and corrected (watched live).
    expect(lab.root).to_have_count(1)
    expect(lab.graph).to_have_attribute("data-run-state", "finished")
    expect(lab.node("retrieve", "done")).to_have_count(1)
    expect(lab.node("answer", "done")).to_have_count(1)
    history = recorder.history()
    assert history["answer"][-2:] == ["retrying", "done"], history
    expect(lab.status).to_have_text(re.compile(r"^finished · 2 steps"))

    # The tab picked during the run is still shown after its end (the view is never made again) ...
    expect(lab.tab("Validation")).to_have_attribute("aria-selected", "true")
    # ... and the Node tab followed the run: the last node, `answer`, with the patch it wrote (the corrected citation).
    node_panel = lab.open("Node")
    expect(header(node_panel)).to_have_text(re.compile(r"^answer \(llm\) · .* · done · .* · 2 attempt\(s\)$"))
    expect(node_panel).to_contain_text("Patch (fields this node wrote)")
    expect(node_panel).to_contain_text('[{"doc_id": "kb-2", "quote": "within 30 days of delivery"}]')

    # Validation tab: the citation rule's message, what the model said, what went back to it.
    expect(lab.tab("Validation")).to_have_text("Validation (1)")
    validation = lab.open("Validation")
    expect(validation).to_contain_text("answer · attempt 1 of 3 · retried with feedback")
    expect(validation).to_contain_text("'kb-3' was not retrieved; cite one of ['kb-2']")
    raw_output = validation.locator(".dl-title", has_text="Raw model output").locator("xpath=following-sibling::pre[1]")
    feedback = validation.locator(".dl-title", has_text="Feedback sent back").locator("xpath=following-sibling::pre[1]")
    expect(raw_output).to_contain_text("kb-3")
    expect(feedback).to_have_text(re.compile(r"^Your previous answer was rejected \(fields: citations\)"))

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
    lab.row("node_end", "retrieve").click()
    node_panel = lab.showing("Node")
    expect(header(node_panel)).to_have_text(re.compile(r"^retrieve \(python\) · "))
    expect(lab.node("retrieve")).to_have_attribute("data-selected", "true")
    lab.row("validation_error").first.click()
    expect(lab.showing("Validation")).to_contain_text("'kb-3' was not retrieved")
    expect(lab.node("answer")).to_have_attribute("data-selected", "true")


# -- 2. markup from the model, the state and node names stays text -------------------------------

IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=2</script>"
LINK = "[x](javascript:window.__xss=3)"
ANCHOR = '<a href="javascript:window.__xss=4">it\'s "quoted"</a>'
NODE = f'{IMG} it\'s "prep"'
QUESTION = 'What is <b>bold</b> & "quoted"? $\\href{https://e.vil/x}{Re-login}$'  # markup and TeX
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
MARKUP_SHOW = "view = LabView(program, stream_tokens=False)\nview"  # one event per call: slider positions below
MARKUP_RUN = dedent(
    f"""
    with dspy.context(lm=lm):
        result = await view.run(question={QUESTION!r})
    print(repr(result))
    """
)


def test_markup_from_model_state_and_node_names_is_shown_as_text(
    lab_page: Page, lab_server: LabServer, e2e_artifacts: Path
) -> None:
    page = lab_page
    notebook = write_notebook(lab_server, "lab_markup.ipynb", [MARKUP_SETUP, MARKUP_SHOW, MARKUP_RUN])
    open_and_run_all(page, lab_server, notebook)
    lab = Lab(page, 1)
    expect(lab.graph).to_have_attribute("data-run-state", "finished")
    lab.settled()
    expect(cell_outputs(page, 2)).to_contain_text(f"Answer(answer={ANSWER!r})")
    assert page.evaluate("() => window.__xss") is None

    # Timeline: the node name (clipped to its column, whole in the row's tooltip) and the values, as text.
    notes_row = lab.row("node_end", 'wrote {"notes"')
    expect(notes_row.locator(".dl-node")).to_have_text(NODE)
    expect(notes_row).to_contain_text(SCRIPT)
    expect(notes_row).to_have_attribute("title", re.compile(re.escape(SCRIPT)))
    expect(lab.row("node_end", "answer")).to_contain_text(f"{SCRIPT} <a href=")

    # Node tab: the markup-named node (clicked in the drawing), its input and its patch.
    lab.node(NODE).click()
    node_panel = lab.showing("Node")
    expect(header(node_panel)).to_contain_text(f"{NODE} (python)")
    expect(node_panel).to_contain_text(QUESTION)
    expect(node_panel).to_contain_text(NOTES)
    full = lab.unfold(node_panel, "Full values")
    expect(full).to_contain_text(SCRIPT)
    expect(full).to_contain_text(LINK)
    lab.node("answer").click()
    expect(header(node_panel)).to_contain_text("answer (llm)")
    expect(node_panel).to_contain_text(ANSWER)
    expect(full).to_contain_text("javascript:window.__xss=4")

    # Validation tab: each rejected attempt's messages and raw output, as text.
    validation = lab.open("Validation")
    picker = validation.locator("select.dl-picker")
    expect(picker.locator("option")).to_have_count(2)
    picker.select_option(index=1)
    expect(validation).to_contain_text(f"no [1] citation in '{REJECTED}'")
    expect(validation.locator("pre.dl-pre").filter(has_text=REJECTED).first).to_be_visible()
    picker.select_option(index=0)
    expect(validation).to_contain_text("could not be parsed")
    expect(validation.locator("pre.dl-pre", has_text=UNPARSEABLE)).to_have_count(1)

    # Result tab, and its folded full output.
    result = lab.open("Result")
    expect(result).to_contain_text(ANSWER)
    expect(lab.unfold(result, "Full output")).to_contain_text(SCRIPT)
    expect(lab.open("Error")).to_contain_text("No error.")
    calls = lab.open("Calls")  # what the model was sent (the question) and said (the answer), as text
    user = calls.locator('details.dl-msg[data-role="user"]')
    user.locator("summary").click()  # over 800 characters (the rejected answer, the feedback): folded
    expect(user).to_contain_text(QUESTION)
    expect(calls).to_contain_text(ANSWER)

    # Time travel: two steps back the note next to the slider summarizes answer's patch.
    # (13 events: answer's three attempts each have a model call, an `lm_call` event, before their verdict.)
    expect(lab.slider).to_have_attribute("max", "13")
    seek(lab, 11)
    expect(lab.slider_note).to_contain_text(f'node_end wrote {{"answer": "{SCRIPT}')
    expect(lab.status).to_contain_text("event 11/13")
    seek(lab, 6)  # answer's first model call, before its answer was judged
    expect(lab.slider_note).to_contain_text("lm_call")
    expect(lab.node("answer", "running")).to_have_count(1)
    seek(lab, 2)  # before `answer` ran: the graph goes back too
    expect(lab.node("answer", "idle")).to_have_count(1)
    seek(lab, 13)
    expect(lab.node("answer", "done")).to_have_count(1)

    # After all that clicking: nothing of it became markup, and nothing ran.
    expect(lab.root.locator("img, script, iframe, object, embed, a[href], [onerror]")).to_have_count(0)
    expect(lab.root.locator("mjx-container, .MathJax")).to_have_count(0)  # no TeX typesetting of data either
    expect(lab.root.locator("b").filter(has_text=re.compile(r"^bold$"))).to_have_count(0)  # the question's <b>
    expect(page.locator("[onerror], a[href^='javascript:']")).to_have_count(0)
    assert page.evaluate("() => window.__xss") is None
    save_picture(lab, "lab-markup.png", e2e_artifacts, docs=False)


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
    # A slow model (4 s an answer) that never cites: `answer` retries from 4 s to 12 s, then would fail.
    slow_lm = ScriptedLM({"answer": {"answer": "30 days."}}, latency=4.0)
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
SLOW_AFTER = 'print(f"task done={task.done()}, cancelled={task.cancelled()}; {view.status}")'


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

    expect(lab.stop_button).to_be_enabled()
    lab.stop_button.click()
    expect(lab.graph).to_have_attribute("data-run-state", "cancelled")
    lab.settled()
    expect(lab.graph.locator('g.node[data-status="running"], g.node[data-status="retrying"]')).to_have_count(0)
    expect(lab.node("retrieve", "done")).to_have_count(1)
    expect(lab.node("answer", "cancelled")).to_have_count(1)  # stopped mid-node: its own look, not idle
    expect(lab.status).to_have_text(re.compile(r"^cancelled"))
    expect(lab.stop_button).to_be_disabled()
    expect(lab.open("Result")).to_contain_text("The run was cancelled before it finished.")

    # The kernel is free: a later cell runs, and sees the run's task cancelled.
    run_cell(page, 2)
    wait_for_run(page)
    expect(cell_outputs(page, 2)).to_contain_text("task done=True, cancelled=True; cancelled")


# -- 4. a run that blocks its cell; the six statuses in the light and the dark theme -------------

BLOCKING_RUN = dedent(
    """
    import asyncio
    from dspyer_lab.lab.runner import run_blocking
    view = LabView(program, display_limit=60)
    display(view)
    try:
        with dspy.context(lm=ScriptedLM({"answer": {"answer": "30 days."}}, latency=1.5)):
            run_blocking(view.run(question="How long?", _max_retries=1))
    except Exception as exc:
        print("failed:", type(exc).__name__)
    """
)
THEMES = "/lab/api/settings/@jupyterlab/apputils-extension:themes"


def set_theme(server: LabServer, theme: str) -> None:
    server.api("PUT", THEMES, {"raw": json.dumps({"theme": theme})})


@pytest.mark.parametrize("theme", ["JupyterLab Light", "JupyterLab Dark"])
def test_a_blocking_run_disables_stop_and_statuses_read_in_both_themes(
    lab_page: Page, lab_server: LabServer, e2e_artifacts: Path, theme: str
) -> None:
    page = lab_page
    set_theme(lab_server, theme)
    try:
        notebook = write_notebook(lab_server, "lab_blocking.ipynb", [SLOW_SETUP, BLOCKING_RUN])
        open_notebook(page, lab_server, notebook)
        run_all(page)
        lab = Lab(page, 1)
        # While the cell waits for the run, a click could not reach the kernel: Stop says so.
        expect(lab.graph).to_have_attribute("data-run-state", "running", timeout=60_000)
        expect(lab.stop_button).to_be_disabled()
        expect(lab.stop_button).to_have_attribute("title", re.compile("kernel's interrupt"))
        expect(lab.root.locator(".dl-stop-hint")).to_contain_text("kernel's interrupt")
        wait_for_run(page)
        lab.settled()
        expect(cell_outputs(page, 1)).to_contain_text("failed: NodeValidationError")
        expect(lab.node("answer", "failed")).to_have_count(1)
        expect(lab.showing("Error")).to_contain_text("NodeValidationError")
        node_panel = lab.open("Node")
        expect(header(node_panel)).to_contain_text("2 attempt(s)")  # failed after 2 answers, not 3
        # a value longer than display_limit is clipped, with its full text one click away
        passages = node_panel.locator("tr", has=page.locator("th", has_text="passages")).first.locator("td")
        expect(passages).not_to_contain_text("Returns are accepted within 30 days.")
        passages.locator("button.dl-more").click()
        expect(passages).to_contain_text("Returns are accepted within 30 days.")
        legend = lab.graph.locator(".dl-legend .dl-key")
        # six statuses, the path and its last edge, and the debugger's marks (paused, pin, inherited, diff)
        expect(legend).to_have_count(12)
        # the six statuses look different from each other (border colour or style) in this theme
        looks = legend.evaluate_all(
            "keys => keys.filter(k => k.dataset.status).map(k => { const s = getComputedStyle(k.firstElementChild);"
            " return `${s.borderTopColor} ${s.borderTopStyle} ${s.backgroundColor}`; })"
        )
        assert len(set(looks)) == 6, looks
        # every node label fits its box, whatever font the page draws with
        overflow = lab.graph.locator("g.node[data-node]").evaluate_all(
            "nodes => nodes.filter(n => { const box = n.querySelector('path, polygon, ellipse').getBBox();"
            " return [...n.querySelectorAll(':scope > text')].some(t => t.getBBox().width > box.width); })"
            ".map(n => n.dataset.node)"
        )
        assert overflow == [], overflow
        name = "lab-failed-dark.png" if "Dark" in theme else "lab-failed-light.png"
        save_picture(lab, name, e2e_artifacts, docs=False)
    finally:
        set_theme(lab_server, "JupyterLab Light")
