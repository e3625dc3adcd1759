"""One LabView scenario for every frontend (Notebook 7, marimo, ...): the program, and the checks on the page.

The checks read only the widget's documented markup (the contract at the top of js/src/widget.js),
inside the `.dspyer-lab` root a frontend shows, so they hold wherever anywidget renders. Each frontend
says only how it starts a run (a cell, a button); the debugger's clicks (a breakpoint pin, Step, Continue,
Run from here) and the Calls tab are checked the same way everywhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

from playwright.sync_api import Locator, Page, expect

from .helpers import css_string, picture

__all__ = [
    "EDITED_QUESTION", "FORKED_QUESTION", "HOSTILE_ANSWER", "HOSTILE_NODE", "PROGRAM", "LabOnPage", "expect_run_over",
]

HOSTILE_NODE = '<img src=x onerror="window.__xss=1">'
"""A node name that would run script if it ever reached an HTML parser."""
HOSTILE_ANSWER = "<script>window.__xss=2</script> $\\href{https://e.vil/x}{Re-login}$"
"""The model's first (rejected) answer: markup and MathJax that must stay literal text."""
EDITED_QUESTION = "Capital of <b>Italy</b>?"
"""What the user types at the pause (markup too: it must reach the node, and the page, as text)."""
FORKED_QUESTION = "Capital of <i>Spain</i>?"
"""What the user types before running a fork from the pause's step."""

PROGRAM = dedent(
    f"""
    import dspy
    from pydantic import BaseModel, field_validator
    from dspyer_lab import END, AgentTranspiler, Graph, LabView, ScriptedLM, StatefulNode

    HOSTILE_NODE = {HOSTILE_NODE!r}

    class Question(BaseModel):
        question: str

    class Answer(BaseModel):
        answer: str

        @field_validator("answer")
        @classmethod
        def cites_a_source(cls, value: str) -> str:
            if "[1]" not in value:
                raise ValueError("cite a source like [1]")
            return value

    graph = Graph()
    graph.add_node(HOSTILE_NODE, lambda state: {{"question": state["question"].strip()}})
    graph.add_node(StatefulNode("answer", Question, Answer))
    graph.set_entry_point(HOSTILE_NODE)
    graph.add_edge(HOSTILE_NODE, "answer")
    graph.add_edge("answer", END)
    program = AgentTranspiler.compile(graph)

    def scripted():  # the first answer is rejected (no citation), the retry passes; 0.4 s each, to watch
        return ScriptedLM({{"answer": [{{"answer": {HOSTILE_ANSWER!r}}}, {{"answer": "Paris [1]"}}]}}, latency=0.4)

    view = LabView(program)
    """
)


def expect_run_over(root: Locator, timeout: float = 5_000) -> None:
    """The run shown (a run, a continued pause, a fork) finished and its task is over, before clicking on.

    The `finished` event shows first; the view's last render, once the run's task is done, disables the
    Stop button (enabled while a run started by a click goes on, or waits at a pause): until then the
    view may still change under a click.
    """
    expect(root).to_have_attribute("data-run-state", "finished", timeout=timeout)
    expect(root.locator(".dl-toolbar button.dl-stop")).to_be_disabled(timeout=timeout)


