"""Secrets never leave the kernel: the name rule, and every way a secret a model echoes could reach the
saved notebook: the exception `await view.run(...)` re-raises (as IPython prints it), the `%%dspyer`
cell's one-line error, reprs, log records, saved runs, and the .ipynb itself (a real kernel).

Each test makes its own secret, so a pass cannot come from a value masked by an earlier test.
"""

from __future__ import annotations

import builtins
import json
import logging
import pickle
import re
import secrets
import sys
import traceback
from pathlib import Path
from typing import Any

import dspy
import nbformat
import pytest
from IPython.core.error import UsageError
from IPython.core.ultratb import AutoFormattedTB
from pydantic import BaseModel, ValidationError

from dspyer_lab import AgentTranspiler, Graph, NodeValidationError, ScriptedLM, StatefulNode
from dspyer_lab.core.exceptions import MaxStepsExceeded
from dspyer_lab.lab.labview import LabView
from dspyer_lab.lab.magics import DspyerCellError
from dspyer_lab.lab.masking import mask_exception
from dspyer_lab.core.events import RunEvents
from dspyer_lab.lab.model.runmodel import RunModel, introduced
from dspyer_lab.lab.model.viewmodel import Page, Screen, Selection, lab_json
from dspyer_lab.lab.textview import BIG, MASK, Masker

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def new_secret() -> str:
    return f"sk-test-{secrets.token_hex(8)}"


# -- the name rule -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["API_KEY_2", "API_KEY_1", "token_v2", "tokenV2", "Authorization", "proxy_authorization", "passphrase",
             "pwd", "db_pwd", "api_key_v10"],
)
def test_versioned_and_header_like_secret_names_are_secret(name: str) -> None:
    assert Masker().is_secret(name)


@pytest.mark.parametrize(
    "name", ["key_points", "max_tokens", "primary_key", "tokenizer", "author", "v2", "key_points_2"]
)
def test_names_that_merely_contain_a_secret_word_are_not(name: str) -> None:
    assert not Masker().is_secret(name)


# -- exceptions ----------------------------------------------------------------------------------------------------


class Confidence(BaseModel):
    confidence: float


def _validation_error(value: str) -> ValidationError:
    try:
        Confidence(confidence=value)  # type: ignore[arg-type]
    except ValidationError as exc:
        return exc
    raise AssertionError("unreachable")


@pytest.mark.skipif(sys.version_info < (3, 11), reason="exception groups and notes are Python 3.11")
def test_mask_exception_masks_the_whole_chain_in_place_and_keeps_types() -> None:
    secret = new_secret()
    masker = Masker()
    masker.learn({"api_key": secret})
    cause = _validation_error(f"my key is {secret}")  # a message pydantic computes: args cannot change it
    error = NodeValidationError("answer", 2, f"bad confidence {secret}", f"raw {secret}", ["confidence"])
    error.__cause__ = cause
    error.add_note(f"(raised with {secret})")
    context = KeyError(secret)
    group = builtins.ExceptionGroup("several", [ValueError(f"one {secret}"), MaxStepsExceeded(3, "loop", {"api_key": secret})])
    context.__context__ = group
    cause.__context__ = context

    assert mask_exception(error, masker) is error
    shown = "".join(traceback.format_exception(error)) + repr(error) + repr(cause) + repr(error.__dict__)
    assert secret not in shown and f"my key is {MASK}" in shown and f"raw {MASK}" == error.raw_output
    assert isinstance(cause, ValidationError) and type(cause).__name__ == "ValidationError"
    assert str(context) == repr(MASK) and group.exceptions[1].state == {"api_key": MASK}
    assert secret not in repr(pickle.loads(pickle.dumps(error)).__dict__), "the pickled arguments are masked too"


# -- a LabView run: the exception, reprs, the saved run, log records ---------------------------------------------


class Request(BaseModel):
    question: str
    api_key: str


class Answer(BaseModel):
    answer: str
    confidence: float


def echo_program() -> tuple[Any, ScriptedLM]:
    """A program whose model echoes the api_key it is given into a field that cannot parse (so the run fails)."""
    graph = Graph().add_node(StatefulNode("answer", Request, Answer)).set_entry_point("answer")
    program = AgentTranspiler.compile(graph, output_model=Answer, max_retries=1)
    lm = ScriptedLM({"answer": lambda inputs: {"answer": "ok", "confidence": f"my key is {inputs['api_key']}"}})
    return program, lm


