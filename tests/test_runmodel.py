"""The pure-Python side of the lab views: the run model, text helpers, the upstream adapter.

Events here are recorded by hand, exactly in the shape of `dspyer_lab.core.events`, so
each test reads as one small run story (a loop, a retry, a failure).
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, Field

from dspyer_lab.core.eventschema import EventContractError
from dspyer_lab.lab.adapter import as_graph, contract_events, is_contract_event
from dspyer_lab.lab.model.runmodel import (
    CANCELLED,
    CHECKPOINT_EVERY,
    NODE_STATUSES,
    RunModel,
    checked_event,
    offending_values,
    summarize,
    summary_fields,
)
from dspyer_lab.lab.model.viewmodel import Page, Screen, Selection, lab_json
from dspyer_lab.lab.textview import MASK, Masker, clip, clipped_text, esc, name_words, one_line, seconds, to_text


class Recorder:
    """Makes contract events of one run (gapless seq, increasing ts)."""

    def __init__(self, run_id: str = "run1") -> None:
        self.run_id = run_id
        self.events: list[dict[str, Any]] = []

    def __call__(self, event_kind: str, /, **payload: Any) -> dict[str, Any]:
        n = len(self.events)
        event = {"event": event_kind, "run_id": self.run_id, "seq": n, "ts": 1000.0 + n * 0.5, **payload}
        self.events.append(event)
        return event


def loop_run() -> list[dict[str, Any]]:
    """draft (retried once) -> check -> draft again -> check -> END."""
    e = Recorder()
    e("run_start", inputs={"topic": "owls", "api_key": "sk-live-1234"})
    e("node_start", node="draft", kind="llm", step=1, inputs={"topic": "owls"})
    e("validation_error", node="draft", attempt=1, max_attempts=3,
      error="- words: Value error, too short (got 3)", failed_fields=["words"],
      raw_output="[[ ## text ## ]]\nOwls.\n\n[[ ## words ## ]]\n3\n\n[[ ## completed ## ]]",
      feedback="Your previous answer was rejected (fields: words). Fix it", will_retry=True)
    e("node_end", node="draft", patch={"text": "Owls hunt at night.", "words": 4}, duration=0.25, attempts=2)
    e("route", source="draft", decision=None, target="check")
    e("node_start", node="check", kind="python", step=2, inputs={"topic": "owls", "text": "Owls hunt at night.", "words": 4})
    e("node_end", node="check", patch={"ok": False, "words": 4}, duration=0.01, attempts=1)
    e("route", source="check", decision="retry", target="draft")
    e("node_start", node="draft", kind="llm", step=3, inputs={"topic": "owls"})
    e("node_end", node="draft", patch={"text": "Owls hunt at night, silently.", "words": 5}, duration=0.2, attempts=1)
    e("route", source="draft", decision=None, target="check")
    e("node_start", node="check", kind="python", step=4, inputs={})
    e("node_end", node="check", patch={"ok": True}, duration=0.01, attempts=1)
    e("route", source="check", decision="done", target="__end__")
    final = {"topic": "owls", "api_key": "sk-live-1234", "text": "Owls hunt at night, silently.", "words": 5, "ok": True}
    e("finished", output={"text": final["text"]}, state=final, steps=4, duration=7.0)
    return e.events


def failing_run() -> list[dict[str, Any]]:
    e = Recorder("run2")
    e("run_start", inputs={"q": "x"})
    e("node_start", node="rate", kind="llm", step=1, inputs={"q": "x"})
    e("validation_error", node="rate", attempt=1, max_attempts=1, error="- score: too big (got 42)",
      failed_fields=["score"], raw_output='{"score": 42}', feedback="", will_retry=False)
    e("error", node="rate", error="Node 'rate' produced no valid output after 1 attempt(s).",
      error_type="NodeValidationError", traceback="Traceback (most recent call last):\n  ...", state={"q": "x"})
    return e.events


# -- the run model ----------------------------------------------------------------------


def test_state_is_inputs_plus_patches_in_order_before_and_after_each_visit() -> None:
    log = RunModel.replay(loop_run())
    assert [v.node for v in log.visits] == ["draft", "check", "draft", "check"]
    first, check = log.visits[0], log.visits[1]
    assert first.state_before == {"topic": "owls", "api_key": "sk-live-1234"}
    assert first.state_after == {**first.state_before, "text": "Owls hunt at night.", "words": 4}
    assert check.state_before is first.state_after
    assert first.patch == {"text": "Owls hunt at night.", "words": 4}
    # check rewrote `words` with the same value: written, but not a change
    assert check.changed_keys == ["ok"]
    assert log.state == log.finished["state"]
    assert log.status == "finished"


def test_replay_of_every_prefix_matches_folding_the_patches() -> None:
    events = loop_run()
    for k in range(len(events) + 1):
        log = RunModel.replay(events[:k])
        expected: dict[str, Any] = {}
        for event in events[:k]:
            if event["event"] == "run_start":
                expected = dict(event["inputs"])
            elif event["event"] == "node_end":
                expected.update(event["patch"])
        assert log.state == expected, k
        assert len(log.events) == k


def test_loop_visits_are_numbered_and_retries_attach_to_their_visit() -> None:
    log = RunModel.replay(loop_run())
    drafts = log.visits_of("draft")
    assert [v.visit for v in drafts] == [1, 2]
    assert [v.step for v in drafts] == [1, 3]
    assert len(drafts[0].failures) == 1 and drafts[1].failures == []
    assert drafts[0].attempts == 2 and drafts[0].duration == 0.25
    attempt = drafts[0].failures[0]
    assert attempt.failed_fields == ["words"] and attempt.will_retry
    assert attempt.offending == {"words": "3"}
    assert log.failures == [(drafts[0], attempt)]


def test_visit_status_follows_the_run_mid_way() -> None:
    events = loop_run()
    assert RunModel.replay(events[:2]).visits[0].status == "running"
    assert RunModel.replay(events[:3]).visits[0].status == "retrying"
    assert RunModel.replay(events[:4]).visits[0].status == "done"
    mid = RunModel.replay(events[:6])
    assert mid.status == "running" and mid.finished is None and mid.visits[-1].state_after is None


def test_every_event_maps_to_its_node_visit() -> None:
    log = RunModel.replay(loop_run())
    assert log.visit_of_event(0) is None  # run_start
    assert log.visit_of_event(2) is log.visits[0]  # its validation error
    assert log.visit_of_event(4) is log.visits[0]  # the route after it
    assert log.visit_of_event(8) is log.visits[2]
    assert log.visit_of_event(14) is None  # finished
    assert log.visit_of_event(99) is None


def test_error_fails_the_running_visit_and_keeps_the_error() -> None:
    log = RunModel.replay(failing_run())
    assert log.status == "failed"
    assert log.visits[0].status == "failed"
    assert "no valid output" in log.visits[0].error
    assert log.error["error_type"] == "NodeValidationError"
    assert log.failures[0][1].offending == {"score": 42}


def test_cancel_marker_and_synthesized_error_continue_the_envelope() -> None:
    events = loop_run()[:6]
    log = RunModel.replay(events)
    marker = log.closing_event(CANCELLED)
    assert marker["run_id"] == "run1" and marker["seq"] == 6
    log.apply(marker)
    assert log.status == "cancelled" and log.visits[-1].status == "cancelled"

    log = RunModel.replay(events)
    try:
        raise ValueError("stream broke")
    except ValueError as exc:
        error = log.error_event(exc)
    assert error["node"] == "check" and error["error_type"] == "ValueError"
    assert "stream broke" in error["traceback"] and error["state"] == log.state
    log.apply(error)
    assert log.status == "failed"


def test_a_cancel_marker_after_the_run_ended_is_ignored() -> None:
    for events, outcome in [(loop_run(), "finished"), (failing_run(), "failed")]:
        log = RunModel.replay(events)
        log.apply(log.closing_event(CANCELLED))  # a stop that landed just after the end
        assert log.status == outcome and len(log.events) == len(events)
    log = RunModel()
    log.apply(log.closing_event(CANCELLED))  # stopped before its first event: that is a cancelled run
    assert log.status == "cancelled"


def disagreement_runs() -> dict[str, list[dict[str, Any]]]:
    """Event sequences where the old GraphView and panel folds disagreed (issue 11), for every view's tests.

    - ``gave_up``: a rejected answer with no retry left, then the ``error`` (the node failed, it is not retrying);
    - ``gave_up_mid``: the same cut just after the rejection (a live run: still failed, not retrying);
    - ``cancelled``: stopped while ``check`` ran (check is cancelled, not idle);
    - ``router_failed``: the router after ``check`` failed once check had ended (check failed).
    """
    gave_up = failing_run()
    cancelled = loop_run()[:6]
    cancelled.append(RunModel.replay(cancelled).closing_event(CANCELLED))
    e = Recorder("run4")
    e("run_start", inputs={})
    e("node_start", node="check", kind="python", step=1, inputs=None)
    e("node_end", node="check", patch={"ok": "maybe"}, duration=0.1, attempts=1)
    e("error", node="check", error="RouteError: router after 'check' returned 'maybe'", error_type="RouteError",
      traceback="", state={"ok": "maybe"})
    return {
        "gave_up": gave_up,
        "gave_up_mid": gave_up[:3],
        "cancelled": cancelled,
        "router_failed": e.events,
    }


EXPECTED_STATUS: dict[str, dict[str, str]] = {
    "gave_up": {"rate": "failed"},
    "gave_up_mid": {"rate": "failed"},
    "cancelled": {"draft": "done", "check": "cancelled"},
    "router_failed": {"check": "failed"},
}
"""The statuses every view must show at the end of each of `disagreement_runs`."""


def nameless_start_run() -> list[dict[str, Any]]:
    """A run whose second event, a ``node_start``, has no ``node``: off the contract, refused where it enters."""
    e = Recorder("run3")
    e("run_start", inputs={"q": "x"})
    e("node_start", kind="llm", step=1, inputs={"q": "x"})
    e("node_end", node="draft", patch={"text": "t"}, duration=0.1, attempts=1)
    e("route", source="draft", decision=None, target="check")
    return e.events


@pytest.mark.parametrize("case", sorted(EXPECTED_STATUS))
def test_the_cases_where_views_used_to_disagree(case: str) -> None:
    model = RunModel.replay(disagreement_runs()[case])
    assert model.node_status(EXPECTED_STATUS[case]) == EXPECTED_STATUS[case]
    assert set(model.node_status()) <= set(NODE_STATUSES) | set(EXPECTED_STATUS[case])
    assert all(s in NODE_STATUSES for s in model.node_status().values())


def test_a_node_that_gave_up_counts_the_answers_it_was_asked_for() -> None:
    e = Recorder()
    e("run_start", inputs={})
    e("node_start", node="rate", kind="llm", step=1, inputs={})
    for attempt in (1, 2, 3):
        e("validation_error", node="rate", attempt=attempt, max_attempts=3, error="bad", failed_fields=["score"],
          raw_output="{}", feedback="", will_retry=attempt < 3)
    e("error", node="rate", error="no valid output after 3 attempt(s)", error_type="NodeValidationError",
      traceback="", state={})
    visit = RunModel.replay(e.events).visits[0]
    assert visit.status == "failed" and visit.attempts == 3
    # a node that raised during its 2nd attempt was asked twice
    raised = [*e.events[:3], e.events[-1]]
    assert RunModel.replay(raised).visits[0].attempts == 2


def test_node_status_visits_and_path_follow_the_loop() -> None:
    events = loop_run()
    model = RunModel.replay(events)
    graph_nodes = ["draft", "check", "never"]
    assert model.node_status(graph_nodes) == {"draft": "done", "check": "done", "never": "idle"}
    assert model.node_visits(graph_nodes) == {"draft": 2, "check": 2, "never": 0}
    path = model.path()
    assert [r.key for r in path.routes] == [
        ("draft", "check", None), ("check", "draft", "retry"), ("draft", "check", None), ("check", "__end__", "done"),
    ]
    assert path.counts == {("draft", "check", None): 2, ("check", "draft", "retry"): 1, ("check", "__end__", "done"): 1}
    assert model.last_route == path.routes[-1] and model.last_route.event_index == 13
    assert RunModel.replay(events[:3]).node_status(graph_nodes) == {"draft": "retrying", "check": "idle", "never": "idle"}
    assert RunModel.replay(events[:9]).node_status() == {"draft": "running", "check": "done"}
    assert RunModel.replay(events[:4]).last_route is None


def test_state_comes_from_inputs_and_patches_not_from_node_start() -> None:
    """A Python node's node_start need not carry the state (the compact events of the core)."""
    events = [dict(e) for e in loop_run()]
    for event in events:
        if event["event"] == "node_start" and event["kind"] == "python":
            event["inputs"] = None
    model = RunModel.replay(events)
    check = model.visits_of("check")[0]
    assert check.inputs == check.state_before == {"topic": "owls", "api_key": "sk-live-1234", "text": "Owls hunt at night.", "words": 4}
    assert model.visits_of("draft")[1].inputs == {"topic": "owls"}  # an LLM node's own inputs stay its own