class LabOnPage:
    """The one LabView on `page`, read and clicked as a user would.

    `settled` waits, after a run ended, until the still output has the run's end picture
    (`helpers.wait_for_view_settled`); marimo shows no still output.
    """

    def __init__(self, page: Page, settled: Callable[[], None] = lambda: None) -> None:
        self.page = page
        self.settled = settled
        self.root = page.locator(".dspyer-lab")
        self.graph = self.root.locator(".dspyer-graphview")
        self.slider = self.root.locator(".dl-toolbar input.dl-replay")
        self.slider_note = self.root.locator(".dl-toolbar .dl-replay-note")

    def node(self, name: str, status: str | None = None) -> Locator:
        state = f'[data-status="{status}"]' if status else ""
        return self.graph.locator(f"g.node[data-node={css_string(name)}]{state}")

    def open_tab(self, tab: str) -> Locator:
        self.root.locator(f'button.dl-tab[data-tab="{tab}"]').click()
        expect(self.root.locator(f'button.dl-tab[data-tab="{tab}"]')).to_have_attribute("aria-selected", "true")
        return self.root.locator(f'.dl-panel[data-tab="{tab}"]')

    def seek(self, step: int) -> None:
        """Drag the replay slider to `step`: `fill` sets a range input and fires what a drag does (input events,
        a change at the end) on the slider on the page when it acts (one found earlier is stale in a view made again)."""
        self.slider.fill(str(step))

    def check_finished_run(self) -> None:
        """The run ended with every node done, and the markup stayed text."""
        expect(self.root).to_have_count(1)
        expect(self.graph).to_have_attribute("data-run-state", "finished")
        self.settled()
        expect(self.node("answer", "done")).to_have_count(1)
        expect(self.node(HOSTILE_NODE, "done")).to_have_count(1)
        self.check_nothing_ran()

    @staticmethod
    def check_watched_live(history: dict[str, list[str]]) -> None:
        """A run watched with the view on screen: `answer` went running -> retrying -> done, in that order."""
        seen = [s for s in history.get("answer", []) if s in ("running", "retrying", "done")]
        assert seen[-3:] == ["running", "retrying", "done"], history

    def check_nothing_ran(self) -> None:
        """The hostile texts are on the page as text, and none of them ran or became markup."""
        expect(self.node(HOSTILE_NODE)).to_contain_text(HOSTILE_NODE)
        assert self.page.evaluate("() => window.__xss") is None
        assert self.page.locator('img[src="x"]').count() == 0
        assert self.page.locator('a[href="https://e.vil/x"]').count() == 0

    def check_click_validation_and_replay(self) -> None:
        """A click opens the node; the Validation tab shows the rejected answer literally; the slider time-travels."""
        self.node("answer").click()
        expect(self.node("answer")).to_have_attribute("data-selected", "true")
        node_panel = self.root.locator('.dl-panel[data-tab="node"]')
        expect(node_panel.locator(".dl-facts").first).to_have_text(re.compile(r"^answer \(llm\)"))

        validation = self.open_tab("validation")
        expect(validation).to_contain_text("cite a source like [1]")
        expect(validation).to_contain_text(HOSTILE_ANSWER)
        self.check_nothing_ran()

        last = int(self.slider.get_attribute("max") or "0")
        assert last >= 6, last
        self.seek(2)  # run_start, the first node_start: the first node is running, `answer` not begun
        expect(self.slider_note).to_contain_text("2/")
        expect(self.node(HOSTILE_NODE, "running")).to_have_count(1)
        expect(self.node("answer", "idle")).to_have_count(1)
        self.seek(last)
        expect(self.node("answer", "done")).to_have_count(1)

    def check_debugged_run(self, start_run: Callable[[], None], artifacts: Path, frontend: str) -> None:
        """A breakpoint clicked on the drawing (before the first node) pauses the next run (`start_run` starts
        it as the frontend does); Step runs that node alone and pauses before `answer`; the question edited
        there and Continue clicked: the run goes on in the kernel, `answer` is given the edited question, and
        the Calls tab shows what the model was sent and said, the toolbar the totals.

        Screenshots: ``<frontend>-paused.png`` and ``<frontend>-calls.png`` in `artifacts`.
        """
        pin = self.node(HOSTILE_NODE).locator('g.dl-bp[data-when="before"]')
        expect(pin).not_to_have_attribute("data-on", "true")
        pin.click()
        expect(pin).to_have_attribute("data-on", "true")  # the kernel set view.breakpoints; the drawing shows it

        start_run()
        expect(self.root).to_have_attribute("data-run-state", "paused", timeout=60_000)
        expect(self.node(HOSTILE_NODE)).to_have_attribute("data-paused", "before")
        expect(self.node(HOSTILE_NODE, "idle")).to_have_count(1)
        debug = self.root.locator(".dl-debug")
        debug.locator("button.dl-step").click()  # one node runs, then the Step's own pause (no breakpoint there)
        expect(debug.locator(".dl-paused-at")).to_have_text("‖ paused before 'answer'")
        expect(self.root).to_have_attribute("data-run-state", "paused")
        expect(self.node("answer")).to_have_attribute("data-paused", "before")
        expect(self.node("answer", "idle")).to_have_count(1)  # no model call made for it yet
        expect(self.node(HOSTILE_NODE, "done")).to_have_count(1)
        self.check_nothing_ran()
        question = debug.locator('.dl-field[data-field="question"]')
        expect(question).to_contain_text("read by answer")
        editor = question.locator("textarea.dl-field-value")
        expect(editor).to_have_value('"Capital of France?"')
        editor.fill(json.dumps(EDITED_QUESTION))
        expect(question).to_have_attribute("data-edited", "true")
        self.picture(artifacts / f"{frontend}-paused.png")

        continue_button = debug.locator("button.dl-continue")
        expect(continue_button).to_be_enabled()
        continue_button.click()  # the kernel resumes the run from the click: no cell runs
        expect_run_over(self.root, timeout=60_000)
        self.settled()
        expect(self.node("answer", "done")).to_have_count(1)
        expect(self.root.locator(".dl-debug .dl-paused-at")).to_have_count(0)
        self.check_nothing_ran()

        self.node("answer").click()  # the edited question is what `answer` was given
        expect(self.node("answer")).to_have_attribute("data-selected", "true")  # the kernel's answer, with its tab
        node_panel = self.root.locator('.dl-panel[data-tab="node"]')
        expect(node_panel.locator(".dl-facts").first).to_have_text(re.compile(r"^answer \(llm\)"))
        expect(node_panel.locator("table.dl-table").first).to_contain_text(EDITED_QUESTION)

        expect(self.root.locator('button.dl-tab[data-tab="calls"]')).to_have_text("Calls (2)")
        calls = self.open_tab("calls")
        expect(calls.locator(".dl-scope")).to_contain_text("node 'answer' (visit 1): 2 model calls")
        expect(calls.locator('details.dl-msg[data-role="system"]')).to_have_count(1)
        user = calls.locator('details.dl-msg[data-role="user"]')
        expect(user).to_contain_text(EDITED_QUESTION)  # sent to the model as text
        expect(user).to_contain_text("cite a source like [1]")  # the retry is told why the first answer failed
        completion = calls.locator("pre.dl-pre", has_text="[[ ## answer ## ]]").last
        expect(completion).to_contain_text("Paris [1]")
        expect(user.locator("pre.dl-pre")).to_have_css("word-break", "normal")  # long lines wrap between words
        calls.locator("select.dl-picker").select_option(index=0)  # the first attempt: the hostile answer, as text
        expect(calls.locator("pre.dl-pre", has_text="[[ ## answer ## ]]").last).to_contain_text(HOSTILE_ANSWER)
        self.check_nothing_ran()
        expect(self.node("answer")).to_have_attribute("data-calls", "2")
        expect(self.root.locator(".dl-toolbar .dl-run-calls")).to_have_text(
            re.compile(r"^2 model calls · \d+ tokens \(\d+ in, \d+ out\) · model \d+\.\d+ s, other \d+\.\d+ s$"))
        self.picture(artifacts / f"{frontend}-calls.png")

    def check_run_from_here(self, artifacts: Path, frontend: str) -> None:
        """After `check_debugged_run`: the slider back to the pause before `answer`, "Run from here…", another
        question, "Run fork": a new run from there, shown with the runs selector (one more run, labelled a fork)
        and the diff badges against its parent; the first node, not run again, is marked inherited.

        Screenshot: ``<frontend>-fork.png`` in `artifacts`.
        """
        debug = self.root.locator(".dl-debug")
        runs = debug.locator("select.dl-runs option")
        kept = runs.count()  # every run of the view so far (how many depends on how the frontend started them)
        assert kept >= 2, kept
        pauses = self.root.locator('.dl-timeline .dl-row[data-kind="paused"]')  # newest first
        expect(pauses).to_have_count(2)  # the breakpoint's, then the Step's
        self.seek(int(pauses.first.get_attribute("data-index") or "") + 1)
        expect(self.node("answer", "idle")).to_have_count(1)
        expect(debug.locator(".dl-fork-note")).to_contain_text("after step 1: node 'answer' runs")
        debug.locator("button.dl-fork-open").click()
        expect(debug).to_have_attribute("data-mode", "fork")
        question = debug.locator('.dl-field[data-field="question"] textarea.dl-field-value')
        expect(question).to_have_value('"Capital of France?"')
        question.fill(json.dumps(FORKED_QUESTION))
        debug.locator("button.dl-fork-run").click()

        expect(runs).to_have_count(kept + 1)
        expect_run_over(self.root, timeout=60_000)
        self.settled()  # the fork's end (its inherited first node drawn idle) is a new picture
        expect(runs.nth(kept)).to_have_text(
            re.compile(rf"^run {kept + 1} · fork of run {kept} after step 1 · finished$"))
        expect(debug.locator("select.dl-runs")).to_have_value(str(kept))  # the fork is shown
        expect(self.node("answer", "done")).to_have_count(1)
        expect(self.node("answer")).to_have_attribute("data-diff", "same")  # the same answer as in the parent
        expect(self.node("answer").locator("g.dl-diff")).to_have_count(1)
        expect(self.node(HOSTILE_NODE)).to_have_attribute("data-inherited", "true")
        expect(debug.locator(".dl-diff-note")).to_have_text(f"fork of run {kept}: same outputs")
        self.node("answer").click()
        node_panel = self.root.locator('.dl-panel[data-tab="node"]')
        expect(node_panel.locator("table.dl-table").first).to_contain_text(FORKED_QUESTION)
        expect(node_panel).to_contain_text(f"Compared with run {kept} (the parent)")
        self.check_nothing_ran()
        self.picture(artifacts / f"{frontend}-fork.png")

    def picture(self, path: Path) -> None:
        """Screenshot the whole view (the window first grows to its height: frontends scroll inside the page)."""
        picture(self.root, path)