async def test_a_failed_run_re_raises_its_exception_masked_as_the_notebook_shows_it(tmp_path: Path) -> None:
    secret = new_secret()
    program, lm = echo_program()
    view = LabView(program)
    with dspy.context(lm=lm), pytest.raises(NodeValidationError) as caught:
        await view.run(question="hi", api_key=secret)
    exc = caught.value
    coloured = AutoFormattedTB(mode="Context").structured_traceback(type(exc), exc, exc.__traceback__)
    notebook_traceback = ANSI.sub("", "\n".join(coloured))  # the colour option's name changed in IPython 9
    assert f"my key is {MASK}" in notebook_traceback  # the echo is there, masked (in the cause and the message)
    assert secret not in notebook_traceback and secret not in str(exc) and secret not in exc.raw_output
    assert secret not in repr(view) and secret not in repr(view.run_log)
    saved = view.save(tmp_path / "run.json").read_text()
    assert secret not in saved and MASK in saved
    assert view.run_log.status == "failed" and view.masker.mask_text(secret) == MASK


async def test_log_records_are_masked_once_a_view_knows_the_secret(caplog: pytest.LogCaptureFixture) -> None:
    secret = new_secret()
    program, lm = echo_program()
    view = LabView(program)
    with dspy.context(lm=lm), pytest.raises(NodeValidationError) as caught:
        await view.run(question="hi", api_key=secret)
    log = logging.getLogger("user.code")
    with caplog.at_level(logging.INFO):
        log.warning("calling the API with %s", secret)
        log.error("the run failed", exc_info=caught.value)
        try:
            raise RuntimeError(f"bad key {secret}")
        except RuntimeError:
            log.exception("while calling")
    assert "calling the API with ••••••" in caplog.text and "bad key ••••••" in caplog.text
    assert secret not in caplog.text
    assert view.masker is not None  # the view (and its masker) live to here