def long_run(loops: int) -> list[dict[str, Any]]:
    """A run looping draft -> check `loops` times, with a retry every third draft and a growing state."""
    e = Recorder("long")
    e("run_start", inputs={"n": 0})
    for i in range(loops):
        e("node_start", node="draft", kind="llm", step=2 * i + 1, inputs={"n": i})
        if i % 3 == 0:
            e("validation_error", node="draft", attempt=1, max_attempts=2, error="bad", failed_fields=["text"],
              raw_output="{}", feedback="again", will_retry=True)
        e("node_end", node="draft", patch={"text": f"t{i}"}, duration=0.1, attempts=1 + (i % 3 == 0))
        e("route", source="draft", decision=None, target="check")
        e("node_start", node="check", kind="python", step=2 * i + 2, inputs=None)
        e("node_end", node="check", patch={"n": i + 1}, duration=0.01, attempts=1)
        e("route", source="check", decision="again" if i < loops - 1 else "done",
          target="draft" if i < loops - 1 else "__end__")
    e("finished", output={"text": f"t{loops - 1}"}, state={"n": loops, "text": f"t{loops - 1}"}, steps=2 * loops,
      duration=1.0)
    return e.events


def observed(model: RunModel) -> tuple[Any, ...]:
    """What a view can read from a model, for comparing two folds of the same events."""
    return (
        model.status, model.state, model.run_id, len(model.events), model.node_status(), model.node_visits(),
        model.path(), model.last_route,
        [(v.node, v.visit, v.status, v.attempts, len(v.failures), v.state_after) for v in model.visits],
        [model.visit_of_event(i) and model.visit_of_event(i).index for i in range(len(model.events))],
    )


