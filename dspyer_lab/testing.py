"""A loopback OpenAI-compatible chat server for tests, benchmarks and users' own tests.

Why: tests that go through a real `dspy.LM` exercise DSPy's transport, its adapter
formatting and parsing, and concurrency, with no provider key and no network. The
server is stdlib-only asyncio (one background thread with its own event loop), so
hundreds of concurrent clients overlap their simulated `latency` instead of queueing.

    with ChatServer(latency=0.2) as server:
        lm = dspy.LM("openai/test-model", api_base=server.base_url, api_key="test", cache=False)
        dspy.Predict("question -> answer", lm=lm)(question="hi")
        server.max_in_flight  # how many requests overlapped

The default responder, `chat_adapter_responder`, reads the output fields that DSPy's
ChatAdapter/JSONAdapter put in the prompt and answers every one of them with a
deterministic value of the right type.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import json
import math
import re
import threading
import time
import zlib
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .core.exceptions import DspyerLabError
from .core.scripted import word_chunks

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["ChatServer", "ChatServerStateError", "Responder", "chat_adapter_responder", "output_fields"]

class ChatServerStateError(DspyerLabError, RuntimeError):
    """A `ChatServer` was used in the wrong state: started twice, or asked for its URL while stopped."""

    def __init__(self, running: bool) -> None:
        super().__init__(running)
        self.running = running
        """Whether the server was running when the call came."""

    def message(self) -> str:
        if self.running:
            return "ChatServer is already running"
        return "ChatServer is not running; call start() or use it as a context manager"


Responder = Callable[[dict[str, Any]], str | Awaitable[str]]
"""Maps a chat-completions request body (parsed JSON) to the assistant message content."""

_MAX_HEAD_BYTES = 64 * 1024
_REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


# --------------------------------------------------------------------------- responder


def _text(content: Any) -> str:
    """Message content as text: a plain string or OpenAI content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def _messages_text(request: dict[str, Any], role: str) -> list[str]:
    messages = request.get("messages", [])
    return [_text(m.get("content")) for m in messages if isinstance(m, dict) and m.get("role") == role]


_OUTPUT_HEADER = "Your output fields are:"
_SECTION_END = "All interactions will be structured"
_FIELD_LINE = re.compile(r"^\s*\d+\.\s+`(?P<name>[^`]+)`\s+\(.*?\):", re.MULTILINE)
_NOTE = re.compile(r"\{(?P<name>\w+)\}\s+# note: the value you produce (?P<note>.*)$", re.MULTILINE)
_JSON_BLOCK = "Outputs will be a JSON object with the following fields."


def output_fields(request: dict[str, Any]) -> dict[str, str]:
    """The output fields a DSPy adapter asks for, name -> type note ("" for plain text).

    Read from the system prompt: the "Your output fields are:" list gives the names, the
    structure block's "# note: the value you produce must ..." lines give the types.
    """
    system = "\n".join(_messages_text(request, "system"))
    start = system.find(_OUTPUT_HEADER)
    if start < 0:
        return {}
    section = system[start + len(_OUTPUT_HEADER) :]
    end = section.find(_SECTION_END)
    names = [m.group("name") for m in _FIELD_LINE.finditer(section if end < 0 else section[:end])]
    templates = system
    block = system.find(_JSON_BLOCK)
    if block >= 0:  # JSONAdapter: the notes sit inside a JSON object of string templates
        try:
            parsed, _ = json.JSONDecoder().raw_decode(system[block + len(_JSON_BLOCK) :].lstrip())
            templates = "\n".join(str(v) for v in parsed.values()) if isinstance(parsed, dict) else system
        except ValueError:
            pass
    notes = {m.group("name"): m.group("note").strip() for m in _NOTE.finditer(templates)}
    return {name: notes.get(name, "") for name in names}


def _wants_json(request: dict[str, Any]) -> bool:
    fmt = request.get("response_format")
    if isinstance(fmt, dict) and fmt.get("type") in ("json_object", "json_schema"):
        return True
    users = _messages_text(request, "user")
    return bool(users) and "Respond with a JSON object" in users[-1]


