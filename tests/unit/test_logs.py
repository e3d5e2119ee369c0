from __future__ import annotations

import logging
import logging.handlers
import stat
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
        if isinstance(handler, logging.FileHandler):
            handler.flush()
    assert "a step was saved" in path.read_text(encoding="utf-8")


@pytest.mark.usefixtures("clean_root_logger")
def test_command_line_logging_writes_no_file() -> None:
    assert configure_logging(verbose=True, to_file=False) is None
    assert not log_file_path().exists()


@pytest.mark.usefixtures("clean_root_logger")
def test_configuring_twice_replaces_the_handlers() -> None:
    configure_logging(verbose=False, to_file=True)
    count = len(logging.getLogger().handlers)
    configure_logging(verbose=False, to_file=True)
    assert len(logging.getLogger().handlers) == count


@pytest.mark.usefixtures("clean_root_logger")
def test_the_log_file_and_its_folders_are_user_only_after_a_rollover_too(isolated_user_dirs: Path) -> None:
    """Issue 11 (secrets and data at rest): the log was created 0644 in 0755 folders."""
    path = configure_logging(verbose=False, to_file=True)
    assert path is not None
    handler = next(
        h for h in logging.getLogger().handlers if isinstance(h, logging.handlers.RotatingFileHandler)
    )
    logging.getLogger("wizard.test").info("before the rollover")
    handler.doRollover()
    logging.getLogger("wizard.test").info("after the rollover")
    for file in (path, path.with_name(path.name + ".1")):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    for folder in (path.parent, path.parent.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
