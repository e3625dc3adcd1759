"""OptimizeView: DSPy's optimizers run on a compiled program, watched through DSPy's own callbacks.

The scripted model answers `answer` right only for a vowel, or when the prompt carries a demo (an earlier
"A(" turn) or the instruction "carefully": so bootstrapped demos and proposed instructions really change the
scores, as with a real model, and the before/after counts can be counted by hand.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import dspy
import pytest
from dspy.teleprompt import Teleprompter
from http_helpers import aclose_lm, make_lm

from dspyer_lab import ScriptedLM
from dspyer_lab.core.scripted import Prompt
from dspyer_lab.lab.model.optimize_events import candidate_of
from dspyer_lab.lab.model.presenter_errors import ViewProgramError
from dspyer_lab.lab.widgets import LabView, OptimizeView
from dspyer_lab.testing import ChatServer, chat_adapter_responder

from core_helpers import echo_chain_program

TRAIN = "aebcdf"
VAL = "ivwxyz"
VOWELS = "aeiou"


def answer(inputs: dict[str, Any], prompt: Prompt) -> dict[str, str]:
    q = inputs["query"]
    right = q in VOWELS or "A(" in prompt.user or "carefully" in prompt.system
    return {"answer": f"A({q})" if right else f"wrong {q}"}


def script(**more: Any) -> dict[str, Any]:
    """The program's two nodes, and the fields MIPROv2's proposer and GEPA's reflection ask for."""
    proposals = {name: "Answer carefully." for name in ("proposed_instruction", "new_instruction")}
    described = {name: "Letters." for name in ("program_description", "module_description", "observations", "summary")}
    return {**proposals, **described, "answer": answer, "summarize": lambda i: {"summary": f"S({i['answer']})"}, **more}


def examples(letters: str) -> list[dspy.Example]:
    return [dspy.Example(query=q, summary=f"S(A({q}))").with_inputs("query") for q in letters]


def metric(example: dspy.Example, prediction: Any, trace: object = None) -> bool:
    return bool(prediction.summary == example.summary)


def feedback_metric(gold: Any, pred: Any, trace: Any = None, pred_name: Any = None, pred_trace: Any = None) -> float:
    return float(metric(gold, pred))


def bootstrap() -> Any:
    return dspy.BootstrapFewShot(metric=metric, max_bootstrapped_demos=2, max_labeled_demos=0)


def random_search(**options: Any) -> Any:
    return dspy.BootstrapFewShotWithRandomSearch(
        metric=metric, max_bootstrapped_demos=2, max_labeled_demos=0, num_candidate_programs=2, num_threads=1, **options
    )


async def optimize(optimizer: Any, lm: Any = None, **options: Any) -> tuple[OptimizeView, Any]:
    view = OptimizeView(echo_chain_program(), optimizer, examples(TRAIN), examples(VAL), metric, **options)
    with dspy.context(lm=lm or ScriptedLM(script())):
        result = await view.run()
    return view, result


def hand_count() -> dict[str, int]:
    """Before: right on vowels only; after (a demo or the instruction): right everywhere."""
    fixed = sum(q not in VOWELS for q in VAL)
    return {"fixed": fixed, "broken": 0, "same": len(VAL) - fixed, "changed": 0}


# -- the four optimizers -------------------------------------------------------------------------------


async def test_bootstrap_fewshot_runs_in_the_view_and_before_after_matches_a_hand_count() -> None:
    view, result = await optimize(bootstrap())
    assert type(result) is type(view.presenter.program) and result is view.optimized
    assert view.model.state == "finished" and "bootstrapping demos" in view.model.phases
    assert view.model.trials == []  # it evaluates nothing: its score is before/after's
    panel = view.panel
    compare = panel["after"]["compare"]
    assert compare["mode"] == "batches" and compare["counts"] == hand_count()
    assert view.presenter.compare is not None and view.presenter.compare.top.counts == hand_count()
    evaluated = dspy.Evaluate(devset=examples(VAL), metric=metric, display_progress=False)
    with dspy.context(lm=ScriptedLM(script())):
        assert evaluated(result).score == 100.0
    assert (compare["score"]["mean_a"], compare["score"]["mean_b"]) == (f"{1 / 6:.3f}", "1.000")
    nodes = {n["node"]: n for n in panel["after"]["nodes"]}
    assert nodes["answer"]["demos_before"] == 0 and nodes["answer"]["demos_after"] == 2
    assert nodes["answer"]["demos_added"][0] == '{"augmented": true, "query": "a", "answer": "A(a)"}'
    assert not nodes["answer"]["changed"]
    badges = view.picture["optimize"]["nodes"]
    assert badges["answer"]["demos"] == 2 and badges["answer"]["candidates"] == 1 and badges["answer"]["in_best"] == 1


