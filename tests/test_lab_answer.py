"""The lab's side of a person in the loop: the answer form drawn from the answer's schema, the page's answer
turned into the run's `_answer=` (refused beside its field when it cannot be one), masked values never sent back,
a HumanNode's rejected answer shown beside its fields, and a batch's review queue."""

from __future__ import annotations

import asyncio
import enum
import json
from typing import Any, Literal, Optional

import pytest
from pydantic import BaseModel, Field

from dspyer_lab import END, AgentTranspiler, Graph, HumanNode, interrupt
from dspyer_lab.lab.model.answerform import WHOLE, AnswerError, answer_value, asks_json, field_errors, form_fields
from dspyer_lab.lab.model.batchmodel import BatchModel, progress_text, review_json
from dspyer_lab.lab.model.runmodel import clock
from dspyer_lab.lab.textview import MASK, Masker
from dspyer_lab.lab.widgets import LabView
from test_debugger import debug, finished_task
from test_panels import browser_sends


class Tone(enum.Enum):
    calm = "calm"
    warm = "warm"
    dry = "dry"
    loud = "loud"


class Address(BaseModel):
    city: str


class Review(BaseModel):
    title: str
    summary: str = Field(max_length=2000)
    email_body: str
    verdict: Literal["approve", "edit", "reject"]
    tone: Tone = Tone.calm
    score: int = Field(ge=1, le=5)
    weight: float = 0.5
    send: bool = False
    address: Address
    tags: list[str] = []
    retries: Optional[int] = None
    api_key: str = "sk-default-secret"
    note: str = Field("", json_schema_extra={"widget": "textarea"})


