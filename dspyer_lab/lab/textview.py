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
    "BIG",
    "HEAD",
    "IdentityMemo",
    "clip",
    "clipped_text",
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
        self._masked = IdentityMemo()  # large texts, masked once per version (see `mask_text`)

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
            return {k: self.mask_field(k, v) for k, v in value.items()}
        if kind is list or isinstance(value, (list, tuple)):
            return [self.mask(v) for v in value]
        if isinstance(value, str):
            return self.mask_text(value)
        return value

    def mask_field(self, name: Any, value: Any) -> Any:
        """`value` masked as the value of a field called `name`: `MASK` for a secret field that holds text."""
        return MASK if self.is_secret(str(name)) and _holds_text(value) else self.mask(value)

    def mask_text(self, text: str) -> str:
        """`text` with every secret value learned so far replaced by `MASK` (for free text: answers, tracebacks).

        A text of `BIG` characters or more is masked once per string object and masker version (a view
        shows the same values at every render; a secret learned since makes it masked again).
        """
        if not self._values:
            return text
        if len(text) < BIG:
            return self._compiled().sub(MASK, text)
        version = self.version
        masked = self._masked.get(text, "mask", version)
        if masked is None:
            masked = self._masked.put(text, "mask", self._compiled().sub(MASK, text), version)
            if masked is not text:  # masking the masked text again finds nothing: remembered too
                self._masked.put(masked, "mask", masked, version)
        return masked

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
    """A single-line, clipped rendering for summaries and list rows: ``clip(" ".join(to_text(value).split()), limit)``.

    Its cost does not grow with a large text inside `value` (see `clipped_text`).
    """
    return clipped_text(value, limit, one_line=True)[0]


def clipped_text(value: Any, limit: int | None, *, one_line: bool = False) -> tuple[str, bool]:
    """``clip(to_text(value), limit)`` (whitespace runs made one space when `one_line`), and whether it was cut.

    A view shows a value clipped at every render: the text of a string of `BIG` characters or more
    is made once per string object (`IdentityMemo`), so a render costs the same whatever the size of
    the values it clips. Only `HEAD` characters of such a text are kept: a longer `limit` (or None)
    makes the whole text, as `to_text` does.
    """
    if limit is None or limit > HEAD or (type(value) is str and len(value) < BIG):
        text = to_text(value)
        text = " ".join(text.split()) if one_line else text
        return clip(text, limit), limit is not None and len(text) > limit
    pieces: list[tuple[str, int]] = []
    if isinstance(value, str):
        pieces.append(_text_piece(value, "line" if one_line else "raw"))
    elif not _holds_big(value, 0) or not _pieces(value, pieces, "line" if one_line else "json", set()):
        text = to_text(value)  # small values (most): JSON's C encoder is quicker than walking them here
        text = " ".join(text.split()) if one_line else text
        return clip(text, limit), len(text) > limit
    total = sum(n for _, n in pieces)
    if total <= limit:
        return "".join(head for head, _ in pieces), False
    kept, room = [], limit - 1
    for head, _ in pieces:
        if room <= 0:
            break
        kept.append(head[:room])
        room -= len(kept[-1])
    return f"{''.join(kept)}… (+{total - limit + 1} chars)", True


BIG = 4096
"""Strings at least this long have their display text made once per object (`clipped_text`)."""
HEAD = 4096
"""Characters of a large string's display text kept: the longest clip made without the whole text."""