def test_a_record_that_cannot_be_masked_is_withheld_not_leaked(caplog: pytest.LogCaptureFixture,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    secret = new_secret()
    masker = Masker()
    masker.learn({"token": secret})

    def broken(text: str) -> str:
        raise RuntimeError("masking failed")

    monkeypatch.setattr(masker, "mask_text", broken)
    with caplog.at_level(logging.INFO):
        logging.getLogger("user.code").warning("token %s", secret)  # must not raise either
    assert secret not in caplog.text and "message withheld" in caplog.text


# -- %%dspyer ------------------------------------------------------------------------------------------------------

CELL = """
from pydantic import BaseModel
from dspyer_lab import AgentTranspiler, Graph, ScriptedLM, StatefulNode
class Request(BaseModel):
    question: str
    api_key: str
class Answer(BaseModel):
    answer: str
    confidence: float
lm = ScriptedLM({"answer": lambda inputs: {"answer": "ok", "confidence": f"my key is {inputs['api_key']}"}})
graph = Graph().add_node(StatefulNode("answer", Request, Answer)).set_entry_point("answer")
program = AgentTranspiler.compile(graph, output_model=Answer, max_retries=1)
"""


def test_the_one_line_error_of_a_failed_cell_is_masked(shell: Any) -> None:  # noqa: F811
    secret = new_secret()
    shell.user_ns["creds"] = {"question": "hi", "api_key": secret}
    with pytest.raises(DspyerCellError) as caught:
        shell.run_cell_magic("dspyer", "--inputs creds --lm scripted", CELL)
    [line] = caught.value._render_traceback_()
    assert line.startswith("NodeValidationError: Node 'answer'") and f"my key is {MASK}" in line
    assert secret not in line and secret not in str(caught.value)


@pytest.mark.parametrize(
    ("line", "message"),
    [("-i question", "-i expects KEY=VALUE"), ("-i 1x=2", "-i expects KEY=VALUE"),
     ("--inputs '{\"question\": '", "--inputs is not valid JSON"), ("--inputs '[1]'", "must be a JSON object")],
)
def test_a_bad_input_is_refused_before_the_cell_body_runs(shell: Any, line: str, message: str) -> None:  # noqa: F811
    with pytest.raises(UsageError, match=message):
        shell.run_cell_magic("dspyer", line, "ran = True\n" + CELL)
    assert "ran" not in shell.user_ns


def test_inputs_naming_a_dict_the_body_defines_still_work(shell: Any) -> None:  # noqa: F811
    shell.run_cell_magic("dspyer", "--inputs later --no-run", "later = {'question': 'hi'}\n" + CELL)
    assert shell.user_ns["dspyer_view"].program is shell.user_ns["program"]


# -- the saved notebook (a real kernel) ----------------------------------------------------------------------------

NOTEBOOK = {
    "setup": "%load_ext dspyer_lab\nimport os, logging, dspy, dspyer_lab\n"
             "inputs = {'question': 'hi', 'api_key': os.environ['DSPYER_TEST_SECRET']}",
    "cell": "%%dspyer --inputs inputs --lm scripted" + CELL,
    "await": "view = dspyer_lab.show(program)\nwith dspy.context(lm=lm):\n    await view.run(**inputs)",
    "reprs": "print(repr(view), repr(view.run_log), view.events[-1]['error'][:0])\nview",
    "log": "logging.getLogger('user.code').warning('calling with %s', inputs['api_key'])",
    "save": "print(MASK_SAVED := '••••••' in open(view.save('run.json')).read())",
}


@pytest.mark.kernel
def test_a_secret_echoed_by_the_model_is_nowhere_in_the_saved_notebook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, artifacts_dir: Path
) -> None:
    from nbclient import NotebookClient

    secret = new_secret()
    monkeypatch.setenv("DSPYER_TEST_SECRET", secret)  # the kernel inherits it; the notebook's source never holds it
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in NOTEBOOK.values()]
    client = NotebookClient(nb, kernel_name="python3", timeout=120, allow_errors=True, store_widget_state=True,
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    path = tmp_path / "saved.ipynb"
    nbformat.write(nb, path)
    nbformat.write(nb, artifacts_dir / "test_masking.ipynb")
    cells = dict(zip(NOTEBOOK, nb.cells))

    # the outputs that could leak are there, masked
    [one_line] = [o for o in cells["cell"].outputs if o.output_type == "error"]
    assert one_line.ename == "DspyerCellError" and f"my key is {MASK}" in one_line.evalue
    [raised] = [o for o in cells["await"].outputs if o.output_type == "error"]
    assert raised.ename == "NodeValidationError" and f"my key is {MASK}" in "\n".join(raised.traceback)
    assert f"my key is {MASK}" in raised.evalue
    logged = "".join(o.get("text", "") for o in cells["log"].outputs)
    assert f"calling with {MASK}" in logged
    assert "True" in "".join(o.get("text", "") for o in cells["save"].outputs)
    assert nb.metadata["widgets"], "the widget state (the views' panels) is saved too"

    assert secret not in path.read_text(encoding="utf-8")


# -- a large value is masked once, however often it is shown --------------------------------------------------------


class CountingPattern:
    """Stands for a masker's compiled pattern and counts the texts of `textview.BIG` characters or more it masks."""

    def __init__(self, masker: Masker) -> None:
        self.pattern = masker._compiled()
        self.big = 0
        masker._compiled = lambda: self  # type: ignore[method-assign]

    def sub(self, mask: str, text: str) -> str:
        self.big += len(text) >= BIG
        return self.pattern.sub(mask, text)

    def finditer(self, *args: Any) -> Any:
        return self.pattern.finditer(*args)


def large_value_run(secret: str, document: str) -> tuple[RunModel, Masker]:
    """A three-step run whose every step writes `document` back (it is in the state and in every ``node_end``)."""
    make = RunEvents().make
    events = [make("run_start", inputs={"api_key": secret, "document": document})]
    for step in (1, 2, 3):
        events += [make("node_start", node="edit", kind="python", step=step, inputs=None),
                   make("node_end", node="edit", patch={"document": document}, duration=0.1, attempts=1),
                   make("route", source="edit", decision=None, target="edit" if step < 3 else "__end__")]
    events.append(make("finished", output={"document": document}, state={"api_key": secret, "document": document},
                       steps=3, duration=0.3))
    masker = Masker()
    run = RunModel()
    for event in events:
        masker.learn(introduced(event))
        run.apply(event)
    return run, masker


def test_a_large_value_is_masked_once_however_often_it_is_rendered() -> None:
    secret = new_secret()
    run, masker = large_value_run(secret, f"quoting {secret} " + "lorem ipsum " * 2000)
    counted = CountingPattern(masker)
    screen = Screen(masker)
    for k in range(len(run.events) + 1):  # every step of the slider, each rendered twice
        for _ in range(2):
            shown = json.dumps(lab_json(run.at(k), run, Selection(), Page(), screen))
            assert secret not in shown
    assert counted.big == 1  # the document, once; its masked text is known to be masked already


def test_a_secret_learned_after_a_value_entered_is_masked_in_what_was_made_before() -> None:
    first, later = new_secret(), new_secret()
    run, masker = large_value_run(first, f"{later} opens it; " + "lorem ipsum " * 2000)
    screen = Screen(masker)
    before = json.dumps(lab_json(run, run, Selection(), Page(), screen), ensure_ascii=False)
    assert later in before  # not known as a secret yet: shown
    masker.learn({"token": later})  # e.g. a later event carries it under a secret name
    after = json.dumps(lab_json(run, run, Selection(), Page(), screen), ensure_ascii=False)
    assert later not in after and MASK in after
    full = [screen.full_text(key) for key in screen.handles]
    assert full and all(later not in text for text in full if text)