def test_seeking_anywhere_equals_replaying_the_prefix() -> None:
    events = long_run(70)
    assert len(events) > 3 * CHECKPOINT_EVERY  # seeks cross several checkpoints
    model = RunModel.replay(events)
    for k in [*range(0, len(events) + 1, 7), CHECKPOINT_EVERY, CHECKPOINT_EVERY + 1, len(events) - 1, len(events) + 5]:
        assert observed(model.at(k)) == observed(RunModel.replay(events[:k])), k
    assert model.at(len(events)) is model


def test_a_seek_is_a_model_of_its_own() -> None:
    """Folding more events into a seek (or the live run) leaves the other untouched."""
    events = long_run(45)
    model = RunModel.replay(events)
    before = observed(model)
    mid_visit = 0
    for k in range(len(events)):
        past = model.at(k)
        if past.visits and past.visits[-1].status in ("running", "retrying"):  # an open visit: copied, not shared
            mid_visit += 1
            past.apply(past.closing_event(CANCELLED))
            assert past.visits[-1].status == "cancelled" and model.visits[len(past.visits) - 1].status == "done"
    assert mid_visit > len(events) // 4 and observed(model) == before
    # and a checkpoint was taken mid-visit, so its copy of the open visit was folded on
    assert any(model.at(j).visits[-1].status != "done" for j in range(CHECKPOINT_EVERY, len(events), CHECKPOINT_EVERY))

    k = CHECKPOINT_EVERY + 3
    live = RunModel.replay(events[:k])
    snapshot = live.at(k - 1)
    live.apply(events[k])
    assert observed(snapshot) == observed(RunModel.replay(events[: k - 1]))


