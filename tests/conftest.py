"""Shared test set-up: no test touches the real user's folders or keyring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Point every per-user folder at a temporary one, so tests never read or write the user's data."""
    home = tmp_path_factory.mktemp("home")
    for variable, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
    ):
        (home / sub).mkdir()
        monkeypatch.setenv(variable, str(home / sub))
    # XDG_DATA_HOME is left to the test runner: gnome-keyring keeps its keyring there.
    monkeypatch.setenv("WIZARD_DATA_DIR", str(home / "data"))
    yield home
