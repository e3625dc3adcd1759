"""The answer form of a run paused at a person's step (`interrupt()` or a `HumanNode`), as JSON for the page.

A ``paused`` event whose ``when`` is ``"interrupt"`` lists its pending ``interrupts`` (docs/events.md): each
becomes an *ask*: the question (a HumanNode's ``prompt``, else the interrupt's value), the inputs it is about,
and the form drawn from the answer's JSON schema, one widget per field:

- ``text``: a string; ``textarea`` (long text) when the string's ``maxLength`` is over 200, its schema says
  ``format: "textarea"`` or ``widget: "textarea"`` (``Field(json_schema_extra={"widget": "textarea"})``), or the
  last word of its name is one of `LONG_WORDS` (``email_body``, ``draft``, ``text``); ``password`` when its name
  is a secret's (`Masker.is_secret`): never filled in;
- ``number`` / ``integer`` (with the schema's bounds), ``checkbox`` (boolean), ``select`` (an enum or a
  ``Literal``: a choice among its values; ``radio`` up to `RADIO_MAX` of them);
- ``json``: anything else (objects, arrays, unions), and the whole answer of an ``interrupt()`` without schema.

The page sends back text per field (a checkbox's bool); `answer_value` turns it into the answer, refusing what
cannot be one (not a number, not JSON, the mask left in) with an `AnswerError` naming the field, shown beside it.
A HumanNode's rejected answer (its interrupt's ``errors``, [{loc, msg}]) is mapped to its fields by `field_errors`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from ...core.exceptions import DspyerLabError
from ..textview import MASK, Masker, clip, name_words

LONG_WORDS = frozenset({"text", "body", "content", "draft", "message", "notes", "comment", "feedback"})
"""A string field whose name ends with one of these words gets a long-text box."""
LONG_LENGTH = 200
"""A string field allowed more characters than this gets a long-text box."""
RADIO_MAX = 3
"""A choice among at most this many values is drawn as radio buttons, else as a select."""
WHOLE = ""
"""The field name of an answer that is one JSON value (no schema): its errors go there."""


class AnswerError(DspyerLabError, ValueError):
    """An answer the form cannot send: a field that is not a number or not JSON, the mask left in, nothing waiting."""

    def __init__(self, problem: str, field: str | None = None, interrupt: str | None = None) -> None:
        super().__init__(problem, field, interrupt)
        self.problem = problem
        self.field = field
        """The form field at fault (`WHOLE` for a one-value answer), if one is."""
        self.interrupt = interrupt
        """The id of the interrupt answered, if known."""

    def message(self) -> str:
        return self.problem


# -- the form from a schema -------------------------------------------------------------------


def form_fields(schema: Any, masker: Masker | None = None) -> list[dict[str, Any]] | None:
    """One widget per property of `schema` (an object's JSON schema); None: the answer is one JSON value."""
    if not isinstance(schema, Mapping):
        return None
    found = schema.get("$defs")
    defs: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    root = _resolved(schema, defs)
    props = root.get("properties")
    if not isinstance(props, Mapping) or not props:
        return None
    required = set(root.get("required") or ())
    return [_field(str(name), sub, str(name) in required, defs, masker) for name, sub in props.items()]


def _resolved(schema: Any, defs: Mapping[str, Any]) -> dict[str, Any]:
    """`schema` with a local ``$ref`` (and Pydantic's one-item ``allOf``) replaced by what it names."""
    if not isinstance(schema, Mapping):
        return {}
    out = dict(schema)
    for _ in range(8):  # refs to refs, within reason
        ref = out.get("$ref")
        if not isinstance(ref, str):
            parts = out.get("allOf")
            if isinstance(parts, list) and len(parts) == 1 and isinstance(parts[0], Mapping):
                out = {**{k: v for k, v in out.items() if k != "allOf"}, **parts[0]}
                continue
            break
        target = defs.get(ref.rsplit("/", 1)[-1]) if ref.startswith("#/$defs/") else None
        out = {**(dict(target) if isinstance(target, Mapping) else {}), **{k: v for k, v in out.items() if k != "$ref"}}
    return out


def _field(name: str, schema: Any, required: bool, defs: Mapping[str, Any], masker: Masker | None) -> dict[str, Any]:
    sub = _resolved(schema, defs)
    nullable = False
    options = sub.get("anyOf")
    if isinstance(options, list):  # Optional[X]: X, may be left empty
        kept = [_resolved(o, defs) for o in options if not (isinstance(o, Mapping) and o.get("type") == "null")]
        if len(kept) == 1 and len(kept) < len(options):
            nullable = True
            sub = {**kept[0], **{k: v for k, v in sub.items() if k not in ("anyOf", "type")}}
    secret = masker is not None and masker.is_secret(name)
    field: dict[str, Any] = {
        "name": name, "label": str(sub.get("title") or name), "description": str(sub.get("description") or ""),
        "required": required, "nullable": nullable, "widget": _widget(name, sub, secret), "secret": secret,
    }
    choices = sub["enum"] if isinstance(sub.get("enum"), list) else [sub["const"]] if "const" in sub else None
    if choices is not None:
        field["options"] = [{"value": json.dumps(c), "label": c if isinstance(c, str) else json.dumps(c)} for c in choices]
    if field["widget"] in ("number", "integer"):
        field["min"] = _bound(sub, "minimum", "exclusiveMinimum")
        field["max"] = _bound(sub, "maximum", "exclusiveMaximum")
    if "default" in sub and not secret:
        field["default"] = _text(field["widget"], sub["default"])
    return field


def _widget(name: str, sub: Mapping[str, Any], secret: bool) -> str:
    if isinstance(sub.get("enum"), list) or "const" in sub:
        choices = sub["enum"] if isinstance(sub.get("enum"), list) else [sub["const"]]
        return "radio" if len(choices) <= RADIO_MAX else "select"
    kind = sub.get("type")
    if kind == "boolean":
        return "checkbox"
    if kind in ("number", "integer"):
        return str(kind)
    if kind == "string":
        if secret:
            return "password"
        words = name_words(name)
        long = (isinstance(sub.get("maxLength"), int) and sub["maxLength"] > LONG_LENGTH) \
            or "textarea" in (sub.get("format"), sub.get("widget")) or bool(words and words[-1] in LONG_WORDS)
        return "textarea" if long else "text"
    return "json"


def _bound(sub: Mapping[str, Any], inclusive: str, exclusive: str) -> float | None:
    value = sub.get(inclusive, sub.get(exclusive))
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _text(widget: str, value: Any) -> Any:
    """A default as the widget holds it: a checkbox's bool, a text's string, JSON text for the rest."""
    if widget == "checkbox":
        return bool(value)
    if widget in ("text", "textarea") and isinstance(value, str):
        return value
    if widget in ("number", "integer") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False, indent=1)