_WRONG_VALUES: list[Any] = [None, True, -1, 1.5, "", "<b>x</b>", [], ["a", 1], {}, {"a": [1]}, [[{}]]]


def test_hostile_events_are_refused_where_they_enter_or_never_make_the_fold_raise() -> None:
    """Every field of every event of a run replaced, in turn, by values of every wrong type (or removed), then
    passed through the check every entry of untrusted events makes (`checked_event`: watch, show_events,
    GraphView.update): either refused in one line naming the event and the field, or folded without raising."""
    events = [*loop_run(), *failing_run()[1:]]
    events.append(RunModel.replay(events).closing_event(CANCELLED))
    for i, event in enumerate(events):
        for key in event:
            for value in [*_WRONG_VALUES, _MISSING]:
                tampered = dict(event)
                if value is _MISSING:
                    del tampered[key]
                else:
                    tampered[key] = value
                run = [*events[:i], tampered, *events[i + 1 :]]
                try:
                    checked = [checked_event(e, f"event {n}") for n, e in enumerate(run)]
                except EventContractError as refused:
                    message = str(refused)
                    assert message.startswith(f"event {i}") and repr(key)[:-1] in message and "\n" not in message
                    continue
                model = RunModel.replay(checked)
                assert len(model.events) <= len(run)
                assert all(s in NODE_STATUSES for s in model.node_status().values())
                model.path(), model.at(i), model.closing_event(CANCELLED), summarize(checked[i])
                lab_json(model, model, Selection(), Page(), Screen(Masker()))  # what a view renders of it


