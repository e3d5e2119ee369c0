from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from wizard.logs import configure_logging, log_file_path


@pytest.fixture
def clean_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers[len(handlers) :]:
        handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("clean_root_logger")
def test_gui_logging_writes_a_file_in_the_data_folder(isolated_user_dirs: Path) -> None:
    path = configure_logging(verbose=False, to_file=True)
    assert path == log_file_path()
    assert path is not None and path.is_relative_to(isolated_user_dirs)
    logging.getLogger("wizard.test").info("a step was saved")
    for handler in logging.getLogger().handlers:
        if isinstance(
            handler, logging.FileHandler
        ):  # earlier CLI tests leave stderr handlers on closed streams
            handler.flush()
    assert "a step was saved" in path.read_text(encoding="utf-8")


@pytest.mark.usefixtures("clean_root_logger")
def test_command_line_logging_writes_no_file() -> None:
    assert configure_logging(verbose=True, to_file=False) is None
    assert not log_file_path().exists()
