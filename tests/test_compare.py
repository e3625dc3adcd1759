"""Compare (issue 22, part 3): two runs side by side per node, two batches example by example.

The runs are of the quickstart's graph (retrieve -> answer, the answer's citations checked against
what was retrieved) with different `ScriptedLM` answers; batches are stored by running the program
over a small dataset with `record_to(store)` and `RunStore.save_batch`, so their outcomes can be counted
by hand from the store's own records.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import dspy
import pytest
from pydantic import BaseModel, Field, ValidationInfo, field_validator

import dspyer_lab
from dspyer_lab import END, AgentTranspiler, Graph, ScriptedLM, StatefulNode
from dspyer_lab.core.exceptions import BatchMismatchError
from dspyer_lab.lab.model.compare import (
    BatchSide,
    ExampleResult,
    bootstrap_ci,
    compare_batches,
    compare_runs,
    text_diff,
)
from dspyer_lab.lab.model.presenter_compare import ComparePresenter
from dspyer_lab.lab.model.store import RunStore
from dspyer_lab.lab.textview import MASK
from dspyer_lab.lab.widgets.compare import CompareView

# -- the quickstart's program ------------------------------------------------------------------------

CORPUS = {
    "kb-1": "Orders ship within 2 business days from our warehouse in Lyon.",
    "kb-2": "You can return any product within 30 days of delivery for a full refund.",
    "kb-3": "Refunds are paid to the original payment method within 5 business days.",
}


class Passage(BaseModel):
    doc_id: str
    text: str


def retrieve(state: dict[str, Any]) -> dict[str, Any]:
    words = set(re.findall(r"[a-z0-9]+", state["question"].lower())) - {"a", "the", "to", "do", "i", "how", "my"}
    hits = [d for d, text in CORPUS.items() if words & set(re.findall(r"[a-z0-9]+", text.lower()))]
    return {"passages": [Passage(doc_id=d, text=CORPUS[d]) for d in hits[:2]]}


class Grounded(BaseModel):
    question: str
    passages: list[Passage]


class Citation(BaseModel):
    doc_id: str
    quote: str


class CitedAnswer(BaseModel):
    """Answer from the passages only, citing the passage that supports the answer."""

    answer: str
    citations: list[Citation] = Field(min_length=1)

    @field_validator("citations")
    @classmethod
    def cite_only_what_was_retrieved(cls, citations: list[Citation], info: ValidationInfo) -> list[Citation]:
        given = {p.doc_id for p in info.context["inputs"]["passages"]}
        for citation in citations:
            if citation.doc_id not in given:
                raise ValueError(f"{citation.doc_id!r} was not retrieved; cite one of {sorted(given)}")
        return citations


def quickstart_program() -> Any:
    graph = Graph()
    graph.add_node("retrieve", retrieve)
    graph.add_node(StatefulNode("answer", Grounded, CitedAnswer, max_retries=1))
    graph.add_edge("retrieve", "answer")
    graph.set_entry_point("retrieve")
    return AgentTranspiler.compile(graph, output_model=CitedAnswer)


QUESTION = "How long do I have to return a product?"
GOOD = {"answer": "You have 30 days after delivery.", "citations": [{"doc_id": "kb-2", "quote": "within 30 days"}]}
OTHER = {"answer": "You have 14 days after delivery.", "citations": [{"doc_id": "kb-2", "quote": "within 30 days"}]}
WRONG = {"answer": "Refunds take 5 days.", "citations": [{"doc_id": "kb-9", "quote": "5 business days"}]}


def run_events(program: Any, script: dict[str, Any], **inputs: Any) -> list[dict[str, Any]]:
    """A run's events (`astream` collected), failing or not."""
    async def collect() -> list[dict[str, Any]]:
        return [event async for event in program.astream(**inputs)]

    import asyncio

    with dspy.context(lm=ScriptedLM(script)):
        return asyncio.run(collect())


# -- stored batches ----------------------------------------------------------------------------------

DATASET = [f"Can I return item {i} within 30 days?" for i in range(12)]
"""Questions about returns: `retrieve` finds kb-2 for each."""


