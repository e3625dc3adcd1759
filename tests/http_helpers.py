"""Helpers for tests that talk to the loopback `ChatServer` through a real `dspy.LM`."""

from __future__ import annotations

import asyncio
import os
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # no model-metadata fetch: tests stay offline

import dspy

from dspyer_lab.testing import ChatServer, chat_adapter_responder

ENGINES = ["auto", "litellm"]
"""DSPy 3.4's two HTTP paths: its own lm15 client, and LiteLLM."""


def make_lm(server: ChatServer, engine: str) -> dspy.LM:
    # num_retries=0: a failure surfaces at once instead of after DSPy's exponential backoff
    return dspy.LM(
        "openai/test-model", api_base=server.base_url, api_key="test", cache=False, num_retries=0, engine=engine
    )


async def aclose_lm(lm: dspy.LM) -> None:
    """Close the LM's pools on this loop; LiteLLM's globally cached clients too (lm.aclose() does not reach them)."""
    await lm.aclose()
    if lm.engine == "litellm":
        import litellm

        await litellm.close_litellm_async_clients()


class Gate:
    """A responder that holds every request until `n` are in flight at once (no timing involved).

    If the client serialized or capped its calls below `n`, the gate never opens and the
    requests fail after `timeout` seconds instead of hanging the suite.
    """

    def __init__(self, n: int, timeout: float = 60.0) -> None:
        self.n, self.timeout, self.arrived = n, timeout, 0
        self.open: asyncio.Event | None = None

    async def __call__(self, request: dict[str, Any]) -> str:
        self.open = self.open or asyncio.Event()  # created on the server's loop
        self.arrived += 1
        if self.arrived >= self.n:
            self.open.set()
        await asyncio.wait_for(self.open.wait(), self.timeout)
        return chat_adapter_responder(request)
