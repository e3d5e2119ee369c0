"""pytest-qt hygiene: offscreen, and any Qt warning fails the test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_configure(config):  # type: ignore[no-untyped-def]
    config.option.qt_log_level_fail = "WARNING"