class IdentityMemo:
    """Results computed from large values, by the value's identity (plus a `tag`, e.g. a masker's version).

    The value is held with its result, so its id cannot be reused while it is kept; at most `size`
    values are kept, the oldest dropped first.
    """

    def __init__(self, size: int = 16) -> None:
        self._items: dict[tuple[int, str], tuple[Any, Any, Any]] = {}
        self._size = size
        self._lock = threading.Lock()  # log records are masked on any thread

    def __getstate__(self) -> dict[str, Any]:
        """A copy for another process (a Ray worker masks what it sends back): empty, as ids mean nothing there."""
        return {"_size": self._size}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._items, self._size, self._lock = {}, state["_size"], threading.Lock()

    def get(self, value: Any, what: str, tag: Any = None) -> Any:
        """The result of `what` for this very `value` (and `tag`), or None."""
        hit = self._items.get((id(value), what))
        return hit[2] if hit is not None and hit[0] is value and hit[1] == tag else None

    def put(self, value: Any, what: str, result: Any, tag: Any = None) -> Any:
        """Keep `result` of `what` for `value` (and `tag`); return it."""
        with self._lock:
            if len(self._items) >= self._size:
                del self._items[next(iter(self._items))]
            self._items[(id(value), what)] = (value, tag, result)
        return result


_TEXTS = IdentityMemo(32)


def _text_piece(text: str, how: str) -> tuple[str, int]:
    """(the first `HEAD` characters, the length) of `text` shown `how`: ``raw`` (as it is), ``json`` (as a JSON
    string), ``line`` (as it is, whitespace runs made one space), ``jsonline`` (both); made once for a large text."""
    if len(text) < BIG:
        shown = _shown(text, how)
        return shown, len(shown)
    piece = _TEXTS.get(text, how)
    if piece is None:
        shown = _shown(text, how)
        piece = _TEXTS.put(text, how, (shown[:HEAD], len(shown)))
    return piece


def _shown(text: str, how: str) -> str:
    if how in ("json", "jsonline"):
        text = json.dumps(text, ensure_ascii=False)
    return " ".join(text.split()) if how in ("line", "jsonline") else text


def _holds_big(value: Any, depth: int) -> bool:
    """Whether `value` holds a string of `BIG` characters or more (looked for `_MAX_DEPTH` levels deep)."""
    kind = type(value)
    if kind is str:
        return len(value) >= BIG
    if kind in _SCALARS or depth > _MAX_DEPTH:
        return False
    if isinstance(value, dict):
        return any(_holds_big(v, depth + 1) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_holds_big(v, depth + 1) for v in value)
    return isinstance(value, str) and len(value) >= BIG


_MAX_DEPTH = 32


def _pieces(value: Any, out: list[tuple[str, int]], how: str, path: set[int]) -> bool:
    """Append `value`'s JSON text (as `to_text` makes it) to `out` in pieces, a large string's made once.

    `how`: ``json``, or ``line`` (whitespace runs made one space: JSON strings are the only pieces that
    hold whitespace of their own, and quotes bound them). False when JSON would refuse `value`
    (a key that is no scalar, a cycle): the caller then takes `to_text`'s own way.
    """
    if isinstance(value, str):
        out.append(_text_piece(value, "jsonline" if how == "line" else "json"))
        return True
    if isinstance(value, dict):
        if id(value) in path:
            return False
        path.add(id(value))
        out.append(("{", 1))
        for n, (key, item) in enumerate(value.items()):
            if not isinstance(key, str):
                if key is not None and not isinstance(key, (int, float)):
                    return False
                key = json.dumps({key: 0})[2:-5]  # JSON's own text of a number, true/false or null key
            if n:
                out.append((", ", 2))
            out.append(_text_piece(key, "jsonline" if how == "line" else "json"))
            out.append((": ", 2))
            if not _pieces(item, out, how, path):
                return False
        out.append(("}", 1))
        path.discard(id(value))
        return True
    if isinstance(value, (list, tuple)):
        if id(value) in path:
            return False
        path.add(id(value))
        out.append(("[", 1))
        for n, item in enumerate(value):
            if n:
                out.append((", ", 2))
            if not _pieces(item, out, how, path):
                return False
        out.append(("]", 1))
        path.discard(id(value))
        return True
    try:
        text = json.dumps(value, ensure_ascii=False, default=repr)
    except (TypeError, ValueError):
        return False
    text = " ".join(text.split()) if how == "line" else text
    out.append((text, len(text)))
    return True


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
