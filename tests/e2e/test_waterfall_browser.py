"""The LabView's waterfall in a real JupyterLab: a bar per node visit on the run's time axis, the model
calls (a rejected answer and its retry) inside the LLM node's bar, and a click on a bar selects that visit."""

from __future__ import annotations

import re
from pathlib import Path
from textwrap import dedent

import pytest
from playwright.sync_api import Page, expect

from .helpers import LabServer, open_notebook, run_all, wait_for_run, write_notebook
from .test_lab_browser import Lab, save_picture

pytestmark = pytest.mark.browser

PROGRAM = dedent(
    """
    import dspy
    from pydantic import BaseModel, field_validator
    from dspyer_lab import END, AgentTranspiler, Graph, LabView, ScriptedLM, StatefulNode

    class Question(BaseModel):
        question: str

    class Answer(BaseModel):
        answer: str

        @field_validator("answer")
        @classmethod
        def cites(cls, value: str) -> str:
            if "[kb-1]" not in value:
                raise ValueError("cite the passage as [kb-1]")
            return value

    graph = Graph().add_node(StatefulNode("answer", Question, Answer)).set_entry_point("answer")
    graph.add_node("polish", lambda state: {"answer": state["answer"].strip()})
    graph.add_edge("answer", "polish")
    graph.add_edge("polish", END)
    program = AgentTranspiler.compile(graph, output_model=Answer)
    # the first answer forgets the citation: a rejected call, then its retry, inside one visit
    lm = ScriptedLM({"answer": [{"answer": "Owls hunt at night."}, {"answer": "Owls hunt at night [kb-1]"}]},
                    latency=0.5)
    """
)
RUN = dedent(
    """
    view = LabView(program)
    display(view)
    with dspy.context(lm=lm):
        result = await view.run(question="Why do owls hunt at night?")
    print(result.answer)
    """
)


def test_the_waterfall_shows_a_bar_per_visit_and_a_click_selects_it(
    lab_page: Page, lab_server: LabServer, e2e_artifacts: Path
) -> None:
    page = lab_page
    notebook = write_notebook(lab_server, "waterfall.ipynb", [PROGRAM, RUN])
    open_notebook(page, lab_server, notebook)
    run_all(page)
    wait_for_run(page)
    lab = Lab(page, 1)
    expect(lab.graph).to_have_attribute("data-run-state", "finished")
    lab.settled()

    panel = lab.open("Waterfall")
    waterfall = panel.locator(".dl-waterfall")
    expect(waterfall.locator(".dl-lane")).to_have_count(1)  # a sequential run: one lane
    bars = waterfall.locator(".dl-bar")
    expect(bars).to_have_count(2)
    answer = waterfall.locator('.dl-bar[data-node="answer"][data-status="done"]')
    polish = waterfall.locator('.dl-bar[data-node="polish"][data-status="done"]')
    expect(answer).to_have_attribute("data-visit", "0")
    expect(polish).to_have_attribute("data-visit", "1")
    calls = answer.locator(".dl-call")
    expect(calls).to_have_count(2)  # the rejected answer and its retry, inside the visit's bar
    expect(calls.nth(0)).to_have_attribute("data-outcome", "rejected")
    expect(calls.nth(1)).to_have_attribute("data-outcome", "answer")
    # on hover: the visit's duration, calls and rejected answers; each call's tokens and duration
    expect(answer).to_have_attribute("title", re.compile(r"^answer · visit 1 · done · [\d.]+ s · 2 model calls · .*1 rejected answer$"))
    expect(calls.nth(1)).to_have_attribute("title", re.compile(r"^attempt 2 · scripted/offline · .*tokens · 0\.5\d\d s$"))
    answer_box, polish_box = answer.bounding_box(), polish.bounding_box()
    track = waterfall.locator(".dl-lane-track").bounding_box()
    assert answer_box and polish_box and track
    # in time order on the lane: answer took almost all the run, polish a sliver at its end, drawn inside the lane
    assert answer_box["x"] == track["x"] and answer_box["width"] > 0.9 * track["width"]
    assert answer_box["x"] + answer_box["width"] - 3 <= polish_box["x"] <= track["x"] + track["width"] - polish_box["width"]
    expect(polish).to_have_attribute("data-selected", "true")  # following the run: the newest visit
    save_picture(lab, "lab-waterfall.png", e2e_artifacts)

    answer.click()
    expect(answer).to_have_attribute("data-selected", "true")
    expect(polish).not_to_have_attribute("data-selected", "true")
    expect(lab.node("answer")).to_have_attribute("data-selected", "true")  # the graph highlights the visit's node
    lab.open("Node")
    expect(lab.root.locator('.dl-panel[data-tab="node"] .dl-facts').first).to_contain_text("answer")