async def test_random_search_trial_scores_are_its_candidate_programs_scores() -> None:
    view, result = await optimize(random_search())
    scores = [t.score for t in view.model.trials]
    assert sorted(scores, reverse=True) == [c["score"] for c in result.candidate_programs]
    assert all(t.on == "valset" and t.examples == len(VAL) for t in view.model.trials)
    points = view.panel["trials"]
    assert [p["score"] for p in points] == scores and [p["n"] for p in points] == [1, 2, 3, 4, 5]
    best = view.model.best
    assert best is not None and best.score == max(scores) == 100.0
    assert view.panel["best_line"][-1] == [5, 100.0]
    assert view.model.progress().done == view.model.progress().total == 5
    assert view.presenter.compare is not None and view.presenter.compare.top.counts == hand_count()


async def test_miprov2_trial_scores_are_its_trial_logs_and_it_proposes_instructions() -> None:
    lm = ScriptedLM(script())
    with dspy.context(lm=lm):
        mipro = dspy.MIPROv2(metric=metric, auto="light", num_threads=1, seed=0)
    view, result = await optimize(mipro, lm)
    logged = [log.get("full_eval_score", log.get("mb_score")) for _, log in sorted(result.trial_logs.items())]
    assert [t.score for t in view.model.trials] == logged
    assert {"bootstrapping demos", "proposing instructions", "trials"} <= set(view.model.phases)
    assert view.model.phases.index("proposing instructions") < view.model.phases.index("trials")
    assert view.model.best is not None and view.model.best.score == result.score
    assert "Answer carefully." in view.model.nodes["answer"].instructions  # a proposed candidate, seen
    assert view.presenter.compare is not None and view.presenter.compare.top.counts == hand_count()


async def test_gepa_valset_trials_are_its_val_aggregate_scores_and_the_new_instruction_is_diffed() -> None:
    gepa = dspy.GEPA(metric=feedback_metric, max_metric_calls=40, reflection_lm=ScriptedLM(script()), num_threads=1,
                     track_stats=True, seed=0)
    view, result = await optimize(gepa)
    on_valset = [t.score / 100 for t in view.model.trials if t.on == "valset" and t.score is not None]
    # the same evaluations: dspy.Evaluate's percentage is rounded to 2 decimals, GEPA's mean is not
    assert on_valset == pytest.approx(result.detailed_results.val_aggregate_scores, abs=1e-4)
    assert "proposing instructions" in view.model.phases
    nodes = {n["node"]: n for n in view.panel["after"]["nodes"]}
    assert nodes["answer"]["changed"] and nodes["answer"]["instructions"] == "Answer carefully."
    assert ["+", "carefully"] in nodes["answer"]["diff"]
    assert view.picture["optimize"]["nodes"]["answer"]["in_best"] == 2  # the second instruction seen
    assert view.presenter.compare is not None and view.presenter.compare.top.counts == hand_count()


class TwoCandidates(Teleprompter):
    """An optimizer the view does not know: it evaluates the student and a copy with a demo, keeps the better."""

    def compile(self, student: Any, *, trainset: list[Any], valset: list[Any] | None = None) -> Any:
        evaluate = dspy.Evaluate(devset=valset, metric=metric, display_progress=False)
        with_demo = student.deepcopy()
        with_demo.predictor("answer").demos = [dspy.Example(query="a", answer="A(a)")]
        return max((student, with_demo), key=lambda p: evaluate(p).score)


async def test_any_other_optimizer_runs_with_the_generic_parts() -> None:
    view, result = await optimize(TwoCandidates())
    assert [(t.number, t.on) for t in view.model.trials] == [(1, "valset"), (2, "valset")]
    assert [t.score for t in view.model.trials] == [pytest.approx(100 / 6, abs=0.01), 100.0]
    assert view.model.best is view.model.trials[1] and view.model.progress().total is None
    assert candidate_of(result)["answer"].demos == 1
    assert view.presenter.compare is not None and view.presenter.compare.top.counts == hand_count()


# -- what the run returns -------------------------------------------------------------------------------