def _from_schema(schema: Any, defs: dict[str, Any], text: str, expanding: frozenset[str] = frozenset()) -> Any:
    """A small deterministic instance of a JSON schema (the shapes pydantic emits).

    A recursive reference is cut with null, which fits the usual `Optional["Model"]`.
    """
    if not isinstance(schema, dict):
        return text
    defs = {**defs, **schema.get("$defs", {}), **schema.get("definitions", {})}
    if "$ref" in schema:
        ref = schema["$ref"]
        if ref in expanding:
            return None
        return _from_schema(defs.get(ref.rsplit("/", 1)[-1], {}), defs, text, expanding | {ref})
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        options = schema.get(key, [])
        concrete = [s for s in options if isinstance(s, dict) and s.get("type") != "null"]
        if concrete and not (len(concrete) < len(options) and concrete[0].get("$ref") in expanding):
            return _from_schema(concrete[0], defs, text, expanding)
        if options:
            return None
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {k: _from_schema(v, defs, f"{k} {text}", expanding) for k, v in properties.items()}
    if kind == "array":
        count = min(max(schema.get("minItems", 1), 1), schema.get("maxItems", 1_000))
        return [_from_schema(schema.get("items", {}), defs, text, expanding) for _ in range(count)]
    if kind in ("integer", "number"):
        value = max(1 if kind == "integer" else 0.5, schema.get("minimum", -math.inf))
        value = min(value, schema.get("maximum", math.inf))
        return int(value) if kind == "integer" else float(value)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return text


def _value(name: str, note: str, tag: str) -> Any:
    """A value of the type a field's note describes; plain text when there is no note."""
    text = f"{name} {tag}"
    if "single int value" in note:
        return 1
    if "single float value" in note:
        return 0.5
    if "True or False" in note:
        return True
    if "one of:" in note:
        return note.split("one of:", 1)[1].strip().split("; ")[0]
    if "JSON schema:" in note:
        try:
            schema, _ = json.JSONDecoder().raw_decode(note.split("JSON schema:", 1)[1].strip())
        except ValueError:
            return text
        return _from_schema(schema, {}, text)
    return text


def chat_adapter_responder(request: dict[str, Any]) -> str:
    """Answer a DSPy adapter prompt with every output field filled in deterministically.

    Strings are "<field> <tag>" where tag is a CRC32 of the last user message (same input,
    same answer; different inputs, different answers); other types get a small valid value
    (int 1, float 0.5, True, the first Literal/enum option, an instance of the JSON schema).
    ChatAdapter format ("[[ ## field ## ]]" blocks), or a JSON object when the request
    asks for JSON. A prompt with no output fields gets "echo: <last user message>".
    """
    users = _messages_text(request, "user")
    last = users[-1] if users else ""
    tag = f"{zlib.crc32(last.encode()):08x}"
    fmt = request.get("response_format")
    schema = (fmt.get("json_schema") or {}).get("schema") if isinstance(fmt, dict) else None
    if isinstance(schema, dict):  # structured outputs: the schema is the whole contract
        return json.dumps(_from_schema(schema, {}, tag))
    fields = output_fields(request)
    json_mode = _wants_json(request)
    if not fields:
        return "{}" if json_mode else f"echo: {last}"
    values = {name: _value(name, note, tag) for name, note in fields.items()}
    if json_mode:
        return json.dumps(values)
    blocks = [f"[[ ## {n} ## ]]\n{v if isinstance(v, str) else json.dumps(v)}" for n, v in values.items()]
    return "\n\n".join([*blocks, "[[ ## completed ## ]]"])


# --------------------------------------------------------------------------- HTTP


class _BadRequest(Exception):
    """A request that cannot be parsed as HTTP/1.1; answered with 400 and the connection closed."""


@dataclass
class _Request:
    method: str
    path: str
    body: bytes
    keep_alive: bool


