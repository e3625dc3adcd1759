"""Self-correction: call an LLM node's predictor, check the answer against its contract, retry with feedback.

A failed attempt is described by an `AttemptFailure` (validator messages, failed fields,
the model's raw text). The next attempt gets the same inputs plus two extra input
fields: the rejected answer and the validator's messages, so the model can fix exactly
what was wrong. The predictor stays the node's single `dspy.Predict`, so demos and
optimizers keep working; only the retry call uses the widened signature.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import dspy
from dspy.adapters import ChatAdapter, JSONAdapter
from dspy.utils.exceptions import AdapterParseError
from pydantic import BaseModel, ValidationError

from .events import FieldError
from .graph import Router, StatefulNode, decision_key

__all__ = ["AttemptFailure", "NodeCall", "CURRENT_CALL", "call_predictor", "check_answer", "decision_check", "retry_signature"]


@dataclass(frozen=True)
class NodeCall:
    """Which node and attempt a model call belongs to (read by `ScriptedLM`)."""

    node: str
    attempt: int
    inputs: dict[str, Any]
    """The inputs the model is given on this attempt."""


CURRENT_CALL: ContextVar[NodeCall | None] = ContextVar("dspyer_lab_current_call", default=None)


@dataclass(frozen=True)
class AttemptFailure:
    """Why one attempt of an LLM node was rejected."""

    error: str
    """The validator (or parser) messages, as text."""
    failed_fields: list[str]
    """Output fields at fault (empty when the whole answer could not be parsed)."""
    raw_output: str
    """What the model said."""
    exception: Exception
    """The original exception, chained when self-correction is exhausted."""

    def feedback(self) -> str:
        """The text sent back to the model on the next attempt."""
        fields = f" (fields: {', '.join(self.failed_fields)})" if self.failed_fields else ""
        return f"Your previous answer was rejected{fields}. Fix these problems and answer again:\n{self.error}"


def retry_signature(signature: type[dspy.Signature]) -> type[dspy.Signature]:
    """The node's signature widened with the rejected answer and the validator's feedback."""
    return signature.append(
        "previous_attempt", dspy.InputField(desc="Your previous answer, which was rejected."), type_=str
    ).append(
        "validation_feedback",
        dspy.InputField(desc="Why it was rejected. Produce a corrected answer that satisfies every rule."),
        type_=str,
    )


_CHAT_NO_FALLBACK = ChatAdapter(use_json_adapter_fallback=False)
_JSON = JSONAdapter()


def _lm_supports_async(lm: Any) -> bool:
    """False for an LM that can only answer synchronously (it then runs in a worker thread)."""
    cls = type(lm)
    for base in (dspy.LM, dspy.BaseLM):
        if isinstance(lm, base) and cls.forward is not base.forward and cls.aforward is base.aforward:
            return False  # a legacy subclass that implements forward() only
    if hasattr(lm, "_engine_spec"):  # dspy.LM: a custom engine needs its async twin
        return isinstance(lm._engine_spec, str) or getattr(lm, "_async_engine_spec", None) is not None
    return cls.aforward is not dspy.BaseLM.aforward


async def call_predictor(
    predictor: dspy.Predict,
    call: NodeCall,
    signature: type[dspy.Signature] | None = None,
    settings: Mapping[str, Any] | None = None,
) -> dspy.Prediction | AdapterParseError:
    """Run one attempt with `call.inputs`: the prediction, or the adapter's parse error (which keeps the raw text).

    `signature` replaces the predictor's own for this call (a retry's widened signature);
    `settings` are DSPy settings for this call only (the capture of its model calls and tokens).
    Uses DSPy's native async path so concurrent runs overlap their waits; an LM with no
    async support runs in a worker thread instead. An answer the adapter cannot parse is
    tried in the other standard format (JSON for the chat format, and back) before it counts
    as a parse error: many models answer in JSON whatever they are asked.
    """
    kwargs = dict(call.inputs, signature=signature) if signature is not None else call.inputs
    token = CURRENT_CALL.set(call)
    # Without an adapter of the user's, DSPy's ChatAdapter would silently re-ask in JSON when
    # an answer cannot be parsed: a second model call per attempt. Parsing the same text as
    # JSON (below) needs no call; the node's own retry, with feedback, handles the rest.
    adapter = dspy.settings.adapter or _CHAT_NO_FALLBACK
    try:
        with dspy.context(adapter=adapter, **(settings or {})):
            lm = predictor.lm or dspy.settings.lm
            if lm is None or _lm_supports_async(lm):
                return await predictor.acall(**kwargs)
            with dspy.context(send_stream=None):  # DSPy streams from a sync call only in its own worker threads
                return await asyncio.to_thread(predictor, **kwargs)
    except AdapterParseError as exc:
        values = _parse_in_other_format(adapter, exc)
        return exc if values is None else dspy.Prediction(**values)
    finally:
        CURRENT_CALL.reset(token)


def _parse_in_other_format(adapter: Any, error: AdapterParseError) -> dict[str, Any] | None:
    """The answer's fields parsed in the other standard format, or None when it parses in neither."""
    other = _CHAT_NO_FALLBACK if isinstance(adapter, JSONAdapter) else _JSON
    if not isinstance(error.lm_response, str) or not error.lm_response.strip():
        return None
    try:
        return dict(other.parse(error.signature, error.lm_response))
    except Exception:  # any parser failure means the same: not this format either
        return None