# -- the answer from the page -----------------------------------------------------------------


def answer_value(fields: Sequence[Mapping[str, Any]] | None, sent: Any, interrupt: str | None = None) -> Any:
    """The answer the page's form sent: `sent` is JSON text for a one-value answer (`fields` None), else the
    fields' texts (a checkbox's bool); an empty optional field is left out (its default applies)."""
    if fields is None:
        return _json(sent, WHOLE, interrupt, required=True)
    if not isinstance(sent, Mapping):
        raise AnswerError("the form must send its fields' values", None, interrupt)
    answer: dict[str, Any] = {}
    for f in fields:
        name = str(f["name"])
        if name not in sent:
            continue
        value = sent[name]
        if f["widget"] == "checkbox":
            if not isinstance(value, bool):
                raise AnswerError(f"field {name!r}: expected true or false, got {value!r}", name, interrupt)
            answer[name] = value
            continue
        if not isinstance(value, str):
            raise AnswerError(f"field {name!r}: expected text, got {type(value).__name__}", name, interrupt)
        if MASK in value:
            raise AnswerError(f"field {name!r} still holds the mask {MASK}: type the whole value", name, interrupt)
        if value.strip() == "" and f["widget"] not in ("text", "textarea", "password"):
            if f["required"] and not f["nullable"]:
                raise AnswerError(f"field {name!r} is required", name, interrupt)
            if f["nullable"]:
                answer[name] = None
            continue
        if f["widget"] in ("number", "integer"):
            answer[name] = _number(value, f["widget"] == "integer", name, interrupt)
        elif f["widget"] in ("json", "select", "radio"):
            answer[name] = _json(value, name, interrupt, required=bool(f["required"]))
        else:
            answer[name] = value
    return answer


def _number(text: str, integer: bool, name: str, interrupt: str | None) -> int | float:
    try:
        return int(text) if integer else float(text)
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise AnswerError(f"field {name!r}: {text.strip()!r} is not {kind}", name, interrupt) from None