async def test_the_optimized_program_saves_loads_and_runs_in_a_labview(tmp_path: Path) -> None:
    _, result = await optimize(bootstrap())
    path = tmp_path / "optimized.json"
    result.save(str(path))
    fresh = echo_chain_program()
    fresh.load(str(path))
    assert candidate_of(fresh) == candidate_of(result)
    view = LabView(fresh)
    with dspy.context(lm=ScriptedLM(script())):
        out = await view.run(query="z")
    assert out.summary == "S(A(z))" and view.run_log.status == "finished"  # right only thanks to the demos
    view.close()


async def test_stop_keeps_the_best_candidate_evaluated_so_far_and_says_so() -> None:
    view = OptimizeView(echo_chain_program(), random_search(), examples(TRAIN), examples(VAL), metric)
    loop = asyncio.get_running_loop()
    asked = threading.Event()

    def stopping_answer(inputs: dict[str, Any], prompt: Prompt) -> dict[str, str]:
        scored = [t for t in view.model.trials if t.score is not None]
        if len(scored) >= 3 and not asked.is_set():  # in the optimizer's thread: stop, and wait till it is asked
            asked.set()
            loop.call_soon_threadsafe(view.stop)
            while not view.presenter.stopping:
                asked.wait(0.001)
        return answer(inputs, prompt)

    with dspy.context(lm=ScriptedLM(script(answer=stopping_answer))):
        result = await view.run()
    model = view.model
    assert model.state == "stopped" and len(model.trials) < 5
    best = model.best
    assert best is not None and best.number == 3 and best.score == 100.0
    assert candidate_of(result) == best.candidate and result is not best.program  # a copy of that very candidate
    assert "stopped: the best candidate evaluated so far (trial 3" in model.note and view.panel["note"] == model.note
    assert view.presenter.compare is None and view.panel["after"] is None  # before/after not run after a stop
    assert not view.running and view.stop() is False


@pytest.mark.parametrize("kind", ["MIPROv2", "GEPA"])
async def test_a_stop_reaches_the_optimizers_own_loops(kind: str) -> None:
    """Optuna's trials (MIPROv2) and GEPA's iterations catch `Exception`: the stop is not one, so it gets through."""
    loop = asyncio.get_running_loop()
    views: list[OptimizeView] = []

    def stopping_answer(inputs: dict[str, Any], prompt: Prompt) -> dict[str, str]:
        if sum(t.score is not None for t in views[0].model.trials) >= 2:
            loop.call_soon_threadsafe(views[0].stop)
        return answer(inputs, prompt)

    with dspy.context(lm=ScriptedLM(script(answer=stopping_answer))):  # MIPROv2 keeps the LM it is made with
        optimizer = dspy.MIPROv2(metric=metric, auto="light", num_threads=2, seed=0) if kind == "MIPROv2" else dspy.GEPA(
            metric=feedback_metric, max_metric_calls=40, reflection_lm=ScriptedLM(script()), num_threads=2)
        views.append(OptimizeView(echo_chain_program(), optimizer, examples(TRAIN), examples(VAL), metric))
        result = await views[0].run()
    model = views[0].model
    assert model.state == "stopped" and model.best is not None and "stopped: the best candidate" in model.note
    assert candidate_of(result) == model.best.candidate
    assert len(model.trials) < 6  # it did not run to its end


async def test_stopping_before_any_trial_returns_the_program_unchanged() -> None:
    view = OptimizeView(echo_chain_program(), bootstrap(), examples(TRAIN), examples(VAL), metric)
    loop = asyncio.get_running_loop()

    def first_answer(inputs: dict[str, Any], prompt: Prompt) -> dict[str, str]:
        loop.call_soon_threadsafe(view.stop)
        while not view.presenter.stopping:  # in the optimizer's thread: the loop stops it
            threading.Event().wait(0.001)
        return answer(inputs, prompt)

    with dspy.context(lm=ScriptedLM(script(answer=first_answer))):
        result = await view.run()
    assert candidate_of(result) == candidate_of(view.presenter.program)
    assert "before any candidate was evaluated" in view.model.note


# -- errors -----------------------------------------------------------------------------------------------


def failing_on_z(inputs: dict[str, Any], prompt: Prompt) -> Any:
    if inputs["query"] == "z":
        raise RuntimeError("no answer for z")
    return answer(inputs, prompt)