def good_if(good: set[int]) -> Any:
    """A scripted answer: right (cites kb-2, says "ok") for inputs in `good`, "meh" for even others, else a
    citation never retrieved (the node fails after its one retry)."""
    def answer(inputs: dict[str, Any]) -> Any:
        i = int(re.search(r"item (\d+)", inputs["question"]).group(1))  # type: ignore[union-attr]
        if i in good:
            return {"answer": f"ok {i}", "citations": [{"doc_id": "kb-2", "quote": "30 days"}]}
        if i % 2 == 0:
            return {"answer": f"meh {i}", "citations": [{"doc_id": "kb-2", "quote": "30 days"}]}
        return WRONG

    return answer


def metric(output: Any) -> float:
    return float(str(output.get("answer", "")).startswith("ok")) if isinstance(output, dict) else 0.0


def store_batch(store: RunStore, program: Any, batch_id: str, good: set[int],
                questions: list[str] = DATASET) -> None:
    """Run `program` over `questions`, recording each run, and store them as batch `batch_id` with scores."""
    examples = []
    started = time.time()
    with dspy.context(lm=ScriptedLM({"answer": good_if(good)})), dspyer_lab.record_to(store):
        for i, question in enumerate(questions):
            try:
                program(question=question)
            except Exception:  # noqa: BLE001 - a failed example is part of the batch
                pass
            [run] = store.runs(limit=1)
            score = metric(run.output) if run.status == "finished" else None
            examples.append((i, run.run_id, score))
    store.save_batch(batch_id, program="CitedAnswer", started=started, status="finished",
                     scores={"mean": None}, examples=examples, ended=time.time())


def hand_count(store: RunStore, batch_a: str, batch_b: str) -> dict[str, int]:
    """fixed / broken / same / changed counted from the two batches' stored records."""
    a, b = ({i: (rid, s) for i, rid, s in batch.examples} for batch in
            (next(x for x in store.batches() if x.batch_id == name) for name in (batch_a, batch_b)))
    counts = {"fixed": 0, "broken": 0, "same": 0, "changed": 0}
    for i in a:
        ra, rb = store.run(a[i][0]), store.run(b[i][0])
        pa = ra.status == "finished" and a[i][1] == 1.0
        pb = rb.status == "finished" and b[i][1] == 1.0
        if pa != pb:
            counts["fixed" if pb else "broken"] += 1
        else:
            counts["same" if ra.output == rb.output else "changed"] += 1
    return counts


@pytest.fixture
def store(tmp_path: Path) -> Any:
    with RunStore(tmp_path / "runs.sqlite") as opened:
        yield opened


# -- two runs --------------------------------------------------------------------------------------


def test_two_quickstart_runs_show_the_changed_field_per_node() -> None:
    program = quickstart_program()
    a = run_events(program, {"answer": GOOD}, question=QUESTION)
    b = run_events(program, {"answer": OTHER}, question=QUESTION)
    c = compare_runs(a, b)
    assert c.a_path == c.b_path == ["retrieve", "answer"] and c.divergence is None
    assert c.nodes["retrieve"].diff == "same" and c.nodes["retrieve"].changes == []
    assert c.nodes["answer"].diff == "changed"
    assert "output.answer" in c.changed["answer"] and "completion" in c.changed["answer"]
    assert "output.citations" not in c.changed["answer"] and "input.passages" not in c.changed["answer"]
    change = next(x for x in c.nodes["answer"].changes if x.field == "output.answer")
    assert ("-", "30") in change.diff and ("+", "14") in change.diff
    assert c.a_output["answer"] != c.b_output["answer"] and c.a_tokens > 0


def test_a_retry_in_one_run_shows_its_validation_error_and_attempts() -> None:
    program = quickstart_program()
    a = run_events(program, {"answer": GOOD}, question=QUESTION)
    b = run_events(program, {"answer": [WRONG, GOOD]}, question=QUESTION)
    node = compare_runs(a, b).nodes["answer"]
    assert node.diff == "changed" and "errors" in node.changed_fields
    assert node.a[0].errors == [] and "kb-9" in node.b[0].errors[0]
    assert (node.a[0].attempts, node.b[0].attempts) == (1, 2) and len(node.b[0].calls) == 2