def _rendered(signature: type[dspy.Signature], values: dict[str, Any]) -> str:
    """A parsed answer written back in the adapter's own format (what the model said, field by field).

    It is what the retry is shown, the same whether or not the run makes events; the exact
    text the model sent is in the attempt's ``lm_call`` event (see `dspyer_lab.core.calls`).
    """
    adapter = dspy.settings.adapter or ChatAdapter()
    try:
        return adapter.format_assistant_message_content(signature, values).strip()
    except Exception:  # an adapter that cannot format: the values as JSON still show the answer
        return json.dumps(values, default=str)


def check_answer(
    node: StatefulNode,
    outcome: dspy.Prediction | AdapterParseError,
    signature: type[dspy.Signature],
    context: Mapping[str, Any],
    extra_check: Callable[[BaseModel], tuple[str, str] | None] | None = None,
) -> BaseModel | AttemptFailure:
    """The validated output model instance, or why the answer breaks the node's contract.

    `context` is handed to pydantic (`ValidationInfo.context`), so a validator can check an
    answer against what the node was given (e.g. a citation must name a retrieved document).
    `extra_check` adds a rule the output model cannot express (a router's decision must be
    a key of its path_map); it returns (field, message) when the rule is broken.
    """
    if isinstance(outcome, AdapterParseError):
        return _parse_failure(node, outcome)
    prediction = outcome
    values = {name: prediction.get(name) for name in node.output_model.model_fields if name in prediction}
    try:
        output = node.output_model.model_validate(values, context=context)
    except ValidationError as exc:
        error, fields, _ = field_problems(exc)
        return AttemptFailure(error, fields, _rendered(signature, values), exc)
    broken = extra_check(output) if extra_check is not None else None
    if broken is not None:
        field_name, message = broken
        return AttemptFailure(f"- {field_name}: {message}", [field_name], _rendered(signature, values), ValueError(message))
    return output


def field_problems(exc: ValidationError) -> tuple[str, list[str], list[FieldError]]:
    """An answer's validation errors as the model's feedback and a person's form both read them: one line per
    problem, the top-level fields at fault, and each problem's path and message."""
    lines: list[str] = []
    fields: list[str] = []
    errors: list[FieldError] = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or "(model)"
        if err["loc"] and str(err["loc"][0]) not in fields:
            fields.append(str(err["loc"][0]))
        lines.append(f"- {loc}: {err['msg']} (got {_short(err.get('input'))})")
        errors.append({"loc": list(err["loc"]), "msg": err["msg"]})
    return "\n".join(lines), fields, errors


_FIELD_IN_PARSE_ERROR = re.compile(r"Failed to parse field (\w+)")


def _parse_failure(node: StatefulNode, error: AdapterParseError) -> AttemptFailure:
    """Describe an answer DSPy's adapter could not parse: which fields, and the adapter's own reason."""
    expected = list(node.output_model.model_fields)
    detail = str(error).split("\n\n", 1)[0].strip()
    named = _FIELD_IN_PARSE_ERROR.findall(detail)
    parsed = getattr(error, "parsed_result", None)
    fields = named or [f for f in expected if not parsed or f not in parsed]
    lines = [f"- The answer could not be parsed into the fields {', '.join(expected)}."]
    if detail and not detail.startswith("Adapter "):
        lines.append(f"- {detail}")
    lines.append(f"- Answer with every field, {_expected_format(getattr(error, 'adapter_name', ''), expected)}.")
    return AttemptFailure("\n".join(lines), fields, error.lm_response or "", error)


def _expected_format(adapter_name: str, fields: list[str]) -> str:
    """How the configured adapter wants an answer written, in words a model follows."""
    if adapter_name == "JSONAdapter":
        return f"as one JSON object with the keys {', '.join(map(repr, fields))}"
    if adapter_name == "XMLAdapter":
        return "each inside its own tags, e.g. " + "".join(f"<{f}>...</{f}>" for f in fields[:2])
    headers = " ".join(f"`[[ ## {f} ## ]]`" for f in fields)
    return f"each under its header line ({headers}) followed by its value, then `[[ ## completed ## ]]`"


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def decision_check(node: StatefulNode, router: Router) -> Callable[[BaseModel], tuple[str, str] | None]:
    """The rule a router's LLM node's answer must also keep (`check_answer`'s `extra_check`): its decision is one of
    the router's paths. One place, so a run and a playground resend reject a decision in the same words."""
    field_name = node.decision_field
    allowed = list(router.path_map)

    def check(output: BaseModel) -> tuple[str, str] | None:
        decision = decision_key(getattr(output, field_name))
        if decision in router.path_map:
            return None
        return field_name, f"decision {decision!r} is not one of the allowed choices: {', '.join(map(repr, allowed))}"

    return check
