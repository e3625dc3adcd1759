"""The run store's paged query (what the runs browser shows): filters, sorting, paging and counts.

Runs are real recordings (`record_to`) of small Python-node programs, so statuses, errors, durations
and the nodes visited are what a user's runs would store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import dspyer_lab
from dspyer_lab import END, AgentTranspiler, Graph, StoreError
from dspyer_lab.lab.model.store import RunStore


def router_program(name: str) -> Any:
    """`pick` routes to `left` or `right` by the input; `left` fails when asked to, with a message given."""

    def pick(state: dict[str, Any]) -> dict[str, Any]:
        return {"picked": state["side"]}

    def left(state: dict[str, Any]) -> dict[str, Any]:
        if state["fail"]:
            raise RuntimeError(state["fail"])
        return {"out": "L"}

    def right(state: dict[str, Any]) -> dict[str, Any]:
        return {"out": "R"}

    graph = (
        Graph()
        .add_node("pick", pick)
        .add_node("left", left)
        .add_node("right", right)
        .add_conditional_edges("pick", lambda state: state["side"], {"left": "left", "right": "right"})
        .add_edge("left", END)
        .add_edge("right", END)
        .set_entry_point("pick")
    )
    program = AgentTranspiler.compile(graph)
    program.name = name
    return program


def record(store: RunStore, program: Any, *, side: str = "right", fail: str = "") -> None:
    with dspyer_lab.record_to(store):
        try:
            program(side=side, fail=fail)
        except RuntimeError:
            pass


@pytest.fixture
def store(tmp_path: Path) -> Any:
    with RunStore(tmp_path / "runs.sqlite") as opened:
        yield opened


def test_pages_cover_every_run_once_newest_first_with_the_total(store: RunStore) -> None:
    program = router_program("alpha")
    for _ in range(23):
        record(store, program)
    every = [run.run_id for run in store.runs()]
    pages = [store.query(offset=offset, limit=10) for offset in (0, 10, 20, 30)]
    assert [page.total for page in pages] == [23] * 4
    assert [len(page.runs) for page in pages] == [10, 10, 3, 0]
    assert [run.run_id for page in pages for run in page.runs] == every
    started = [run.started for run in store.query(limit=100).runs]
    assert started == sorted(started, reverse=True)


def test_filters_combine_and_the_total_counts_only_matches(store: RunStore) -> None:
    alpha, beta = router_program("alpha"), router_program("beta")
    for _ in range(3):
        record(store, alpha, side="left", fail="disk 100% full_now")
    for _ in range(4):
        record(store, alpha, side="right")
    for _ in range(2):
        record(store, beta, side="left")
    assert store.programs() == ["alpha", "beta"]
    assert store.query(program="alpha").total == 7
    failed = store.query(program="alpha", status="failed")
    assert failed.total == 3 and {run.status for run in failed.runs} == {"failed"}
    assert all(run.error_node == "left" for run in failed.runs)
    # the error text matches literally and in any case: % and _ are not wildcards
    assert store.query(text="100% FULL_now").total == 3
    assert store.query(text="100%% full").total == 0
    assert store.query(text="1_0").total == 0
    assert store.query(program="beta", status="failed").total == 0


def test_the_node_filter_finds_runs_that_visited_that_node(store: RunStore) -> None:
    program = router_program("alpha")
    for side in ("left", "right", "left", "left"):
        record(store, program, side=side)
    lefts = store.query(node="left")
    assert lefts.total == 3 and all(run.nodes == ["pick", "left"] for run in lefts.runs)
    assert store.query(node="right").runs[0].nodes == ["pick", "right"]
    assert store.query(node="pick").total == 4
    assert store.query(node="lef").total == 0  # a whole node name, not a substring


def test_dates_bound_the_start_time(store: RunStore) -> None:
    program = router_program("alpha")
    for _ in range(5):
        record(store, program)
    runs = store.runs()  # newest first
    middle = runs[2].started
    assert {run.run_id for run in store.query(since=middle).runs} == {run.run_id for run in runs[:3]}
    assert {run.run_id for run in store.query(until=middle).runs} == {run.run_id for run in runs[3:]}


def test_sorting_by_a_column_both_ways_with_missing_values_last(store: RunStore) -> None:
    program = router_program("alpha")
    record(store, program, side="left", fail="b error")
    record(store, program, side="left", fail="a error")
    record(store, program, side="right")
    ascending = [run.error for run in store.query(sort="error", descending=False).runs]
    descending = [run.error for run in store.query(sort="error").runs]
    assert ascending == ["RuntimeError: a error", "RuntimeError: b error", None]
    assert descending == ["RuntimeError: b error", "RuntimeError: a error", None]
    by_program = store.query(sort="program", descending=False).runs
    assert [run.started for run in by_program] == sorted((run.started for run in by_program), reverse=True)


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"sort": "inputs"}, "sort='inputs'"),
        ({"status": "done"}, "status 'done'"),
        ({"limit": -1}, "limit=-1"),
        ({"offset": 1.5}, "offset=1.5"),
        ({"since": "yesterday"}, "since='yesterday'"),
    ],
)
def test_a_bad_query_is_a_one_line_error_naming_the_value(store: RunStore, arguments: dict[str, Any], named: str) -> None:
    with pytest.raises(StoreError, match=named) as raised:
        store.query(**arguments)
    assert "\n" not in str(raised.value)