async def _read_request(reader: asyncio.StreamReader) -> _Request | None:
    """Read one HTTP/1.1 request; None on a clean end of stream between requests."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise _BadRequest("truncated request head") from exc
        return None
    except asyncio.LimitOverrunError as exc:
        raise _BadRequest("request head too large") from exc
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise _BadRequest(f"bad request line: {lines[0][:100]!r}")
    method, target, version = parts
    headers = {}
    for line in lines[1:]:
        if line:
            key, sep, value = line.partition(":")
            if not sep:
                raise _BadRequest(f"bad header line: {line[:100]!r}")
            headers[key.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = await _read_chunked(reader)
    else:
        try:
            length = int(headers.get("content-length", "0"))
        except ValueError as exc:
            raise _BadRequest("bad Content-Length") from exc
        body = await reader.readexactly(length) if length > 0 else b""
    connection = headers.get("connection", "").lower()
    keep_alive = connection != "close" if version == "HTTP/1.1" else connection == "keep-alive"
    return _Request(method, target.split("?", 1)[0], body, keep_alive)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    body = bytearray()
    while True:
        size_line = await reader.readuntil(b"\r\n")
        try:
            size = int(size_line.split(b";", 1)[0].strip(), 16)
        except ValueError as exc:
            raise _BadRequest("bad chunk size") from exc
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers
                pass
            return bytes(body)
        body += await reader.readexactly(size)
        await reader.readexactly(2)


def _response_bytes(
    status: int, payload: dict[str, Any], keep_alive: bool, headers: dict[str, str] | None = None
) -> bytes:
    body = json.dumps(payload).encode()
    extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    head = (
        f"HTTP/1.1 {status} {_REASONS[status]}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"{extra}"
        f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
    )
    return head.encode("latin-1") + body


_Events = AsyncGenerator[dict[str, Any], None]
"""A streamed answer: the JSON objects sent one per server-sent event, before ``data: [DONE]``."""


async def _write_events(writer: asyncio.StreamWriter, events: _Events, keep_alive: bool) -> None:
    """Send `events` as server-sent events in a chunked HTTP response (so the connection can be kept alive)."""
    head = (
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: text/event-stream\r\n"
        "Cache-Control: no-cache\r\n"
        "Transfer-Encoding: chunked\r\n"
        f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
    )
    writer.write(head.encode("latin-1"))
    async with contextlib.aclosing(events):
        async for event in events:
            writer.write(_chunk(f"data: {json.dumps(event)}\n\n"))
            await writer.drain()
    writer.write(_chunk("data: [DONE]\n\n") + b"0\r\n\r\n")
    await writer.drain()


def _chunk(text: str) -> bytes:
    data = text.encode()
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def _choices(body: dict[str, Any]) -> int:
    requested = body.get("n")
    return requested if isinstance(requested, int) and requested > 0 else 1


def _usage(body: dict[str, Any], content: str, n: int) -> dict[str, int]:
    """Token counts of an answer; they count whitespace-separated words: a stand-in for tokens, not a tokenizer."""
    prompt_tokens = sum(len(_text(m.get("content")).split()) for m in body["messages"] if isinstance(m, dict))
    completion_tokens = len(content.split()) * n
    return {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens}


def _error(status: int, message: str, code: str) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}}


# --------------------------------------------------------------------------- server


class ChatServer:
    """An OpenAI-compatible chat-completions server on 127.0.0.1, in a background thread.

    Endpoints: ``POST /v1/chat/completions`` and ``GET /v1/models``. A request with
    ``"stream": true`` is answered with server-sent events in OpenAI's chunk format: the
    answer word by word, spread over ``latency``, a usage chunk when ``stream_options``
    asks for it, then ``data: [DONE]`` (so `dspy.streamify` and token streaming work offline);
    anything else is a JSON 404/405, a body that is not a JSON object with ``messages``
    a JSON 400, a responder that raises a JSON 500. HTTP/1.1 keep-alive is supported.

    Each answer waits ``latency`` seconds with ``asyncio.sleep`` first, so concurrent
    requests overlap the way they do against a real provider. ``responder`` runs on the
    server's event loop (a sync responder must not block; it may be ``async def``).

    Counters for assertions: ``request_count``, ``in_flight``, ``max_in_flight`` (the most
    chat requests waiting at once), ``connections`` (TCP connections accepted) and
    ``requests`` (the request bodies, in arrival order). ``reset_stats()`` starts them over.

    ``rate_limit_next(n)`` makes the next ``n`` chat requests get an HTTP 429 at once (a
    provider's rate limit, to test clients' retries); ``rate_limited`` counts the 429s sent.
    Rejected requests do not count as requests, nor as in flight.
    """

    def __init__(
        self,
        responder: Responder | None = None,
        *,
        latency: float = 0.0,
        model: str = "test-model",
        host: str = "127.0.0.1",
        port: int = 0,
        backlog: int = 1024,
    ) -> None:
        self.responder: Responder = responder or chat_adapter_responder
        self.latency = latency
        self.model = model
        self.host = host
        self.port = port
        """The bound port once started (``port=0`` asks the OS for a free one on every start)."""
        self._bind_port = port
        self.backlog = backlog
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None
        self._startup_error: BaseException | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._ids = itertools.count(1)
        self.in_flight = 0
        self._rate_limit_left = 0
        self._retry_after: float | None = None
        self.reset_stats()

    # -- lifecycle

    @property
    def base_url(self) -> str:
        """The OpenAI ``base_url``/``api_base`` to give a client, e.g. ``http://127.0.0.1:PORT/v1``."""
        if self._thread is None:
            raise ChatServerStateError(running=False)
        return f"http://{self.host}:{self.port}/v1"

    def start(self) -> Self:
        """Bind and serve in a background thread; returns once the port is accepting."""
        if self._thread is not None:
            raise ChatServerStateError(running=True)
        ready = threading.Event()
        self._startup_error = None
        thread = threading.Thread(target=asyncio.run, args=(self._serve(ready),), name="ChatServer", daemon=True)
        thread.start()
        ready.wait()
        if self._startup_error is not None:
            thread.join()
            raise self._startup_error
        self._thread = thread
        return self

    def stop(self) -> None:
        """Close the listener and every open connection, and join the server thread."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        assert self._loop is not None and self._stop_event is not None
        self._loop.call_soon_threadsafe(self._stop_event.set)
        thread.join()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def reset_stats(self) -> None:
        """Zero the counters and clear the request log (e.g. between benchmark rounds).

        ``in_flight`` is a live gauge and is kept; ``max_in_flight`` restarts from it.
        """
        self.request_count = 0
        self.max_in_flight = self.in_flight
        self.connections = 0
        self.rate_limited = 0
        self._log: list[dict[str, Any]] = []

    def rate_limit_next(self, n: int, retry_after: float | None = 0.0) -> None:
        """Answer the next `n` chat requests with HTTP 429 ``rate_limit_exceeded``, as a provider over its quota does.

        `retry_after` is sent as the ``Retry-After`` header (seconds; None sends none, and
        clients fall back to their own backoff). Replaces any count still pending.
        """
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        self._rate_limit_left, self._retry_after = n, retry_after

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The chat-completions request bodies received, oldest first (a copy)."""
        return list(self._log)

    # -- serving (runs on the server thread's loop)

    async def _serve(self, ready: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop_event = asyncio.Event()
        try:
            server = await asyncio.start_server(
                self._accept, self.host, self._bind_port, backlog=self.backlog, limit=_MAX_HEAD_BYTES
            )
        except BaseException as exc:  # noqa: BLE001 - re-raised in start()'s thread
            self._startup_error = exc
            ready.set()
            return
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        try:
            await self._stop_event.wait()
        finally:
            server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await server.wait_closed()

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Own the connection tasks (rather than handing start_server a coroutine) so stop()
        # can cancel and await them: on Python 3.11 asyncio's own wrapper logs a spurious
        # error for a cancelled handler.
        self.connections += 1
        task = asyncio.get_running_loop().create_task(self._handle_connection(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    request = await _read_request(reader)
                except _BadRequest as exc:
                    writer.write(_response_bytes(*_error(400, str(exc), "bad_request"), keep_alive=False))
                    await writer.drain()
                    return
                if request is None:
                    return
                status, payload, headers = await self._dispatch(request)
                if isinstance(payload, dict):
                    writer.write(_response_bytes(status, payload, request.keep_alive, headers))
                    await writer.drain()
                else:
                    await _write_events(writer, payload, request.keep_alive)
                if not request.keep_alive:
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return  # the client went away mid-request
        finally:
            writer.close()

    async def _dispatch(self, request: _Request) -> tuple[int, dict[str, Any] | _Events, dict[str, str]]:
        """The status, JSON body (or server-sent events) and extra headers of the response to `request`."""
        routes = {"/v1/chat/completions": ("POST", self._chat), "/v1/models": ("GET", self._models)}
        if request.path not in routes:
            return (*_error(404, f"no route for {request.method} {request.path}", "not_found"), {})
        method, handler = routes[request.path]
        if request.method != method:
            return (*_error(405, f"{request.path} takes {method}, not {request.method}", "method_not_allowed"), {})
        if handler == self._chat and self._rate_limit_left > 0:
            return self._rate_limit()
        return (*await handler(request), {})

    def _rate_limit(self) -> tuple[int, dict[str, Any], dict[str, str]]:
        self._rate_limit_left -= 1
        self.rate_limited += 1
        headers = {} if self._retry_after is None else {"Retry-After": f"{self._retry_after:g}"}
        error = {"message": "Rate limit reached (ChatServer.rate_limit_next)", "type": "requests",
                 "param": None, "code": "rate_limit_exceeded"}
        return 429, {"error": error}, headers

    async def _models(self, request: _Request) -> tuple[int, dict[str, Any]]:
        model = {"id": self.model, "object": "model", "created": 0, "owned_by": "dspyer-lab"}
        return 200, {"object": "list", "data": [model]}

    async def _chat(self, request: _Request) -> tuple[int, dict[str, Any] | _Events]:
        try:
            body = json.loads(request.body or b"null")
        except ValueError as exc:
            return _error(400, f"request body is not valid JSON: {exc}", "invalid_json")
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return _error(400, "request body must be a JSON object with a 'messages' list", "invalid_request")
        stream = bool(body.get("stream"))
        if stream and _choices(body) != 1:
            return _error(400, "ChatServer streams one choice: n must be 1 with stream=true", "unsupported")
        self._log.append(body)
        self.request_count += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency > 0 and not stream:
                await asyncio.sleep(self.latency)
            content = self.responder(body)
            if inspect.isawaitable(content):
                content = await content
        except Exception as exc:  # noqa: BLE001 - any responder failure is the client's HTTP 500
            self.in_flight -= 1
            return 500, {"error": {"message": f"responder failed: {exc!r}", "type": "server_error", "code": None}}
        if stream:
            return 200, self._stream(body, str(content))  # it counts the request in flight until its last chunk
        self.in_flight -= 1
        return 200, self._completion(body, str(content))

    def _completion(self, body: dict[str, Any], content: str) -> dict[str, Any]:
        n = _choices(body)
        choice = {"message": {"role": "assistant", "content": content}, "finish_reason": "stop", "logprobs": None}
        return {
            **self._head(body, "chat.completion"),
            "choices": [{"index": i, **choice} for i in range(n)],
            "usage": _usage(body, content, n),
        }

    def _head(self, body: dict[str, Any], kind: str) -> dict[str, Any]:
        return {"id": f"chatcmpl-{next(self._ids)}", "object": kind, "created": int(time.time()),
                "model": body.get("model") or self.model}

    async def _stream(self, body: dict[str, Any], content: str) -> _Events:
        """The answer as OpenAI chat-completion chunks, word by word over `latency`; usage last when asked for."""
        try:
            head = self._head(body, "chat.completion.chunk")
            words = word_chunks(content)
            yield {**head, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]}
            for word in words:
                if self.latency > 0:
                    await asyncio.sleep(self.latency / len(words))
                yield {**head, "choices": [{"index": 0, "delta": {"content": word}, "finish_reason": None}]}
            yield {**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
            options = body.get("stream_options")
            if isinstance(options, dict) and options.get("include_usage"):
                yield {**head, "choices": [], "usage": _usage(body, content, 1)}
        finally:
            self.in_flight -= 1