def router_program() -> Any:
    g = Graph()
    g.add_node("classify", lambda state: {"kind": "refund" if "refund" in state["question"] else "shipping"})
    g.add_node("refund", lambda state: {"answer": "refunds take 5 days"})
    g.add_node("shipping", lambda state: {"answer": "ships in 2 days"})
    g.add_conditional_edges("classify", lambda state: state["kind"], {"refund": "refund", "shipping": "shipping"})
    g.add_edge("refund", END)
    g.add_edge("shipping", END)
    g.set_entry_point("classify")
    return AgentTranspiler.compile(g)


def test_paths_that_part_on_a_router_say_where() -> None:
    program = router_program()
    a = run_events(program, {}, question="a refund please")
    b = run_events(program, {}, question="where is my parcel")
    c = compare_runs(a, b)
    assert c.a_path == ["classify", "refund"] and c.b_path == ["classify", "shipping"]
    d = c.divergence
    assert d is not None and (d.step, d.after, d.a, d.b) == (1, "classify", "refund", "shipping")
    assert c.only_a == ["refund"] and c.only_b == ["shipping"]
    assert c.nodes["classify"].changed_fields == ["input.question", "output.kind"]
    picture = ComparePresenter(a, b, program=program).render().picture["compare"]
    assert picture["nodes"] == {"classify": "changed", "refund": "only-a", "shipping": "only-b"}
    assert picture["diverge"] == "classify" and set(picture["edges"].values()) == {"a", "b"}


def test_a_secret_input_is_masked_in_what_is_compared() -> None:
    program = router_program()
    secret = "sk-live-0123456789abcdef"
    a = run_events(program, {}, question="refund", api_key=secret)
    b = run_events(program, {}, question="refund", api_key="sk-live-other-fedcba987654")
    presenter = ComparePresenter(a, b, program=program)
    presenter.select("classify")
    shown = json.dumps(presenter.render().compare, ensure_ascii=False)
    assert secret not in shown and MASK in shown


def test_text_diff_marks_insertions_and_deletions_by_word() -> None:
    assert text_diff("the cat sat", "the dog sat") == [("=", "the "), ("-", "cat"), ("+", "dog"), ("=", " sat")]
    assert text_diff("same", "same") == [("=", "same")]


# -- two batches ---------------------------------------------------------------------------------------


def test_two_stored_batches_count_fixed_broken_same_changed_as_by_hand(store: RunStore) -> None:
    program = quickstart_program()
    store_batch(store, program, "before", good={0, 1, 2, 3, 4, 5})
    store_batch(store, program, "after", good={3, 4, 5, 6, 7, 8, 9})
    presenter = ComparePresenter("before", "after", store=store)
    c = presenter.top
    expected = hand_count(store, "before", "after")
    assert c.counts == expected  # type: ignore[union-attr]
    assert expected["fixed"] == 4 and expected["broken"] == 3 and expected["same"] > 0
    panel = presenter.render().compare
    assert panel["mode"] == "batches" and panel["counts"] == expected
    assert panel["score"]["text"].startswith("+0.08 (95% CI ") and panel["score"]["text"].endswith("n=12)")
    assert {n["node"] for n in panel["nodes"]} == {"retrieve", "answer"}


def test_an_example_opens_both_runs_side_by_side_and_goes_back(store: RunStore) -> None:
    program = quickstart_program()
    store_batch(store, program, "before", good={0})
    store_batch(store, program, "after", good={1})
    presenter = ComparePresenter("before", "after", store=store)
    presenter.handle({"type": "table", "filter": "fixed"})
    rows = presenter.render().compare["examples"]["rows"]
    assert [r["index"] for r in rows] == [1] and rows[0]["openable"]
    presenter.handle({"type": "open", "index": 1})
    shown = presenter.render().compare
    assert shown["mode"] == "runs" and shown["back"] == {"index": 1} and shown["selected"] == "answer"
    assert "errors" in shown["detail"]["changed"] and "output.answer" in shown["detail"]["changed"]
    presenter.handle({"type": "back"})
    assert presenter.render().compare["mode"] == "batches"


