"""One LabView scenario for every frontend (Notebook 7, marimo, ...): the program, and the checks on the page.

The checks read only the widget's documented markup (the contract at the top of js/src/widget.js),
inside the `.dspyer-lab` root a frontend shows, so they hold wherever anywidget renders.
"""

from __future__ import annotations

import re
from textwrap import dedent

from playwright.sync_api import Locator, Page, expect

from .helpers import css_string

__all__ = ["HOSTILE_ANSWER", "HOSTILE_NODE", "PROGRAM", "LabOnPage"]

HOSTILE_NODE = '<img src=x onerror="window.__xss=1">'
"""A node name that would run script if it ever reached an HTML parser."""
HOSTILE_ANSWER = "<script>window.__xss=2</script> $\\href{https://e.vil/x}{Re-login}$"
"""The model's first (rejected) answer: markup and MathJax that must stay literal text."""

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


class LabOnPage:
    """The one LabView on `page`, read and clicked as a user would."""

    def __init__(self, page: Page) -> None:
        self.page = page
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
        """Drag the replay slider to `step` (the input events a drag fires)."""
        self.slider.evaluate(
            "(el, step) => { el.value = String(step); el.dispatchEvent(new Event('input', {bubbles: true})); }", step
        )

    def check_finished_run(self) -> None:
        """The run ended with every node done, and the markup stayed text."""
        expect(self.root).to_have_count(1)
        expect(self.graph).to_have_attribute("data-run-state", "finished")
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
