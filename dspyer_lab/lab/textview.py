"""Turning run values into safe display text: masking secrets, truncating, escaping.

Everything the panels show comes from a model or from user state, so it is treated
as untrusted text: `Masker` hides secret-looking fields (and their values wherever
else they appear), `clip` shortens long text, and `esc` is the only way values enter
HTML built in Python.
"""

from __future__ import annotations

import html
import json
import re
import threading
import weakref
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "DEFAULT_ORDINARY_NAMES",
    "DEFAULT_SECRET_PATTERNS",
    "MASK",
    "Masker",
    "clip",
    "steps",
    "esc",
    "maskers_with_secrets",
    "name_words",
    "one_line",
    "seconds",
    "to_text",
]

DEFAULT_SECRET_PATTERNS: tuple[str, ...] = (
    "key",
    "keys",
    "apikey",
    "token",
    "secret",
    "secrets",
    "password",
    "passwords",
    "passwd",
    "credential",
    "credentials",
    "passphrase",
    "pwd",
    "authorization",
)
"""Words that mark a field as secret when its name ends with one (``api_key``, ``authToken``, ``DB_PASSWORD``,
``Authorization``), version suffixes aside (``API_KEY_2``, ``token_v2``).

``tokens`` is deliberately absent: next to a language model it counts tokens (``max_tokens``).
"""

DEFAULT_ORDINARY_NAMES: tuple[str, ...] = (
    "primary_key",
    "foreign_key",
    "sort_key",
    "partition_key",
    "cache_key",
    "lookup_key",
    "public_key",
)
"""Names that end like a secret but hold ordinary data (database and cache keys, public keys)."""

MASK = "••••••"
"""What a masked value is shown (and saved) as."""

_MIN_SECRET_LEN = 4  # shorter values would mask ordinary words everywhere
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_VERSION = re.compile(r"v?[0-9]+")  # a trailing word that numbers a variant: ``_2``, ``_v2``
_SPLIT = re.compile(r"[^A-Za-z0-9]+")
_SCALARS = frozenset({int, float, bool, type(None)})  # exact types that hold no text and nothing to walk


def name_words(name: str) -> list[str]:
    """The lower-case words of a field name: ``"openAI_api-Key2"`` -> ``["open", "ai", "api", "key2"]``."""
    words: list[str] = []
    for chunk in _SPLIT.split(_CAMEL.sub(" ", str(name))):
        words.extend(w.lower() for w in chunk.split() if w)
    return words