def test_batches_over_other_inputs_are_refused_naming_the_first_difference(store: RunStore) -> None:
    program = quickstart_program()
    store_batch(store, program, "twelve", good=set())
    store_batch(store, program, "three", good=set(), questions=DATASET[:3])
    with pytest.raises(BatchMismatchError, match=r"^the two batches are not over the same dataset: A has 12 inputs and B 3"):
        ComparePresenter("twelve", "three", store=store)
    a = BatchSide({0: ExampleResult(0, {"q": "x"}, "finished", None, 1)})
    b = BatchSide({0: ExampleResult(0, {"q": "y"}, "finished", None, 1)})
    with pytest.raises(BatchMismatchError, match=r"input 0 differs: A .*x.* vs B .*y"):
        compare_batches(a, b)


def test_the_bootstrap_interval_holds_the_true_delta_and_is_the_same_each_time() -> None:
    import random

    rng = random.Random(7)
    n = 200
    a = {i: ExampleResult(i, i, "finished", float(rng.random() < 0.5), None) for i in range(n)}
    b = {i: ExampleResult(i, i, "finished", float(rng.random() < 0.7), None) for i in range(n)}
    c = compare_batches(BatchSide(a, scored=True), BatchSide(b, scored=True))
    s = c.score
    assert s.low < s.delta < s.high and s.n == n and s.measure == "score"
    assert s.low < 0.2 < s.high  # the true difference of the two rates
    assert compare_batches(BatchSide(a, scored=True), BatchSide(b, scored=True)).score == s
    assert bootstrap_ci([1.0, 0.0, 1.0], seed=1) == bootstrap_ci([1.0, 0.0, 1.0], seed=1)


def test_without_a_metric_a_finished_run_passes_and_the_pass_rate_is_compared() -> None:
    a = BatchSide({0: ExampleResult(0, 0, "failed", None, None), 1: ExampleResult(1, 1, "finished", None, "x")})
    b = BatchSide({0: ExampleResult(0, 0, "finished", None, "y"), 1: ExampleResult(1, 1, "finished", None, "z")})
    c = compare_batches(a, b)
    assert [e.outcome for e in c.examples] == ["fixed", "changed"]
    assert c.score.measure == "pass rate" and c.score.delta == 0.5


# -- the view -----------------------------------------------------------------------------------------


def test_compare_view_of_two_stored_runs_selects_a_node_and_syncs_its_json(store: RunStore) -> None:
    program = quickstart_program()
    for script in (GOOD, OTHER):
        with dspy.context(lm=ScriptedLM({"answer": script})), dspyer_lab.record_to(store):
            program(question=QUESTION)
    new, old = store.runs()
    view = CompareView(old.run_id, new.run_id, store=store)
    assert view.comparison.changed == {"answer": view.comparison.nodes["answer"].changed_fields}
    view.select("answer")
    shown = json.loads(view._compare)
    assert shown["detail"]["node"] == "answer" and shown["detail"]["visits"][0]["fields"]
    assert view._picture["compare"]["nodes"]["answer"] == "changed"
    view._on_message({"type": "select", "node": "retrieve"})
    assert json.loads(view._compare)["selected"] == "retrieve"
    view.close()


def test_two_lab_views_compare_the_runs_they_show() -> None:
    from dspyer_lab.lab.widgets import LabView

    program = quickstart_program()
    a = LabView.of_events(program, run_events(program, {"answer": GOOD}, question=QUESTION))
    b = LabView.of_events(program, run_events(program, {"answer": OTHER}, question=QUESTION))
    view = CompareView(a, b)
    assert view.comparison.changed["answer"][0] == "output.answer" and view.panel["note"] == ""
    for v in (view, a, b):
        v.close()


