"""The typed promise, as a user's mypy sees it: the package ships `py.typed`, so a program
compiled with `output_model=Answer` returns `Answer` from `aforward`, the sync call and
`run.result`, a misspelt field of the result is a type error, not a runtime surprise, and an
event of `run.events()` narrows to its kind's TypedDict."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

USER_FILE = textwrap.dedent(
    '''
    from pydantic import BaseModel

    from dspyer_lab import AgentTranspiler, Graph, LabView, StatefulNode


    class Question(BaseModel):
        question: str


    class Answer(BaseModel):
        answer: str
        confidence: float


    graph = Graph().add_node(StatefulNode("answer", Question, Answer)).set_entry_point("answer")
    program = AgentTranspiler.compile(graph, output_model=Answer)


    async def main() -> None:
        reveal_type(await program.aforward(question="hi"))
        reveal_type(program(question="hi"))
        reveal_type(await program.acall(question="hi"))
        run = program.new_run(question="hi")
        async for event in run.events():
            if event["event"] == "node_end":
                reveal_type(event)
                reveal_type(event["patch"])
        reveal_type(run.result)
        result = await program.aforward(question="hi")
        print(result.confidense)
        view = LabView(program)
        reveal_type(await view.run(question="hi"))
        reveal_type(LabView(graph))
        reveal_type(await view.resume())
    '''
)


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """mypy's report on the user file, with dspyer_lab found like an installed package (PYTHONPATH, not MYPYPATH)."""
    folder = tmp_path_factory.mktemp("user_project")
    (folder / "user.py").write_text(USER_FILE)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("MYPYPATH", None)
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--cache-dir", os.devnull, "--no-error-summary", "user.py"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=240,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stdout.splitlines()


def revealed(mypy_output: list[str]) -> list[str]:
    return [m.group(1) for line in mypy_output if (m := re.search(r'Revealed type is "(.*)"', line))]


def test_results_are_typed_with_the_output_model(mypy_output: list[str]) -> None:
    found = revealed(mypy_output)
    assert [found[i] for i in (0, 1, 2, 5)] == [
        "user.Answer",  # await program.aforward(...)
        "user.Answer",  # program(...)
        "user.Answer",  # await program.acall(...)
        "user.Answer",  # run.result
    ]


def test_a_labview_of_a_program_is_typed_with_its_output_model(mypy_output: list[str]) -> None:
    """``LabView(program)`` is a ``LabView[Answer]``: ``await view.run(...)`` is an ``Answer``; a graph's view runs
    whatever its compiled program returns (``Any``); a resumed run's result is None when it pauses again."""
    assert revealed(mypy_output)[6:] == [
        "user.Answer",
        "dspyer_lab.lab.widgets.labview.LabView[Any]",
        "user.Answer | None",
    ]


def test_an_event_narrows_to_its_kinds_typeddict(mypy_output: list[str]) -> None:
    """`Run.events()` yields the union of the event TypedDicts: testing ``event["event"]`` narrows it."""
    event, patch = revealed(mypy_output)[3:5]
    assert event.startswith("TypedDict(dspyer_lab.core.events.NodeEnd, {") and "'event': Literal['node_end']" in event
    assert patch == "dict[str, Any]"


def test_a_misspelt_result_field_is_a_type_error(mypy_output: list[str]) -> None:
    errors = [line for line in mypy_output if ": error:" in line]
    assert len(errors) == 1, mypy_output
    assert '"Answer" has no attribute "confidense"' in errors[0]


def test_the_package_ships_its_py_typed_marker() -> None:
    """Without the marker, a user's mypy treats the whole package as Any (the revealed types above)."""
    assert (REPO / "dspyer_lab" / "py.typed").is_file()