def by_name(fields: list[dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    assert fields is not None
    return {f["name"]: f for f in fields}


def test_the_form_has_one_widget_per_field_chosen_from_the_schema() -> None:
    fields = by_name(form_fields(Review.model_json_schema(), Masker()))
    widgets = {name: f["widget"] for name, f in fields.items()}
    assert widgets == {
        "title": "text", "summary": "textarea", "email_body": "textarea", "verdict": "radio", "tone": "select",
        "score": "integer", "weight": "number", "send": "checkbox", "address": "json", "tags": "json",
        "retries": "integer", "api_key": "password", "note": "textarea",
    }
    assert [o["label"] for o in fields["verdict"]["options"]] == ["approve", "edit", "reject"]
    assert [o["value"] for o in fields["tone"]["options"]] == ['"calm"', '"warm"', '"dry"', '"loud"']
    assert fields["tone"]["default"] == '"calm"'  # the enum ($ref to $defs) resolved, its default as JSON text
    assert (fields["score"]["min"], fields["score"]["max"], fields["score"]["required"]) == (1, 5, True)
    assert fields["send"]["default"] is False and fields["weight"]["default"] == "0.5"
    assert fields["retries"]["nullable"] and not fields["retries"]["required"]
    assert "default" not in fields["api_key"]  # a secret's default never goes to the page
    assert fields["tags"]["default"] == "[]"


def test_an_answer_without_schema_is_one_json_value() -> None:
    assert form_fields(None) is None
    assert form_fields({"type": "string"}) is None
    assert answer_value(None, '{"ok": true}') == {"ok": True}
    with pytest.raises(AnswerError) as err:
        answer_value(None, "yes please", "n:t:0")
    assert err.value.field == WHOLE and "not valid JSON" in str(err.value) and err.value.interrupt == "n:t:0"


def test_the_pages_texts_become_the_answer_and_what_cannot_be_one_names_its_field() -> None:
    fields = form_fields(Review.model_json_schema(), Masker())
    sent = {"title": "Hi", "verdict": '"edit"', "score": "4", "weight": "0.25", "send": True,
            "address": '{"city": "Oslo"}', "retries": "", "summary": "", "tags": " "}
    assert answer_value(fields, sent) == {"title": "Hi", "verdict": "edit", "score": 4, "weight": 0.25, "send": True,
                                          "address": {"city": "Oslo"}, "retries": None, "summary": ""}
    for bad, field, words in [({"score": "four"}, "score", "'four' is not a whole number"),
                              ({"score": "4.5"}, "score", "not a whole number"),
                              ({"address": "{city: Oslo}"}, "address", "not valid JSON"),
                              ({"send": "yes"}, "send", "expected true or false"),
                              ({"address": " "}, "address", "is required")]:
        with pytest.raises(AnswerError) as err:
            answer_value(fields, bad)
        assert err.value.field == field and words in str(err.value)


def test_a_masked_value_is_never_sent_back() -> None:
    fields = form_fields(Review.model_json_schema(), Masker())
    with pytest.raises(AnswerError) as err:
        answer_value(fields, {"email_body": f"Dear x, your key is {MASK}"})
    assert err.value.field == "email_body" and "mask" in str(err.value)
    with pytest.raises(AnswerError):
        answer_value(None, f'{{"draft": "{MASK}"}}')


def question(**fields: Any) -> dict[str, Any]:
    return {"id": "review:None:0", "node": "review", "task": None, "value": None, "kind": "human",
            "prompt": None, "schema": None, "inputs": None, **fields}


def test_the_ask_shows_the_question_and_inputs_masked_and_the_rejected_fields() -> None:
    masker = Masker()
    masker.learn({"api_key": "sk-live-123456"})
    paused = {"event": "paused", "when": "interrupt", "node": "review", "interrupts": [
        question(prompt="Check the draft", schema=Review.model_json_schema(),
                  inputs={"draft": "uses sk-live-123456", "api_key": "sk-live-123456", "n": 3},
                  errors=[{"loc": ["score"], "msg": "Input should be less than or equal to 5"},
                          {"loc": [], "msg": "answer is not an object"}]),
        question(id="ask:t1:0", node="ask", kind="interrupt", task="t1", value={"q": "Send to sk-live-123456?"}),
    ]}
    first, second = asks_json(paused, masker)
    assert first["question"] == "Check the draft"
    assert first["inputs"] == [{"name": "draft", "text": f"uses {MASK}"}, {"name": "api_key", "text": MASK},
                               {"name": "n", "text": "3"}]
    assert first["errors"] == {"score": "Input should be less than or equal to 5", WHOLE: "answer is not an object"}
    assert "sk-live" not in str(second) and MASK in second["question"] and second["fields"] is None
    assert second["task"] == "t1"
    refused = asks_json(paused, masker, {"id": "ask:t1:0", "field": WHOLE, "message": "not JSON"})[1]
    assert refused["errors"] == {WHOLE: "not JSON"}


def test_a_breakpoint_pause_asks_nothing() -> None:
    assert asks_json({"event": "paused", "when": "before", "node": "x"}, Masker()) == []
    assert asks_json(None, Masker()) == []


def test_a_yes_no_question_offers_approve_and_reject() -> None:
    paused = {"when": "interrupt", "interrupts": [question(kind="interrupt", value="Send the email?"),
                                                   question(id="b", kind="interrupt", value="Pick a title")]}
    assert [a["yes_no"] for a in asks_json(paused, Masker())] == [True, False]


def test_field_errors_keep_the_first_message_per_field() -> None:
    assert field_errors([{"loc": ["a", 0], "msg": "one"}, {"loc": ["a"], "msg": "two"}, "junk"]) == {"a": "one"}
    assert field_errors(None) == {}


# -- a run that asks a person, in a LabView ---------------------------------------------------


class Draft(BaseModel):
    draft: str
    api_key: str


class Verdict(BaseModel):
    verdict: Literal["approve", "reject"]
    score: int = Field(ge=1, le=5)


def reviewed() -> Any:
    """write (Python) -> review (HumanNode) -> send (Python, asks "Send ...?" with interrupt()) -> END."""
    g = Graph()
    g.add_node("write", lambda s: {"draft": f"Hello {s['name']}, key {s['api_key']}"})
    g.add_node(HumanNode("review", Draft, Verdict, prompt="Approve the draft?"))
    g.add_node("send", lambda s: {"sent": interrupt(f"Send '{s['draft']}'?")})
    g.add_edge("write", "review")
    g.add_edge("review", "send")
    g.add_edge("send", END)
    g.set_entry_point("write")
    return AgentTranspiler.compile(g)


def asks(view: LabView) -> list[dict[str, Any]]:
    paused = debug(view)["paused"]
    assert paused is not None, "the run shown is not paused"
    return paused["asks"]


async def test_a_human_node_waits_with_its_form_a_wrong_answer_shows_beside_its_field_a_right_one_goes_on() -> None:
    view = LabView(reviewed(), store=False)
    assert await view.run(name="Ann", api_key="sk-live-123456") is None
    [ask] = asks(view)
    assert (ask["kind"], ask["node"], ask["question"]) == ("human", "review", "Approve the draft?")
    assert ask["inputs"] == [{"name": "draft", "text": f"Hello Ann, key {MASK}"}, {"name": "api_key", "text": MASK}]
    assert [(f["name"], f["widget"]) for f in ask["fields"]] == [("verdict", "radio"), ("score", "integer")]
    assert view.status.startswith("waiting for an answer at node 'review'") and [w["id"] for w in view.waiting] == [ask["id"]]
    ran = len(view.events)
    browser_sends(view, {"type": "answer", "id": ask["id"], "values": {"verdict": '"approve"', "score": "nine"}})
    assert asks(view)[0]["errors"] == {"score": "field 'score': 'nine' is not a whole number"}
    assert len(view.events) == ran and not view.running  # refused in the kernel: nothing ran
    browser_sends(view, {"type": "answer", "id": ask["id"], "values": {"verdict": '"approve"', "score": "9"}})
    assert await finished_task(view) is None  # the node rejected it: waiting again, for the same question
    [again] = asks(view)
    assert again["id"] == ask["id"] and again["errors"] == {"score": "Input should be less than or equal to 5"}
    browser_sends(view, {"type": "answer", "id": ask["id"], "values": {"verdict": '"approve"', "score": "4"}})
    assert await finished_task(view) is None  # now at `send`'s interrupt()
    [send] = asks(view)
    assert (send["kind"], send["fields"], send["yes_no"]) == ("interrupt", None, True)
    assert "sk-live" not in send["question"] and MASK in send["question"]
    result = await view.answer(True)  # from Python, the same run goes on
    assert (result.verdict, result.score, result.sent) == ("approve", 4, True)
    assert view.run_log.status == "finished" and len({e["run_id"] for e in view.events}) == 1
    answers = [e for e in view.events if e["event"] == "answer"]
    assert [a["value"] for a in answers] == [{"verdict": "approve", "score": 9}, {"verdict": "approve", "score": 4}, True]
    view.select("review")
    blocks = view.panel["node"]["blocks"]
    rows = next(b["table"]["rows"] for i, b in enumerate(blocks) if i and blocks[i - 1].get("title") == "Answered by a person")
    assert rows[0][1] == '{"verdict": "approve", "score": 4}' and rows[0][2].startswith("answered at ")


async def test_a_masked_value_shown_in_the_question_is_never_sent_back_as_the_answer() -> None:
    view = LabView(reviewed(), store=False)
    await view.run(name="Ann", api_key="sk-live-123456")
    await view.answer({"verdict": "approve", "score": 3})
    [send] = asks(view)
    ran = len(view.events)
    browser_sends(view, {"type": "answer", "id": send["id"], "json": f'"{send["question"]}"'})
    assert asks(view)[0]["errors"] == {WHOLE: f"the answer still holds the mask {MASK}: type the whole value"}
    with pytest.raises(AnswerError, match="mask"):
        await view.answer({"note": f"key {MASK}"})
    assert len(view.events) == ran and view.run_log.status == "paused"


async def test_stop_ends_a_run_waiting_for_an_answer_and_answering_nothing_is_refused() -> None:
    view = LabView(reviewed(), store=False)
    await view.run(name="Ann", api_key="sk-live-123456")
    assert view.stop() is True
    assert view.run_log.status == "cancelled" and view.waiting == []
    with pytest.raises(AnswerError, match="Nothing to answer: the run shown is cancelled"):
        await view.answer({"verdict": "approve", "score": 3})


# -- a batch's review queue -------------------------------------------------------------------


def paused_at(ts: float, node: str = "review") -> dict[str, Any]:
    return {"event": "paused", "ts": ts, "node": node, "when": "interrupt",
            "interrupts": [interrupt_of(node, prompt=f"asked at {ts}")]}


def interrupt_of(node: str, **fields: Any) -> dict[str, Any]:
    return {**question(), "id": f"{node}:1.0:0", "node": node, **fields}


def test_the_review_queue_lists_the_waiting_examples_oldest_first_until_they_go_on() -> None:
    model = BatchModel(3)
    for index in range(3):
        model.apply(index, {"event": "run_start", "run_id": f"r{index}", "seq": 0, "ts": 1.0, "inputs": {"n": index}})
    model.apply(2, paused_at(20.0))
    model.apply(0, paused_at(30.0))
    model.apply(1, paused_at(10.0))
    queue = review_json(model)
    assert queue["count"] == 3 and [r["index"] for r in queue["rows"]] == [1, 2, 0]
    assert queue["rows"][0]["asks"][0]["question"] == "asked at 10.0"
    assert (queue["rows"][0]["summary"], queue["rows"][0]["since"]) == ("n=1", f"waiting since {clock(10.0)}")
    assert model.stats.progress()["waiting"] == 3 and "3 waiting for an answer" in batch_json_text(model)
    model.apply(1, {"event": "answer", "ts": 40.0, "node": "review"})  # answered: it runs again
    refused = review_json(model, {"index": 0, "id": "review:1.0:0", "field": "score", "message": "not a number"})
    assert [r["index"] for r in refused["rows"]] == [2, 0]
    assert refused["rows"][1]["asks"][0]["errors"] == {"score": "not a number"}
    assert refused["rows"][0]["asks"][0]["errors"] == {}


async def test_a_saved_run_reopened_shows_the_question_and_the_answer_with_when_it_was_given(tmp_path) -> None:
    view = LabView(reviewed(), store=False)
    await view.run(name="Ann", api_key="sk-live-123456")
    await view.answer({"verdict": "reject", "score": 2})
    await view.answer({"why": "not today", "api_key": "sk-live-123456"})  # a secret in an answer: masked in the file
    path = view.save(tmp_path / "run.json")
    assert "sk-live-123456" not in path.read_text()
    loaded = LabView.load(path)
    texts: dict[str, str] = {}
    for row in loaded.panel["timeline"]["rows"]:  # newest first
        texts.setdefault(row["kind"], row["text"])
    assert texts["paused"] == "waiting for an answer at send"
    assert texts["answer"].startswith(f"send: answered {{\"why\": \"not today\", \"api_key\": \"{MASK}\"}} at ")
    first = next(i for i, e in enumerate(loaded.events) if e["event"] == "answer")
    assert loaded.select(event=first).node == "review"  # a click on the answer's row: the visit that asked
    loaded.select("review")
    blocks = loaded.panel["node"]["blocks"]
    rows = next(b["table"]["rows"] for i, b in enumerate(blocks) if i and blocks[i - 1].get("title") == "Answered by a person")
    assert rows == [["review:2.0:0", '{"verdict": "reject", "score": 2}', rows[0][2]]] and "answered at" in rows[0][2]


def batch_json_text(model: BatchModel) -> str:
    return progress_text(model.stats.progress(), "running")


async def test_a_batchs_waiting_examples_are_answered_from_the_review_queue_and_from_python() -> None:
    from dspyer_lab.lab.widgets import BatchView

    view = BatchView(reviewed(), store=False)
    inputs = [{"name": n, "api_key": "sk-live-123456"} for n in ("Ann", "Bob", "Cy")]
    outcomes = await view.run(inputs)  # returns once nothing runs: every example waits for a person
    assert [type(o).__name__ for o in outcomes] == ["RunPaused"] * 3
    queue = view.panel["review"]
    assert queue["count"] == 3 and sorted(r["index"] for r in queue["rows"]) == [0, 1, 2]
    assert view.status.startswith("waiting · 0/3 done · 3 waiting for an answer")
    assert list(view.waiting) == [r["index"] for r in queue["rows"]]  # oldest first, as the queue
    [ask] = queue["rows"][1]["asks"]
    assert "sk-live" not in str(queue) and ask["inputs"][1] == {"name": "api_key", "text": MASK}
    browser_sends(view, {"type": "answer", "index": 1, "id": ask["id"], "values": {"verdict": '"approve"', "score": "x"}})
    row = next(r for r in view.panel["review"]["rows"] if r["index"] == 1)
    assert row["asks"][0]["errors"] == {"score": "field 'score': 'x' is not a whole number"}
    browser_sends(view, {"type": "answer", "index": 1, "id": ask["id"], "values": {"verdict": '"approve"', "score": "5"}})
    await asyncio.gather(*view.presenter._answering)
    assert view.running  # the batch's stream ended: a new one resumes the answered example
    await view.wait()
    assert view.model.stats.examples[1].status == "waiting"  # now at `send`'s interrupt()
    assert view.waiting[1][0]["node"] == "send" and list(view.waiting)[-1] == 1  # asked last: last in the queue
    result = await view.answer(1, True)  # returns once the example has settled: here, finished
    assert result is view.results[1] and result.sent is True and view.model.stats.examples[1].status == "finished"
    assert sorted(view.waiting) == [0, 2] and view.panel["progress"]["waiting"] == 2
    with pytest.raises(AnswerError, match="example 1 does not wait for an answer"):
        await view.answer(1, True)
    view.open(2)  # an opened waiting example shows the queue's form in its paused bar, and answers through the batch
    opened = json.loads(view._open_panel)["head"]["debug"]["paused"]
    assert [a["node"] for a in opened["asks"]] == ["review"]
    browser_sends(view, {"type": "answer", "to": "example", "id": opened["asks"][0]["id"],
                         "values": {"verdict": '"reject"', "score": "2"}})
    await asyncio.gather(*view.presenter._answering)
    await view.wait()
    assert view.waiting[2][0]["node"] == "send"
    assert view.stop() is True  # nothing runs: the waiting ones end, cancelled
    assert view.panel["review"]["count"] == 0 and view.model.stats.examples[0].status == "cancelled"


MAGIC_CELL = """
from typing import Literal
from pydantic import BaseModel, Field
from dspyer_lab import END, AgentTranspiler, Graph, HumanNode

class Draft(BaseModel):
    draft: str

class Verdict(BaseModel):
    verdict: Literal["approve", "reject"]

g = Graph().add_node("write", lambda s: {"draft": f"Hi {s['name']}"})
g.add_node(HumanNode("review", Draft, Verdict, prompt="Send it?"))
g.add_edge("write", "review").add_edge("review", END).set_entry_point("write")
program = AgentTranspiler.compile(g)
"""


def test_a_dspyer_cell_returns_at_the_question_saying_how_to_answer_and_the_view_answers_later(shell: Any, capsys) -> None:
    shell.run_cell_magic("dspyer", "-i name=Ann --out reply", MAGIC_CELL)
    out = capsys.readouterr().out
    assert "Waiting for an answer at node 'review': answer in the view's form, or " \
           "`reply = await dspyer_view.answer(...)`" in out
    assert "reply" not in shell.user_ns  # nothing to bind while it waits
    view = shell.user_ns["dspyer_view"]
    assert asyncio.run(view.answer({"verdict": "approve"})).verdict == "approve"


def test_a_dspyer_batch_cell_says_how_many_examples_wait_and_how_to_answer_them(shell: Any, capsys) -> None:
    shell.run_cell_magic("dspyer", "--batch items", MAGIC_CELL + "items = [{'name': 'Ann'}, {'name': 'Bob'}]\n")
    assert "2 example(s) wait for an answer: answer them in the view's review queue, or " \
           "`await dspyer_view.answer(index, ...)`" in capsys.readouterr().out
    view = shell.user_ns["dspyer_view"]
    assert sorted(view.waiting) == [0, 1]


async def test_questions_of_parallel_branches_are_answered_one_by_one_by_their_ids() -> None:
    g = Graph()
    g.add_node("start", lambda s: {})
    g.add_node("a", lambda s: {"x": interrupt("A?")})
    g.add_node("b", lambda s: {"y": interrupt("B?")})
    g.add_edge("start", "a").add_edge("start", "b").add_edge("a", END).add_edge("b", END).set_entry_point("start")
    view = LabView(AgentTranspiler.compile(g), store=False)
    assert await view.run() is None
    assert [a["question"] for a in asks(view)] == ["A?", "B?"]
    first, second = (w["id"] for w in view.waiting)
    with pytest.raises(AnswerError, match=f"2 interrupts wait \\({first}, {second}\\): answer with {{id: value}}"):
        await view.answer(True)
    browser_sends(view, {"type": "answer", "id": second, "json": "2"})  # one form: that question only
    assert await finished_task(view) is None
    assert [w["id"] for w in view.waiting] == [first]
    result = await view.answer({first: 1})
    assert (result.x, result.y) == (1, 2)
