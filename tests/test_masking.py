"""Secrets never leave the kernel: the name rule, and masking of exceptions, logs and cell errors."""

from __future__ import annotations

import pytest

from dspyer_lab.lab.textview import Masker


@pytest.mark.parametrize(
    "name", ["API_KEY_2", "API_KEY_1", "token_v2", "tokenV2", "Authorization", "proxy_authorization", "passphrase",
             "pwd", "db_pwd", "api_key_v10"],
)
def test_versioned_and_header_like_secret_names_are_secret(name: str) -> None:
    assert Masker().is_secret(name)


@pytest.mark.parametrize("name", ["key_points", "max_tokens", "primary_key", "tokenizer", "author", "v2", "key_points_2"])
def test_names_that_merely_contain_a_secret_word_are_not(name: str) -> None:
    assert not Masker().is_secret(name)
