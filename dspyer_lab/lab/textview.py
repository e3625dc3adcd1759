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
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "DEFAULT_SECRET_PATTERNS",
    "MASK",
    "Masker",
    "clip",
    "esc",
    "name_words",
    "one_line",
    "to_text",
]

DEFAULT_SECRET_PATTERNS: tuple[str, ...] = (
    "key",
    "apikey",
    "token",
    "secret",
    "password",
    "passwd",
    "credential",
)
"""Words that mark a field as secret when they appear in its name (``api_key``, ``authToken``, ``DB_PASSWORD``)."""

MASK = "••••••"
"""What a masked value is shown (and saved) as."""

_MIN_SECRET_LEN = 4  # shorter values would mask ordinary words everywhere
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SPLIT = re.compile(r"[^A-Za-z0-9]+")


def name_words(name: str) -> list[str]:
    """The lower-case words of a field name: ``"openAI_api-Key2"`` -> ``["open", "ai", "api", "key2"]``."""
    words: list[str] = []
    for chunk in _SPLIT.split(_CAMEL.sub(" ", str(name))):
        words.extend(w.lower() for w in chunk.split() if w)
    return words


class Masker:
    """Hides the values of secret-looking fields everywhere a run is displayed or saved.

    A field is secret when a word of its name (snake_case, kebab-case or camelCase),
    or the whole name with separators removed, equals a pattern or ends with one
    (plurals and digits allowed: ``api_keys``, ``token2``); long patterns also match
    glued names (``accesstoken``). Only text values are masked: numbers and booleans
    (``max_tokens=512``) are not secrets. Every secret text seen is also remembered, so
    it is masked inside free text too, such as a raw model answer or a traceback.
    """

    def __init__(self, patterns: Iterable[str] | None = DEFAULT_SECRET_PATTERNS) -> None:
        self.patterns: tuple[str, ...] = tuple(p.lower() for p in (patterns or ()))
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self.version = 0
        """Grows whenever a new secret value is learned (text masked before may need masking again)."""
        self._verdicts: dict[str, bool] = {}  # field names repeat in every event: decide each once

    def is_secret(self, name: str) -> bool:
        verdict = self._verdicts.get(name)
        if verdict is None:
            words = [w.rstrip("0123456789") for w in name_words(name)]
            joined = "".join(words)
            verdict = any(w in (p, p + "s") for p in self.patterns for w in words) or any(
                len(p) >= 5 and joined.endswith((p, p + "s")) for p in self.patterns
            )
            self._verdicts[name] = verdict
        return verdict

    def learn(self, value: Any) -> None:
        """Remember the secret values inside `value` (a mapping walked recursively)."""
        if isinstance(value, Mapping):
            for k, v in value.items():
                if self.is_secret(str(k)):
                    self._remember(v)
                else:
                    self.learn(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                self.learn(v)

    def _remember(self, value: Any) -> None:
        if isinstance(value, Mapping):
            for v in value.values():
                self._remember(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                self._remember(v)
        elif isinstance(value, str) and len(value) >= _MIN_SECRET_LEN and value not in self._values:
            self._values.add(value)
            self._pattern = None
            self.version += 1

    def mask(self, value: Any) -> Any:
        """A copy of `value` with secret fields replaced by `MASK` and known secret text blanked out."""
        if not self.patterns:
            return value
        if isinstance(value, Mapping):
            return {k: (MASK if self.is_secret(str(k)) and _holds_text(v) else self.mask(v)) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.mask(v) for v in value]
        if isinstance(value, str):
            return self.mask_text(value)
        return value

    def mask_text(self, text: str) -> str:
        if not self._values:
            return text
        if self._pattern is None:
            ordered = sorted(self._values, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(v) for v in ordered))
        return self._pattern.sub(MASK, text)


def _holds_text(value: Any) -> bool:
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


def clip(text: str, limit: int | None) -> tuple[str, bool]:
    """`text` cut to `limit` characters (None: no limit), and whether it was cut."""
    if limit is None or len(text) <= limit:
        return text, False
    return f"{text[: max(limit - 1, 0)]}… (+{len(text) - limit + 1} chars)", True


def one_line(value: Any, limit: int = 80) -> str:
    """A single-line, clipped rendering for summaries and list rows."""
    text = " ".join(to_text(value).split())
    return clip(text, limit)[0]


def esc(value: Any) -> str:
    """HTML-escaped display text of `value` (quotes too, so it is safe in attributes)."""
    return html.escape(value if isinstance(value, str) else to_text(value), quote=True)
