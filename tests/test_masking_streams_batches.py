"""Secrets split over a model's streamed chunks, and secrets in a batch's errors, never leave the kernel.

A stream is masked as one text (no chunk alone holds the secret): live, in the saved file and in the
loaded replay, also when Stop cuts it off. A BatchView masks the errors of its examples where they enter
its model (the stats, ``to_pandas``) and rewrites the exceptions it returns in place.

Each test makes its own secret (`new_secret`), so a pass cannot come from a value masked by an earlier test.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import traceback
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import dspy
import pytest
from pydantic import BaseModel
from test_masking import echo_program, new_secret
from test_panels import synced_text, text
from test_runmodel import Recorder

from dspyer_lab import AgentTranspiler, Graph, NodeValidationError, ScriptedLM, StatefulNode
from dspyer_lab.core import scripted
from dspyer_lab.lab.model.runmodel import RunModel
from dspyer_lab.lab.model.viewmodel import STREAM_TAIL, Page, Screen, Selection, lab_json
from dspyer_lab.lab.textview import MASK, Masker
from dspyer_lab.lab.widgets import BatchView, LabView

# -- a stream cut off by Stop ------------------------------------------------------------------------------------


class Request(BaseModel):
    question: str
    api_key: str


class Reply(BaseModel):
    answer: str


def pieces(secret: str, size: int = 7) -> list[str]:
    """Every `size`-character piece of `secret`: none may show, not even as one chunk of a stream."""
    return [secret[i : i + size] for i in range(len(secret) - size + 1)]


def shows_part(shown: str, secret: str) -> bool:
    return any(piece in shown for piece in pieces(secret))


async def stop_once_streamed(view: LabView, events: AsyncIterator[dict[str, Any]], part: str) -> None:
    """Let `view` watch `events` until the model has streamed `part` (the view folded those chunks), then Stop:
    the answer's ``lm_call`` never comes."""
    streamed_part = asyncio.Event()

    async def until_part() -> AsyncIterator[dict[str, Any]]:
        streamed = ""
        async with contextlib.aclosing(events):
            async for event in events:
                yield event  # resumed once the view has folded the event
                streamed += event["chunk"] if event["event"] == "token" else ""
                if part in streamed:
                    streamed_part.set()
                    await asyncio.Event().wait()  # the model goes on writing, the view sees no more

    task = asyncio.ensure_future(view.watch(until_part()))
    async with asyncio.timeout(30):
        await streamed_part.wait()
    view.stop()
    with pytest.raises(asyncio.CancelledError):
        await task


def every_step(view: LabView) -> list[str]:
    """The view's synced state at each step of its slider (the run as it was after 0, 1, ... events)."""
    shown = []
    for step in range(len(view.events) + 1):
        view.seek(step)
        shown.append(synced_text(view))
    return shown


def streamed_blocks(view: LabView) -> list[dict[str, Any]]:
    return [b["stream"] for b in view.panel["calls"]["blocks"] if "stream" in b]


@pytest.mark.parametrize("streamed", ["all of it", "half of it"])
async def test_a_secret_streamed_over_chunks_then_stopped_is_masked_live_in_the_file_and_when_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: str
) -> None:
    secret = new_secret()
    part = secret if streamed == "all of it" else secret[:14]  # Stop can land in the middle of the secret
    monkeypatch.setattr(scripted, "word_chunks", lambda text: [text[i : i + 8] for i in range(0, len(text), 8)])
    lm = ScriptedLM({"answer": lambda inputs: {"answer": f"your key is {inputs['api_key']}, as you asked"}})
    program = AgentTranspiler.compile(Graph().add_node(StatefulNode("answer", Request, Reply)).set_entry_point("answer"))
    view = LabView(program)
    with dspy.context(lm=lm):
        await stop_once_streamed(view, program.astream(question="q", api_key=secret, _stream_tokens=True), part)
    chunks = [e["chunk"] for e in view.events if e["event"] == "token"]
    assert part in "".join(chunks) and not any(part in c for c in chunks)  # split: no chunk holds it
    assert view.run_log.status == "cancelled" and "lm_call" not in {e["event"] for e in view.events}

    live = every_step(view)  # the panels, the timeline and the slider's note, as synced (the notebook's widget state)
    assert not any(shows_part(shown, part) for shown in live)
    [cut_off] = streamed_blocks(view)
    assert cut_off["text"].startswith(f"your key is {MASK}")

    saved = view.save(tmp_path / "stopped.json").read_text(encoding="utf-8")
    assert not shows_part(saved, part) and f"your key is {MASK}" in saved
    loaded = LabView.load(tmp_path / "stopped.json")
    assert [(e["event"], e["seq"]) for e in loaded.events] == [(e["event"], e["seq"]) for e in view.events]
    assert not any(shows_part(shown, part) for shown in every_step(loaded))
    assert streamed_blocks(loaded) == [cut_off]


