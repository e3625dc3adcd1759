"""Masking secrets wherever a value can leave the kernel other than through the panels.

The panels mask what they draw (`Masker`). A secret can also reach the saved notebook as
text the lab does not draw: the exception a failed run re-raises (its message, notes and
chained causes, which IPython prints as a traceback), the `%%dspyer` cell's one-line error,
and log records. This module masks those, by the same rule and with the secret values the
masker has learned:

- `mask_exception(exc, masker)` rewrites an exception chain in place, before it is shown;
- `mask_text(text, masker)` for any other text (the cell's one-line error);
- log records are masked as they are created, with every `Masker` that knows a secret
  (installed the first time one learns a secret; see `install_log_masking`).
"""

from __future__ import annotations

import builtins
import logging
import threading
from collections.abc import Mapping
from typing import Any

from .textview import Masker, maskers_with_secrets

__all__ = ["install_log_masking", "mask_exception", "mask_text"]

_GROUP: Any = getattr(builtins, "BaseExceptionGroup", None)  # Python 3.11+
_MASKED_STR = "_dspyer_masked_str"  # where a swapped-in class keeps the masked message (see `_mask_message`)


def mask_text(text: str, masker: Masker | None) -> str:
    """`text` with every secret `masker` has learned replaced by `MASK` (unchanged without a masker)."""
    return masker.mask_text(text) if masker is not None else text


def mask_exception(exc: BaseException, masker: Masker) -> BaseException:
    """Mask the secrets `masker` knows in `exc` and every exception chained to it, in place; return `exc`.

    Rewritten: each exception's message (``args``, or its ``__str__`` when that is computed, as
    pydantic's ``ValidationError`` does), its notes, and its attributes (``raw_output``, ``state``,
    ...: known secrets in text are masked, and so are secret-looking fields of mappings). Chained exceptions
    (``__cause__``, ``__context__``, the members of an ``ExceptionGroup``) are masked the same
    way. The exception keeps its type for ``except`` clauses and its traceback, which IPython
    then prints masked. Local variables of the traceback's frames are not touched.
    """
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        _mask_one(current, masker)
        pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)
        pending.extend(getattr(current, "exceptions", ()) if _GROUP is not None and isinstance(current, _GROUP) else ())
    return exc


def _mask_one(exc: BaseException, masker: Masker) -> None:
    try:
        shown = str(exc)
    except Exception:  # a __str__ that raises shows nothing to mask
        shown = None
    try:
        exc.args = _masked(exc.args, masker)
    except (AttributeError, TypeError):  # args that cannot be set
        pass
    notes = getattr(exc, "__notes__", None)
    if isinstance(notes, list):
        notes[:] = [mask_text(n, masker) if isinstance(n, str) else n for n in notes]
    attributes = getattr(exc, "__dict__", None)
    if isinstance(attributes, dict):
        for name, value in list(attributes.items()):
            if not name.startswith("__"):
                attributes[name] = _masked(value, masker)
    if shown is not None:
        _mask_message(exc, mask_text(shown, masker))


def _masked(value: Any, masker: Masker) -> Any:
    """`value` with secret text masked, keeping its shape (tuples stay tuples: they are pickled arguments)."""
    if isinstance(value, str):
        return mask_text(value, masker)
    if isinstance(value, Mapping):
        return masker.mask(value)
    if isinstance(value, tuple) and type(value) is tuple:
        return tuple(_masked(v, masker) for v in value)
    if isinstance(value, list):
        return [_masked(v, masker) for v in value]
    return value


def _mask_message(exc: BaseException, masked: str) -> None:
    """Make ``str(exc)`` say `masked` when rewriting its ``args`` was not enough (a computed message)."""
    try:
        if str(exc) == masked:
            return
    except Exception:
        pass
    try:
        exc.__dict__[_MASKED_STR] = masked
        exc.__class__ = _masked_class(type(exc))
    except (AttributeError, TypeError):  # a class that cannot be subclassed or swapped: nothing more to do
        pass


_MASKED_CLASSES: dict[type, type] = {}


def _masked_class(cls: type) -> type:
    """A subclass of `cls` (same name, so tracebacks read the same) whose message is the masked one."""
    if cls in _MASKED_CLASSES or cls.__dict__.get("_dspyer_masked"):
        return _MASKED_CLASSES.get(cls, cls)

    def __str__(self: BaseException) -> str:
        return self.__dict__[_MASKED_STR]

    def __repr__(self: BaseException) -> str:
        return f"{cls.__name__}({self.__dict__[_MASKED_STR]!r})"

    masked = type(cls)(cls.__name__, (cls,), {
        "__slots__": (), "__str__": __str__, "__repr__": __repr__, "__module__": cls.__module__,
        "__qualname__": cls.__qualname__, "_dspyer_masked": True,
        "__doc__": f"{cls.__name__} whose message has its secrets masked.",
    })
    _MASKED_CLASSES[cls] = masked
    return masked


# -- log records ----------------------------------------------------------------------------------------------

_WITHHELD = "(message withheld by dspyer-lab: masking its secrets failed)"
_install_lock = threading.Lock()
_installed = False


def install_log_masking() -> None:
    """Mask every log record created from now on with every `Masker` that knows a secret (idempotent).

    Done through the log record factory, so it covers every logger and handler (DSPy's, LiteLLM's,
    the user's), whatever is configured later. A record's message is masked (its ``msg`` becomes the
    masked text and its ``args`` are dropped), and so is the exception it carries.
    A `Masker` calls this itself when it learns its first secret.
    """
    global _installed
    with _install_lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def masking_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            maskers = maskers_with_secrets()
            if maskers:
                try:
                    _mask_record(record, maskers)
                except Exception:  # never let a secret through, nor fail the caller's logging call
                    record.msg, record.args, record.exc_info = _WITHHELD, None, None
            return record

        logging.setLogRecordFactory(masking_factory)
        _installed = True


def _mask_record(record: logging.LogRecord, maskers: list[Masker]) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: logging reports it when the record is emitted
        return
    masked = message
    for masker in maskers:
        masked = masker.mask_text(masked)
    if masked != message:
        record.msg, record.args = masked, None
    if record.exc_info and record.exc_info[1] is not None:
        for masker in maskers:
            mask_exception(record.exc_info[1], masker)