async def test_an_example_that_fails_in_a_trial_shows_on_that_trial_and_the_optimizer_goes_on() -> None:
    view, _ = await optimize(random_search(), ScriptedLM(script(answer=failing_on_z)))
    assert len(view.model.trials) == 5 and view.model.state == "finished"  # DSPy scored it 0 and went on
    assert all(t.failed_examples == 1 and "no answer for z" in (t.first_failure or "") for t in view.model.trials)
    point = view.panel["trials"][0]
    assert point["failed"] == 1 and "no answer for z" in point["failure"]


async def test_an_exception_that_ends_compile_ends_the_run_shown_and_raised() -> None:
    view = OptimizeView(echo_chain_program(), random_search(max_errors=1), examples(TRAIN), examples(VAL), metric)
    with dspy.context(lm=ScriptedLM(script(answer=failing_on_z))), pytest.raises(Exception, match="cancelled due to errors"):
        await view.run()
    model = view.model
    assert model.state == "failed" and "cancelled due to errors" in (model.error or "")
    assert model.trials[0].error is not None and "cancelled due to errors" in model.trials[0].error
    assert view.panel["error"] == model.error and view.panel["trials"][0]["error"] == model.trials[0].error
    assert view.optimized is None and not view.running


def test_what_the_view_cannot_optimize_is_refused_at_once() -> None:
    with pytest.raises(ViewProgramError, match="needs a trainset and a valset"):
        OptimizeView(echo_chain_program(), bootstrap(), [], examples(VAL), metric)
    with pytest.raises(ViewProgramError, match=r"valset\[0\] is a dict, not a dspy.Example"):
        OptimizeView(echo_chain_program(), bootstrap(), examples(TRAIN), [{"query": "a"}], metric)
    with pytest.raises(ViewProgramError, match="'Adam' is not one of BootstrapFewShot"):
        OptimizeView(echo_chain_program(), "Adam", examples(TRAIN), examples(VAL), metric)
    with pytest.raises(ViewProgramError, match="compiled program"):
        OptimizeView(object(), bootstrap(), examples(TRAIN), examples(VAL), metric)


# -- the model, from events alone ---------------------------------------------------------------------------


def test_the_model_ranks_valset_trials_above_minibatches_and_estimates_the_time_left() -> None:
    from dspyer_lab.lab.model.optimize import OptimizeModel
    from dspyer_lab.lab.model.optimize_events import ExampleDone, NodeCandidate, PhaseChanged, TrialEnded, TrialStarted

    program = echo_chain_program()
    model = OptimizeModel(program, lambda: (4, "trials"))
    model.start()
    assert model.started is not None
    model.started -= 10.0  # ten seconds ago
    new = {**candidate_of(program), "answer": NodeCandidate("Answer carefully.", 2)}
    for number, on, score, candidate in ((1, "valset", 50.0, candidate_of(program)), (2, "subset", 100.0, new)):
        model.apply(TrialStarted(number, candidate, 6, on, None, program, 0.0))  # type: ignore[arg-type]
        model.apply(ExampleDone("ValueError: boom" if number == 2 else None, 0.0))
        model.apply(TrialEnded(number, score, None, 0.0))
    model.apply(PhaseChanged("proposing instructions", 0.0))
    assert model.best is model.trials[0]  # a minibatch's 100 does not beat the valset's 50
    assert model.trials[1].failed_examples == 1 and model.trials[1].first_failure == "ValueError: boom"
    assert model.trials[1].program is None  # only the best candidate is kept alive
    progress = model.progress()
    assert (progress.done, progress.total, progress.fraction) == (2, 4, 0.5)
    assert progress.left == pytest.approx(10.0, abs=1.0)  # two trials took ten seconds: two more, ten more
    assert model.phases == ["proposing instructions"] and model.nodes["answer"].instructions[1] == "Answer carefully."
    assert model.nodes["answer"].max_demos == 2


# -- the panel's clicks -------------------------------------------------------------------------------------


async def test_an_example_opens_its_runs_before_and_after_side_by_side() -> None:
    view, _ = await optimize(bootstrap())
    index = VAL.index("x")
    row = next(r for r in view.panel["after"]["compare"]["examples"]["rows"] if r["index"] == index)
    assert row["outcome"] == "fixed" and row["openable"]
    view._on_message({"type": "open", "index": index, "to": "compare"})  # a click on the row
    shown = view.panel["after"]["compare"]
    assert shown["mode"] == "runs" and shown["back"] == {"index": index}
    assert shown["summary"]["a"]["output"] != shown["summary"]["b"]["output"]
    view._on_message({"type": "back", "to": "compare"})
    assert view.panel["after"]["compare"]["mode"] == "batches"
    comparison = view.open_example(index)
    assert "answer" in comparison.changed