_MISSING = object()


@pytest.mark.parametrize(("kind", "field", "value", "said"), [
    ("node_start", "step", "<b>1</b>", "should be an integer"),
    ("node_start", "step", True, "should be an integer"),
    ("node_start", "ts", "yesterday", "should be a number"),
    ("validation_error", "attempt", "<i>", "should be an integer"),
    ("validation_error", "max_attempts", [3], "should be an integer"),
    ("node_end", "duration", "<img src=x>", "should be a number"),
    ("node_end", "attempts", "<img src=x onerror=alert(1)>", "should be an integer"),
])
async def test_event_fields_that_are_not_numbers_are_refused_where_they_enter(
    kind: str, field: str, value: Any, said: str
) -> None:
    """Events given from outside (a foreign stream, events a view is shown) are anyone's: step, attempts,
    duration, ts must be numbers, or the event is refused in one line naming it and the field."""
    events = loop_run()
    i = next(n for n, event in enumerate(events) if event["event"] == kind)
    events[i] = {**events[i], field: value}
    with pytest.raises(EventContractError) as refused:
        _ = [e async for e in contract_events(_aiter(events), checked=True)]
    assert str(refused.value).startswith(f"event {i} ({kind}): {field!r} {said} (got ")
    assert "\n" not in str(refused.value)


def test_unknown_event_kinds_are_kept_but_change_nothing() -> None:
    events = loop_run()[:2]
    log = RunModel.replay([*events, {"event": "step_limit", "run_id": "run1", "seq": 2, "ts": 1.0, "max_steps": 3}])
    assert len(log.events) == 3 and log.status == "running"
    assert "max_steps" in summarize(log.events[-1])


def test_summaries_are_single_lines_for_every_kind() -> None:
    for event in [*loop_run(), *failing_run()]:
        line = summarize(event)
        assert line and "\n" not in line
    assert "retrying" in summarize(loop_run()[2])
    assert "check → draft [retry]" in summarize(loop_run()[7])
    assert "in 0.250 s, 2 attempt(s)" in summarize(loop_run()[3])  # one duration format (`seconds`) everywhere
    assert "4 steps in 7.000 s" in summarize(loop_run()[-1])
    assert seconds(None) == seconds("1") == seconds(True) == "–"


