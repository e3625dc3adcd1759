"""A person's answers in saved runs: a run file and the run store keep the question, the answer and when it was
given, and a secret in an answer is masked like any value before it reaches a file.

What a user relies on: a run reopened from a file or the store shows what was asked and answered (so it can be
replayed and forked), and pasting a key into an answer form never writes that key to disk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

import dspyer_lab
from dspyer_lab import END, AgentTranspiler, Checkpoint, Graph, HumanNode, RunPaused
from dspyer_lab.lab.model.runfile import read_run, write_run
from dspyer_lab.lab.model.store import RunStore
from dspyer_lab.lab.textview import MASK, Masker

SECRET = "sk-test-5e1d9b7c3a0f2e4d6c8b"


class Service(BaseModel):
    service: str


class Credentials(BaseModel):
    """The key to connect with."""

    user: str
    api_key: str


def program() -> Any:
    """credentials (a person) -> connect (Python) -> END."""
    g = Graph().add_node(HumanNode("credentials", Service, Credentials))
    g.add_node("connect", lambda s: {"connected": s["service"]}, inline=True)
    g.add_edge("credentials", "connect").add_edge("connect", END).set_entry_point("credentials")
    return AgentTranspiler.compile(g)


def answered_run(store: RunStore) -> list[dict[str, Any]]:
    """The stored events of one run, asked then answered with a secret, through the sync call."""
    prog = program()
    with dspyer_lab.record_to(store):
        with pytest.raises(RunPaused) as paused:
            prog(service="mail")
        prog(_resume=paused.value.checkpoint, _answer={"user": "ada", "api_key": SECRET})
    return store.load(paused.value.checkpoint.run_id).events


async def events_of_one_run() -> list[dict[str, Any]]:
    prog = program()
    asked = [e async for e in prog.astream(service="mail")]
    answered = [e async for e in prog.astream(_resume=asked[-1]["checkpoint"], _answer={"user": "ada", "api_key": SECRET})]
    return asked + answered


async def test_a_run_file_keeps_the_question_and_the_answer_with_its_time_and_masks_the_secret(tmp_path: Path) -> None:
    events = await events_of_one_run()
    path = write_run(tmp_path / "run.json", program().graph, events, None, Masker())
    assert SECRET not in path.read_text(encoding="utf-8")
    saved = read_run(path).events
    [paused] = [e for e in saved if e["event"] == "paused"]
    [answer] = [e for e in saved if e["event"] == "answer"]
    assert paused["interrupts"][0]["schema"]["required"] == ["user", "api_key"]
    assert paused["interrupts"][0]["inputs"] == {"service": "mail"}
    given = next(e for e in events if e["event"] == "answer")
    assert answer["value"] == {"user": "ada", "api_key": MASK} and answer["answered_at"] == given["answered_at"]
    assert Checkpoint.from_events(saved, saved.index(paused) + 1).interrupts[0]["id"] == "credentials:1.0:0"


def test_the_run_store_keeps_them_in_the_runs_row_and_no_database_file_holds_the_secret(tmp_path: Path) -> None:
    with RunStore(tmp_path / "runs.sqlite") as store:
        events = answered_run(store)
        [row] = store.runs()
        assert row.status == "finished"
        kinds = [e["event"] for e in events]
        assert kinds.index("paused") < kinds.index("answer") < kinds.index("finished")
        [answer] = [e for e in events if e["event"] == "answer"]
        assert answer["value"]["api_key"] == MASK and answer["answered_at"] > 0
        assert SECRET not in str(events)
        files = [p for p in store.path.parent.iterdir() if p.name.startswith(store.path.name)]
        for path in files:
            data = path.read_bytes()
            assert SECRET.encode() not in data and SECRET.encode("utf-16-le") not in data, path
