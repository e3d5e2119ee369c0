"""Shared test set-up: no test touches the real user's folders or keyring."""

from __future__ import annotations

import logging
import os
import re
import sys
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


class WarningRecords(logging.Handler):
    """Collects the WARNING and ERROR records the product (loggers `wizard` and `wizard.*`) emits."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "wizard" or record.name.startswith("wizard."):
            self.records.append(record)


@pytest.fixture(autouse=True)
def no_unexpected_warning_logs(request: pytest.FixtureRequest) -> Iterator[WarningRecords]:
    """A warning or error the product logs during a test fails it, unless the test expects it.

    A test that expects one says so: `@pytest.mark.expected_warning_log(r"regex", ...)`; each record must
    match one of the patterns (searched in the formatted message).
    """
    handler = WarningRecords()
    root = logging.getLogger()
    handlers_before, level_before = list(root.handlers), root.level
    root.addHandler(handler)
    try:
        yield handler
    finally:
        # Handlers a test added (main() configures logging onto the test's captured stderr) go with it,
        # so a later test does not log into a closed stream ("--- Logging error ---").
        for added in [h for h in root.handlers if h not in handlers_before]:
            root.removeHandler(added)
            if added is not handler:
                added.close()
        root.setLevel(level_before)
    patterns = [
        re.compile(pattern)
        for marker in request.node.iter_markers("expected_warning_log")
        for pattern in marker.args
    ]
    unexpected = [
        f"{record.levelname} {record.name}: {record.getMessage()}"
        for record in handler.records
        if not any(pattern.search(record.getMessage()) for pattern in patterns)
    ]
    if unexpected:
        pytest.fail(
            "unexpected warning logged by the product (mark the test expected_warning_log if it is meant):\n"
            + "\n".join(unexpected),
            pytrace=False,
        )


# Once every result is reported, leave without the interpreter's final garbage collection: with Qt and
# pyarrow loaded it has been seen to abort ("deallocating None", exit 134) after a fully green run, which
# would turn a passed suite into a failed one. The exit status stays pytest's own.
_EXIT_STATUS: list[int] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _EXIT_STATUS.append(int(exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    if _EXIT_STATUS and "PySide6" in sys.modules and not hasattr(config, "workerinput"):
        sys.stdout.flush()
        sys.stderr.flush()
        logging.shutdown()
        os._exit(_EXIT_STATUS[-1])