def test_summaries_read_nothing_of_what_summary_fields_leaves_out() -> None:
    # the timeline masks `summary_fields(event)`, not the whole event: a prompt, a state or a traceback
    # left out must never be what a summary shows
    call = {"event": "lm_call", "run_id": "r", "seq": 1, "ts": 1.0, "node": "draft", "attempt": 1, "model": "m",
            "messages": [{"role": "user", "content": "prompt"}], "completion": "[[ ## text ## ]]\nOwls.",
            "usage": {"prompt_tokens": 3, "completion_tokens": 2}, "cost": 0.001, "duration": 0.5, "cached": False}
    for event in [*loop_run(), *failing_run(), call, {"event": "custom", "note": "kept whole", "state": {"a": 1}}]:
        kept = summary_fields(event)
        assert summarize(kept) == summarize(event)
        changed = {**event, **{k: "CHANGED" for k in event.keys() - kept.keys()}}
        assert summarize(changed) == summarize(event)
    assert "messages" not in summary_fields(call) and "state" not in summary_fields(loop_run()[-1])
    assert summary_fields({"event": "custom", "state": {"a": 1}}) == {"event": "custom", "state": {"a": 1}}


@pytest.mark.parametrize(
    ("raw", "fields", "expected"),
    [
        ('{"score": 42, "answer": "a"}', ["score"], {"score": 42}),
        ("[[ ## score ## ]]\n42\n\n[[ ## completed ## ]]", ["score"], {"score": "42"}),
        ('{"items": [{"price": -1}]}', ["items.0.price"], {"items": [{"price": -1}]}),
        ("I refuse to answer", ["score"], {}),
        ("", ["score"], {}),
    ],
)
def test_offending_values_are_read_from_the_raw_answer(raw: str, fields: list[str], expected: dict[str, Any]) -> None:
    assert offending_values(raw, fields) == expected


# -- text helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["api_key", "apiKey", "OPENAI_API_KEY", "access-token", "accessToken", "accesstoken", "clientSecret",
             "db_password", "passwd", "api_keys", "token2", "credentials", "access_token", "client_secret",
             "password", "authToken", "key", "secret_key"],
)
def test_secret_looking_names_are_recognized(name: str) -> None:
    assert Masker().is_secret(name)


@pytest.mark.parametrize(
    "name", ["monkey", "keywords", "turkey", "author", "query", "tokenizer_name", "key_points", "tokens", "max_tokens",
             "num_tokens", "primary_key", "sort_key", "user_sort_key", "primaryKey", "secret_santa_list", "token_count"],
)
def test_ordinary_names_are_not_secret(name: str) -> None:
    assert not Masker().is_secret(name)


def test_masking_hides_secret_fields_and_their_text_everywhere_but_not_numbers() -> None:
    masker = Masker()
    state = {"api_key": "sk-live-1234", "max_tokens": 512, "nested": {"password": "hunter22"}, "note": "hi"}
    assert masker.mask(state) == {"api_key": MASK, "max_tokens": 512, "nested": {"password": MASK}, "note": "hi"}
    masker.learn(state)
    assert masker.mask_text("the model said sk-live-1234 and hunter22") == f"the model said {MASK} and {MASK}"
    assert masker.mask(["sk-live-1234"]) == [MASK]


def test_ordinary_fields_keep_their_text_everywhere() -> None:
    """Only the last word of a name says it holds a secret: nothing else is masked, even inside free text."""
    masker = Masker()
    state = {"key_points": "owls hunt at night", "tokens": "four words in all", "sort_key": "name-asc",
             "api_key": "sk-live-1234"}
    masker.learn(state)
    assert masker.mask(state) == {**state, "api_key": MASK}
    answer = "Key points: owls hunt at night; four words in all, sorted name-asc with sk-live-1234"
    assert masker.mask_text(answer) == f"Key points: owls hunt at night; four words in all, sorted name-asc with {MASK}"


def test_custom_and_disabled_secret_patterns() -> None:
    assert Masker(["ssn"]).mask({"user_ssn": "123-45-6789", "api_key": "k-1234"}) == {"user_ssn": MASK, "api_key": "k-1234"}
    assert Masker(None).mask({"api_key": "k-1234"}) == {"api_key": "k-1234"}
    assert Masker(ordinary=()).is_secret("primary_key") and not Masker(ordinary=["api_key"]).is_secret("api_key")


def test_text_helpers() -> None:
    assert name_words("openAI_api-Key2") == ["open", "ai", "api", "key2"]
    assert clip("abcdefghij", 5) == "abcd… (+6 chars)"
    assert clip("abc", 5) == "abc" and clip("abc" * 100, None) == "abc" * 100
    assert one_line("a\n  b\tc") == "a b c"
    assert esc("<img src=x onerror='alert(1)'>") == "&lt;img src=x onerror=&#x27;alert(1)&#x27;&gt;"