def _json(text: Any, name: str, interrupt: str | None, *, required: bool) -> Any:
    what = f"field {name!r}" if name else "the answer"
    if not isinstance(text, str):
        raise AnswerError(f"{what}: expected JSON text", name, interrupt)
    if MASK in text:
        raise AnswerError(f"{what} still holds the mask {MASK}: type the whole value", name, interrupt)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnswerError(f"{what} is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
                          'text needs quotes: "like this"', name, interrupt) from None


def check_unmasked(value: Any, where: str = "the answer") -> None:
    """Refuse an answer holding the mask: a masked value shown in the question is never sent back as the answer."""
    if isinstance(value, BaseModel):
        check_unmasked(value.model_dump(mode="json"), where)
    elif isinstance(value, str):
        if MASK in value:
            raise AnswerError(f"{where} still holds the mask {MASK}: type the whole value", None)
    elif isinstance(value, Mapping):
        for k, v in value.items():
            check_unmasked(v, f"{where}[{k!r}]")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            check_unmasked(v, f"{where}[{i}]")


# -- a rejected answer, beside its fields -----------------------------------------------------


def field_errors(errors: Any) -> dict[str, str]:
    """Field -> message of a rejected answer's ``errors`` ([{loc, msg}], the interrupt's or its ``validation_error``
    event's); what names no field of the form goes to `WHOLE`, the first message of each field wins."""
    found: dict[str, str] = {}
    for e in errors if isinstance(errors, list) else ():
        if isinstance(e, Mapping):
            loc = e.get("loc")
            field = str(loc[0]) if isinstance(loc, (list, tuple)) and loc else WHOLE
            found.setdefault(field, str(e.get("msg") or ""))
    return found


# -- the asks of a pause ----------------------------------------------------------------------

QUESTION_LIMIT = 4000
"""Characters of a question (and of each input beside it) shown; a longer one is cut."""


def pending(paused: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The interrupts a ``paused`` event waits on (none for a breakpoint's pause)."""
    if not paused or paused.get("when") != "interrupt":
        return []
    found = paused.get("interrupts")
    return [dict(i) for i in found if isinstance(i, Mapping)] if isinstance(found, list) else []


def asks_json(paused: Mapping[str, Any] | None, masker: Masker,
              refused: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """What the answer panel draws for each pending interrupt: question, inputs, form, the errors to show.

    `refused`: the kernel's refusal of the last answer sent ({id, field, message}); a HumanNode's rejected answer
    comes with its interrupt's ``errors`` (`field_errors`).
    Everything is masked here: a masked value is shown as the mask and never put in a field to send back.
    """
    asks = []
    for it in pending(paused):
        iid = str(it.get("id"))
        fields = form_fields(it.get("schema"), masker)
        value = masker.mask(it.get("value"))
        prompt = it.get("prompt")
        question = prompt if isinstance(prompt, str) and prompt else \
            value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=1, default=str)
        given = it.get("inputs")
        inputs: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
        errors = field_errors(it.get("errors"))
        if refused is not None and refused.get("id") == iid:
            errors = {str(refused.get("field") or WHOLE): str(refused.get("message"))}
        asks.append({
            "id": iid, "node": str(it.get("node")), "task": it.get("task"), "kind": str(it.get("kind") or "interrupt"),
            "question": clip(masker.mask_text(str(question)), QUESTION_LIMIT),
            "inputs": [{"name": str(k), "text": clip(json.dumps(v, ensure_ascii=False, default=str)
                                                     if not isinstance(v, str) else v, QUESTION_LIMIT)}
                       for k, v in masker.mask(dict(inputs)).items()],
            "fields": fields,
            "yes_no": fields is None and isinstance(value, str) and value.rstrip().endswith("?"),
            "errors": errors,
        })
    return asks


def sent_answer(paused: Mapping[str, Any] | None, masker: Masker, message: Mapping[str, Any]) -> Any:
    """What a form's Submit ({id, values} or {id, json}) answers the pause `paused` with: the answer to its question
    ``id``, as ``{id: answer}`` when several questions wait (the others keep waiting). An `AnswerError` says why not."""
    iid = str(message.get("id"))
    ask = next((a for a in asks_json(paused, masker) if a["id"] == iid), None)
    if ask is None:
        raise AnswerError(f"question {iid!r} no longer waits for an answer (answered already, or the run moved on)",
                          None, iid)
    value = answer_value(ask["fields"], message.get("json") if ask["fields"] is None else message.get("values"), iid)
    return {iid: value} if len(pending(paused)) > 1 else value