class Masker:
    """Hides the values of secret-looking fields everywhere a run is displayed or saved.

    A field is secret when the last word of its name (snake_case, kebab-case or camelCase;
    trailing digits and version words such as ``2`` or ``v2`` ignored) equals one of `patterns`
    (``api_key``, ``accessToken``, ``OPENAI_API_KEY``, ``token2``, ``API_KEY_2``, ``token_v2``),
    or ends with a pattern of 5+ letters (``accesstoken``).
    Only the last word counts, because it says what the field holds: ``key_points`` or
    ``tokenizer_name`` are not secrets. Names ending like one of `ordinary` (``primary_key``,
    ``user_sort_key``) are never secret. Only text values are masked: numbers and booleans
    are not secrets. Every secret text seen is also remembered, so it is masked inside free
    text too, such as a raw model answer or a traceback, and in every log record created
    from then on (`masking.install_log_masking`).
    """

    def __init__(
        self,
        patterns: Iterable[str] | None = DEFAULT_SECRET_PATTERNS,
        ordinary: Iterable[str] = DEFAULT_ORDINARY_NAMES,
    ) -> None:
        self.patterns: tuple[str, ...] = tuple(p.lower() for p in (patterns or ()))
        self.ordinary: tuple[tuple[str, ...], ...] = tuple(tuple(_stem_words(n)) for n in ordinary)
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._heads: tuple[dict[str, list[str]], int] | None = None  # see `_secret_heads`
        self.version = 0
        """Grows whenever a new secret value is learned (text masked before may need masking again)."""
        self._verdicts: dict[str, bool] = {}  # field names repeat in every event: decide each once

    def is_secret(self, name: str) -> bool:
        """Whether a field called `name` holds a secret, judged by the last word of the name (see the class)."""
        verdict = self._verdicts.get(name)
        if verdict is None:
            words = _stem_words(name)
            last = words[-1] if words else ""
            verdict = (
                any(last == p or (len(p) >= 5 and last.endswith(p)) for p in self.patterns)
                and not any(o and tuple(words[-len(o):]) == o for o in self.ordinary)
            )
            self._verdicts[name] = verdict
        return verdict

    def learn(self, value: Any) -> None:
        """Remember the secret values inside `value` (a mapping walked recursively)."""
        kind = type(value)
        if kind in _SCALARS:  # most values of an event: checked before the (slow) abstract Mapping
            return
        if kind is dict or isinstance(value, Mapping):
            for k, v in value.items():
                if self.is_secret(str(k)):
                    self._remember(v)
                else:
                    self.learn(v)
        elif kind is list or isinstance(value, (list, tuple)):
            for v in value:
                self.learn(v)

    def _remember(self, value: Any) -> None:
        if isinstance(value, Mapping):
            for v in value.values():
                self._remember(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                self._remember(v)
        elif isinstance(value, str) and len(value) >= _MIN_SECRET_LEN and value != MASK and value not in self._values:
            # (not MASK: a loaded run's values, saved masked, hide no secret)
            self._values.add(value)
            self._pattern = self._heads = None
            self.version += 1
            if self.version == 1:
                _holding_secrets(self)

    def mask(self, value: Any) -> Any:
        """A copy of `value` with secret fields replaced by `MASK` and known secret text blanked out."""
        if not self.patterns:
            return value
        kind = type(value)
        if kind is str:  # the exact types first: checking the abstract Mapping is slow, and this runs per value shown
            return self.mask_text(value) if self._values else value
        if kind in _SCALARS:
            return value
        if kind is dict or isinstance(value, Mapping):
            return {k: (MASK if self.is_secret(str(k)) and _holds_text(v) else self.mask(v)) for k, v in value.items()}
        if kind is list or isinstance(value, (list, tuple)):
            return [self.mask(v) for v in value]
        if isinstance(value, str):
            return self.mask_text(value)
        return value

    def mask_text(self, text: str) -> str:
        """`text` with every secret value learned so far replaced by `MASK` (for free text: answers, tracebacks)."""
        if not self._values:
            return text
        return self._compiled().sub(MASK, text)

    def mask_stream(self, field: str, text: str, tail: int | None = None) -> str:
        """What a model streamed for `field` (its chunks joined), masked as one text: a chunk alone may hold only
        part of a secret. All of it is masked when `field` is secret; else every known secret in it, and the
        start of one it ends with (a stream cut off, or still growing, mid-secret). `tail`: only the newest `tail`
        characters, after "…" (a secret the cut falls in is masked whole, so no part of it shows)."""
        if self.is_secret(field):
            return MASK if text else ""
        start = 0 if tail is None or len(text) <= tail else len(text) - tail
        if not self._values:
            masked = text[start:]
        else:
            start = self._uncut(text, start)
            masked = self.mask_text(text[start:])
            end = self._unfinished(masked)
            masked = masked if end == len(masked) else masked[:end] + MASK
        return "…" + masked if start else masked

    def _compiled(self) -> re.Pattern[str]:
        pattern = self._pattern  # one read: another thread (a log record) may learn meanwhile
        if pattern is None:
            ordered = sorted(list(self._values), key=len, reverse=True)
            pattern = self._pattern = re.compile("|".join(re.escape(v) for v in ordered))
        return pattern

    def _secret_heads(self) -> tuple[dict[str, list[str]], int]:
        """The known secrets by their first `_MIN_SECRET_LEN` characters, and the longest one's length."""
        heads = self._heads
        if heads is None:
            values = list(self._values)
            by_head: dict[str, list[str]] = {}
            for value in values:
                by_head.setdefault(value[:_MIN_SECRET_LEN], []).append(value)
            heads = self._heads = (by_head, max(map(len, values), default=0))
        return heads

    def _uncut(self, text: str, cut: int) -> int:
        """`cut`, or where the known secret begins that a cut of `text` there would split."""
        longest = self._secret_heads()[1]
        for match in self._compiled().finditer(text, max(cut - longest + 1, 0), cut + longest):
            if match.start() < cut < match.end():
                return match.start()
        return cut

    def _unfinished(self, text: str) -> int:
        """Where a known secret begins that `text` ends in the middle of (its first `_MIN_SECRET_LEN`
        characters at least), else ``len(text)``."""
        heads, longest = self._secret_heads()
        for i in range(max(len(text) - longest + 1, 0), len(text) - _MIN_SECRET_LEN + 1):
            if any(v.startswith(text[i:]) for v in heads.get(text[i : i + _MIN_SECRET_LEN], ())):
                return i
        return len(text)


_HOLDERS: weakref.WeakSet[Masker] = weakref.WeakSet()
_HOLDERS_LOCK = threading.Lock()  # log records are made on any thread


def _holding_secrets(masker: Masker) -> None:
    with _HOLDERS_LOCK:
        _HOLDERS.add(masker)
    from .masking import install_log_masking  # here, not at the top: masking builds on this module

    install_log_masking()


def maskers_with_secrets() -> list[Masker]:
    """Every live `Masker` that has learned a secret value (log records are masked with all of them)."""
    with _HOLDERS_LOCK:
        return list(_HOLDERS)


def _stem_words(name: str) -> list[str]:
    """The words of a field name without version suffixes: ``token2``, ``token_2`` and ``token_v2`` are a ``token``."""
    words = name_words(name)
    while words and _VERSION.fullmatch(words[-1]):
        words.pop()
    return [w.rstrip("0123456789") for w in words]


def _holds_text(value: Any) -> bool:
    if type(value) in _SCALARS:
        return False
    if isinstance(value, str):
        return True
    if isinstance(value, Mapping):
        return any(_holds_text(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_holds_text(v) for v in value)
    return False


def to_text(value: Any, indent: int | None = None) -> str:
    """Display text of a value: strings as they are, everything else as JSON (repr as a last resort)."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, indent=indent, default=repr)
    except (TypeError, ValueError):
        return repr(value)


def clip(text: str, limit: int | None) -> str:
    """`text` cut to `limit` characters (None: no limit), saying how many were cut."""
    if limit is None or len(text) <= limit:
        return text
    return f"{text[: max(limit - 1, 0)]}… (+{len(text) - limit + 1} chars)"


def one_line(value: Any, limit: int = 80) -> str:
    """A single-line, clipped rendering for summaries and list rows."""
    text = " ".join(to_text(value).split())
    return clip(text, limit)


def seconds(value: Any) -> str:
    """A duration for display (``0.250 s``); ``–`` when it is not a number (not reported, or a crafted file)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "–"
    return f"{value:.3f} s"


def steps(value: Any) -> str:
    """A step count for display: ``1 step``, ``4 steps`` (a value from a file that is no count, as given)."""
    return f"{value} step" if value == 1 and not isinstance(value, bool) else f"{value} steps"


def esc(value: Any) -> str:
    """HTML-escaped display text of `value` (quotes too, so it is safe in attributes)."""
    return html.escape(value if isinstance(value, str) else to_text(value), quote=True)