# -- upstream dspyer dialect -----------------------------------------------------------------


async def _aiter(items: list[dict[str, Any]]):
    for item in items:
        yield item


async def test_upstream_dialect_becomes_contract_events() -> None:
    upstream = [
        {"event": "node_start", "node": "a", "inputs": {"q": "x"}},
        {"event": "validation_error", "node": "a", "attempt": 1, "error": "Field 'n' failed", "failed_fields": ["n"]},
        {"event": "node_end", "node": "a", "outputs": {"q": "x", "n": 3}},
        {"event": "node_start", "node": "b", "inputs": {"q": "x", "n": 3}},
        {"event": "node_end", "node": "b", "outputs": {"n": 4}},
        {"event": "finished", "prediction": {"n": 4}},
    ]
    events = [e async for e in contract_events(_aiter(upstream))]
    assert [e["event"] for e in events] == [
        "run_start", "node_start", "validation_error", "node_end", "route", "node_start", "node_end", "route", "finished",
    ]
    assert all(is_contract_event(e) for e in events)
    assert [e["seq"] for e in events] == list(range(len(events)))
    assert events[0]["inputs"] == {"q": "x"}
    assert events[3]["patch"] == {"n": 3} and events[3]["attempts"] == 2
    assert events[6]["patch"] == {"n": 4, "q": None}  # b removed q (upstream merge-patch semantics)
    assert events[7]["target"] == "__end__"
    assert events[8]["output"] == {"n": 4} and events[8]["steps"] == 2
    assert events[2]["feedback"] == "Field 'n' failed" and events[2]["failed_fields"] == ["n"]
    log = RunModel.replay(events)
    assert log.status == "finished" and log.state == {"n": 4}  # finished.state is the real final state
    checked = [e async for e in contract_events(_aiter(upstream), checked=True)]  # what `watch` folds
    assert [e["event"] for e in checked] == [e["event"] for e in events]


async def test_a_failing_upstream_stream_is_translated_into_events_its_check_accepts() -> None:
    upstream = [
        {"event": "node_start", "node": "a", "inputs": {"q": "x"}},
        {"event": "step_limit", "max_steps": 3},
        {"event": "error", "error": "boom", "error_type": "RuntimeError"},
    ]
    events = [e async for e in contract_events(_aiter(upstream), checked=True)]
    assert [e["event"] for e in events] == ["run_start", "node_start", "step_limit", "error"]
    log = RunModel.replay(events)
    assert log.status == "failed" and log.error is not None and log.error["node"] == "a"


async def test_contract_events_pass_through_untouched() -> None:
    events = loop_run()
    assert [e async for e in contract_events(_aiter(events))] == events


async def test_a_checked_foreign_stream_is_refused_at_its_first_bad_event_in_one_line() -> None:
    events = loop_run()
    passed = [e async for e in contract_events(_aiter(events), checked=True)]
    assert passed == events and all(a is not b for a, b in zip(passed, events))  # copies: the stream cannot change them
    bad = [*events[:3], {**events[3], "duration": "soon"}, *events[4:]]
    with pytest.raises(EventContractError) as refused:
        _ = [e async for e in contract_events(_aiter(bad), checked=True)]
    assert isinstance(refused.value, ValueError) and "\n" not in str(refused.value)
    assert str(refused.value).startswith("event 3 (node_end): 'duration' should be a number")


def test_checked_event_accepts_every_engine_kind_and_an_unknown_kind_with_its_envelope() -> None:
    for event in [*loop_run(), *failing_run()]:
        assert checked_event(event) == event
    assert checked_event({"event": "step_limit", "run_id": "r", "seq": 3, "ts": 1.0, "max_steps": 3})["max_steps"] == 3
    with pytest.raises(EventContractError, match="has no 'node'"):
        checked_event({"event": "node_start", "run_id": "r", "seq": 1, "ts": 1.0, "kind": "llm", "step": 1})