def test_the_newest_end_of_a_long_stream_shows_no_part_of_a_secret_the_cut_falls_in() -> None:
    secret = new_secret()
    e = Recorder()
    e("run_start", inputs={"api_key": secret})
    e("node_start", node="n", kind="llm", step=1, inputs={})
    written = "a" * 5000 + secret + "b" * (STREAM_TAIL - 10)  # the newest STREAM_TAIL characters begin in the secret
    for i in range(0, len(written), 100):
        e("token", node="n", attempt=1, field="essay", chunk=written[i : i + 100])
    run = RunModel.replay(e.events)
    masker = Masker()
    masker.learn(e.events[0]["inputs"])
    panel = lab_json(run, run, Selection(), Page(), Screen(masker))
    [stream] = [b["stream"] for b in panel["node"]["blocks"] if "stream" in b]
    assert stream["text"] == "…" + MASK + "b" * (STREAM_TAIL - 10)
    assert secret[-10:] not in text(panel)


# -- a BatchView's errors ----------------------------------------------------------------------------------------


def refuse(state: dict[str, Any]) -> None:
    if state.get("refuse"):
        raise ValueError(f"bad key {state['api_key']}")


def refusing_graph() -> Graph:
    return Graph().add_node("check", refuse).set_entry_point("check")


async def test_a_secret_in_an_examples_error_or_in_another_examples_inputs_is_masked_in_to_pandas() -> None:
    secret = new_secret()
    view = BatchView(refusing_graph())
    await view.run([{"api_key": new_secret(), "note": f"use {secret}"}, {"api_key": secret, "refuse": True}])
    table = view.to_pandas("examples")
    assert table.loc[1, "error"] == f"bad key {MASK}" and f'note="use {MASK}"' in table.loc[0, "summary"]
    assert secret not in table.to_json(force_ascii=False)


async def test_a_secret_in_an_examples_error_or_its_metrics_is_masked_in_the_stats() -> None:
    secret = new_secret()

    def quoting_metric(example: Any, prediction: Any) -> float:
        raise RuntimeError(f"metric saw {example['api_key']}")

    view = BatchView(refusing_graph())
    await view.run([{"api_key": secret, "refuse": True}, {"api_key": secret}], metric=quoting_metric)
    assert [row["error"] for row in view.stats["examples"]] == [f"bad key {MASK}", f"metric saw {MASK}"]
    assert secret not in json.dumps(view.stats) and secret not in repr(view.model.stats.examples)
    assert str(view.batch.metric_errors[1]) == f"metric saw {MASK}"  # type: ignore[union-attr]


async def test_the_exceptions_a_batch_returns_for_failed_examples_are_masked_in_place() -> None:
    secret = new_secret()
    program, lm = echo_program()  # the model echoes the key into a field that cannot parse
    view = BatchView(program)
    with dspy.context(lm=lm):
        [outcome] = await view.run([{"question": "hi", "api_key": secret}])
    assert isinstance(outcome, NodeValidationError) and view.errors == {0: outcome}
    shown = "".join(traceback.format_exception(outcome)) + repr(outcome) + outcome.raw_output
    assert f"my key is {MASK}" in shown and secret not in shown