def test_two_batch_views_compare_every_example_and_open_only_kept_runs() -> None:
    import asyncio

    from dspyer_lab import ViewError
    from dspyer_lab.lab.widgets import BatchView

    program = quickstart_program()
    data = [{"question": q} for q in DATASET]

    def scored(example: Any, prediction: Any) -> float:
        return float(prediction.answer.startswith("ok"))

    views = []
    for good in ({0, 1, 2}, {1, 2, 3, 4}):
        view = BatchView(program, sample_size=2)
        with dspy.context(lm=ScriptedLM({"answer": good_if(good)})):
            asyncio.run(view.run(data, metric=scored, concurrency=4))
        views.append(view)
    a, b = views
    by_hand = {"fixed": 0, "broken": 0, "same": 0, "changed": 0}
    for i in range(len(DATASET)):
        pa, pb = a.batch.scores.get(i) == 1.0, b.batch.scores.get(i) == 1.0  # type: ignore[union-attr]
        ra, rb = a.results.get(i), b.results.get(i)
        by_hand["fixed" if pb and not pa else "broken" if pa and not pb else "same" if ra == rb else "changed"] += 1
    compare = CompareView(a, b)
    c = compare.comparison
    assert c.counts == by_hand and by_hand["fixed"] == 2  # type: ignore[union-attr]
    rows = {r["index"]: r for r in compare.panel["examples"]["rows"]}
    kept = [i for i in rows if rows[i]["openable"]]
    assert kept and len(kept) < len(rows)  # failed runs and a sample only
    assert compare.open_example(kept[0]).nodes
    compare.back()
    with pytest.raises(ViewError, match=r"events were not kept in batch"):
        compare.open_example(next(i for i in rows if not rows[i]["openable"]))
    for v in (compare, a, b):
        v.close()


def test_a_huge_value_is_compared_whole_and_sent_clipped() -> None:
    program = router_program()
    a = run_events(program, {}, question="refund " + "x" * 200_000)
    b = run_events(program, {}, question="refund " + "x" * 199_999 + "y")
    presenter = ComparePresenter(a, b, program=program)
    assert presenter.top.changed["classify"] == ["input.question"]  # type: ignore[union-attr]  # the last char
    presenter.select("classify")
    assert len(json.dumps(presenter.render().compare)) < 40_000


def test_a_loop_sends_only_a_few_of_its_visits_those_that_differ_first() -> None:
    g = Graph()
    g.add_node("step", lambda s: {"n": s["n"] + 1})
    g.add_conditional_edges("step", lambda s: "again" if s["n"] < 30 else "done", {"again": "step", "done": END})
    g.set_entry_point("step")
    program = AgentTranspiler.compile(g)
    a = run_events(program, {}, n=0, _max_steps=100)
    b = run_events(program, {}, n=25, _max_steps=100)
    presenter = ComparePresenter(a, b, program=program)
    presenter.select("step")
    detail = presenter.render().compare["detail"]
    assert [v["visit"] for v in detail["visits"]] == list(range(1, 11))
    assert detail["more"] == "10 of 30 visits shown (those that differ)" and detail["changed"][0] == "visits"


def test_runs_of_different_graphs_are_compared_by_node_name_and_say_so(store: RunStore) -> None:
    from dspyer_lab.lab.model.presenter_errors import ViewProgramError

    quick, router = quickstart_program(), router_program()
    with dspy.context(lm=ScriptedLM({"answer": GOOD})), dspyer_lab.record_to(store):
        quick(question=QUESTION)
        router(question="refund")
    second, first = store.runs()
    presenter = ComparePresenter(first.run_id, second.run_id, store=store)
    assert presenter.note == "A and B are runs of different graphs: nodes compared by name, A's graph drawn"
    assert presenter.top.only_a == ["retrieve", "answer"] and presenter.top.only_b == ["classify", "refund"]  # type: ignore[union-attr]
    store_batch(store, quick, "batch", good=set(), questions=DATASET[:2])
    with pytest.raises(ViewProgramError, match="not a run with a batch"):
        ComparePresenter(first.run_id, "batch", store=store)