def test_upstream_graph_is_converted_for_drawing() -> None:
    import dspyer

    class In(BaseModel):
        q: str = Field(description="question")

    class Out(BaseModel):
        route: str = Field(description="where next")

    up = dspyer.Graph()
    up.add_node(dspyer.StatefulNode("ask", In, Out))
    up.add_node(dspyer.StatefulNode("other", In, Out))
    up.set_entry_point("ask")
    up.add_conditional_edges("ask", lambda s: s["route"], {"again": "ask", "more": "other", "stop": "__end__"})
    judge = dspyer.StatefulNode("judge", In, Out)
    up.add_conditional_edges("other", judge, {"fine": "__end__", "redo": "ask"})
    graph = as_graph(up)
    assert list(graph.nodes) == ["ask", "other", "judge"] and graph.entry_point == "ask"
    assert graph.routers["ask"].path_map == {"again": "ask", "more": "other", "stop": "__end__"}
    assert graph.node_kind("judge") == "router" and graph.edges["other"] == ["judge"]
    assert graph.routers["judge"].path_map == {"fine": "__end__", "redo": "ask"}
    assert as_graph(dspyer.AgentTranspiler.compile(up)).routers["ask"].path_map["more"] == "other"



async def test_a_paused_run_is_paused_and_an_update_at_resume_is_part_of_the_state() -> None:
    """Breakpoints (issue 12's core): the fold follows a pause, then the user's edit and the resumed run."""
    from dspyer_lab import AgentTranspiler, Graph

    graph = Graph()
    graph.add_node("first", lambda state: {"n": 1}, inline=True)
    graph.add_node("second", lambda state: {"doubled": state["n"] * 2}, inline=True)
    graph.add_edge("first", "second").set_entry_point("first")
    program = AgentTranspiler.compile(graph, interrupt_before=["second"])
    model = RunModel()
    async for event in program.astream():
        model.apply(event)
    assert model.status == "paused" and model.paused is not None and model.paused["node"] == "second"
    assert model.node_status(graph.nodes) == {"first": "done", "second": "idle"}
    checkpoint = model.paused["checkpoint"]
    async for event in program.astream(_resume=checkpoint, _update={"n": 20}):
        model.apply(event)
    assert model.status == "finished"
    second = model.visits_of("second")[0]
    assert second.state_before["n"] == 20 and model.state["doubled"] == 40
    assert model.at(len(model.events) - 1).state["n"] == 20  # a seek sees the edit too


# -- one-line summaries of large values ---------------------------------------------------------------------------

_LONG = "a  long\\n text\twith  ü  " * 400


class _Odd:
    def __repr__(self) -> str:
        return "Odd(  spaced  )"


@pytest.mark.parametrize("value", [
    _LONG, {"doc": _LONG, "n": 3}, [_LONG, {"k": [1, 2.5, None, True]}], {1: "a", 2.5: "b", None: "c", False: "d"},
    {"obj": _Odd()}, ("t", "u"), {"é": "\u00a0x\u2028 y"}, {}, [], "  ", {(1, 2): "a tuple key: repr"},
])
@pytest.mark.parametrize("limit", [0, 1, 30, 80, 200, 4000, None])
def test_clipped_text_is_the_whole_text_clipped(value: Any, limit: int | None) -> None:
    """What a panel shows of a value is `clip` of its whole text (one line or not), made without the whole text."""
    whole = to_text(value)
    assert clipped_text(value, limit) == (clip(whole, limit), limit is not None and len(whole) > limit)
    if limit is not None:
        assert one_line(value, limit) == clip(" ".join(whole.split()), limit)


def test_a_large_value_is_turned_into_text_once_however_many_events_summarize_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from dspyer_lab.lab import textview

    encoded: list[int] = []

    class CountingJson:
        def dumps(self, value: Any, **kwargs: Any) -> str:
            encoded.append(len(value) if isinstance(value, str) else 0)
            return json.dumps(value, **kwargs)

    monkeypatch.setattr(textview, "json", CountingJson())
    document = "word " * 5000
    lines = {summarize({"event": "node_end", "patch": {"document": document, "n": n}, "duration": 0.1, "attempts": 1})
             for n in range(10, 60)}
    assert len(lines) == 1  # the patch's start, the same document
    assert sum(1 for n in encoded if n >= textview.BIG) == 1