async def test_the_name_of_an_optimizer_makes_it_with_the_metric() -> None:
    view, result = await optimize("BootstrapFewShot")
    assert type(view.presenter.optimizer) is dspy.BootstrapFewShot
    assert view.presenter.compare is not None and view.presenter.compare.top.counts == hand_count()


async def test_the_before_and_after_batches_are_stored_as_any_batch(tmp_path: Path) -> None:
    from dspyer_lab.lab.model.store import RunStore

    store = RunStore(tmp_path / "runs.sqlite")
    view, _ = await optimize(bootstrap(), store=store)
    assert view.presenter.before is not None and view.presenter.after is not None
    ids = {b.batch_id for b in store.batches()}
    assert {view.presenter.before.batch_id, view.presenter.after.batch_id} <= ids


# -- over real HTTP ----------------------------------------------------------------------------------------


def http_answers(request: dict[str, Any]) -> str:
    """The loopback server's answers, right (for the metric) only when the prompt carries a demo or a vowel."""
    text = chat_adapter_responder(request)
    prompt = str(request["messages"])
    last = str(request["messages"][-1]["content"])
    if "[[ ## answer ## ]]" in text:
        query = last.split("[[ ## query ## ]]")[-1].split("Respond")[0].strip()
        right = query in VOWELS or "A(" in prompt.replace(f"A({query})", "")
        return f"[[ ## answer ## ]]\n{'A(' + query + ')' if right else 'wrong'}\n\n[[ ## completed ## ]]"
    if "[[ ## summary ## ]]" in text:
        given = last.split("[[ ## answer ## ]]")[-1].split("Respond")[0].strip()
        return f"[[ ## summary ## ]]\nS({given})\n\n[[ ## completed ## ]]"
    return text


async def test_bootstrap_fewshot_over_http_fixes_the_examples_it_should() -> None:
    with ChatServer(responder=http_answers) as server:
        lm = make_lm(server, "auto")
        try:
            view, result = await optimize(bootstrap(), lm)
        finally:
            await aclose_lm(lm)
    assert candidate_of(result)["answer"].demos == 2
    assert view.presenter.compare is not None and view.presenter.compare.top.counts == hand_count()


# -- %%dspyer --optimize -----------------------------------------------------------------------------------


async def test_the_optimize_cell_runs_the_named_optimizer_and_binds_the_optimized_program(shell: Any) -> None:
    magics = shell.magics_manager.registry["DspyerMagics"]
    shell.user_ns.update(lm=ScriptedLM(script()), train=examples(TRAIN), val=examples(VAL), metric=metric,
                         program=echo_chain_program())
    line = "--optimize BootstrapFewShot --trainset train --valset val --metric metric --lm scripted --out tuned"
    await magics.dspyer_cell_async(line, "program\n")
    view = shell.user_ns["dspyer_view"]
    assert isinstance(view, OptimizeView) and view.model.state == "finished"
    assert shell.user_ns["tuned"] is view.optimized and candidate_of(view.optimized)["answer"].demos > 0
    shell.user_ns["mine"] = random_search()  # an optimizer object of the notebook, by its name
    await magics.dspyer_cell_async(line.replace("BootstrapFewShot", "mine"), "program\n")
    assert shell.user_ns["dspyer_view"].presenter.optimizer is shell.user_ns["mine"]
    assert len(shell.user_ns["dspyer_view"].model.trials) == 5


@pytest.mark.parametrize(("line", "message"), [
    ("--trainset train", "--trainset needs --optimize NAME"),
    ("--optimize GEPA --trainset train --metric m", "--optimize GEPA needs --valset NAME"),
    ("--optimize GEPA --trainset t --valset v --metric m -i q=1", "drop -i"),
    ("--optimize GEPA --batch b --metric m", "two views: give one"),
    ("--optimize 'not a name' --trainset t --valset v --metric m", "--optimize expects a variable name"),
])
def test_bad_optimize_flags_are_one_line_usage_errors(shell: Any, line: str, message: str) -> None:
    from IPython.core.error import UsageError

    magics = shell.magics_manager.registry["DspyerMagics"]
    with pytest.raises(UsageError, match=message):
        magics._cell_args(line)


def test_the_help_documents_optimize() -> None:
    from dspyer_lab.lab.magics import DspyerMagics

    doc = DspyerMagics.dspyer_cell.__doc__ or ""
    assert "--optimize NAME --trainset X --valset Y --metric M" in doc and "OptimizeView" in doc
