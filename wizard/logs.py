"""Where the product logs: stderr for the command line, plus a rotating file for the GUI.

A desktop user never sees stderr, so the GUI also writes INFO and above to a file in the user data folder;
error messages on the pages name that file. Secrets never reach a log: the clients keep them out of messages, and wizard.redact removes them from the
URLs that HTTP libraries log.
"""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
from pathlib import Path
from typing import TypeVar

from wizard.redact import install_url_redaction
from wizard.state import data_dir

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_LOG_BYTES = 1_000_000
KEPT_LOG_FILES = 3
_H = TypeVar("_H", bound=logging.Handler)


def log_file_path() -> Path:
    return data_dir() / "logs" / "wizard.log"


def configure_logging(*, verbose: bool, to_file: bool) -> Path | None:
    """Log to stderr (WARNING, or DEBUG when verbose) and, for the GUI, to a rotating file; returns its path."""
    install_url_redaction()
    root = logging.getLogger()
    _remove_own_handlers(root)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    console = _own(logging.StreamHandler())
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(console)
    if not to_file:
        return None
    path = log_file_path()
    try:
        path.parent.parent.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        path.parent.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)
        file_handler = _own(
            PrivateRotatingFileHandler(
                path, maxBytes=MAX_LOG_BYTES, backupCount=KEPT_LOG_FILES, encoding="utf-8"
            )
        )
    except OSError as error:
        logging.getLogger(__name__).warning("cannot write the log file %s: %s", path, error)
        return None
    file_handler.setLevel(logging.INFO)
    file_handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(file_handler)
    return path


PRIVATE_FOLDER = 0o700


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log file that is user-only (0600), the first one and every one after a rollover: a log
    names the district, its files and at times its students."""

    def _open(self) -> io.TextIOWrapper:
        # the opener makes the file user-only from its creation; the handler keeps it open and closes it
        stream = open(  # noqa: SIM115
            self.baseFilename, "a", encoding=self.encoding, errors=self.errors, opener=_private_opener
        )
        os.fchmod(stream.fileno(), 0o600)  # a file an earlier version created readable by others
        return stream


def _private_opener(path: str, flags: int) -> int:
    return os.open(path, flags, 0o600)


_OWN_HANDLER_MARK = "_wizard_handler"


def _own(handler: _H) -> _H:
    setattr(handler, _OWN_HANDLER_MARK, True)
    return handler


def _remove_own_handlers(root: logging.Logger) -> None:
    """Calling configure_logging again (main() in tests, a second run) replaces its handlers, never stacks them."""
    for handler in [h for h in root.handlers if getattr(h, _OWN_HANDLER_MARK, False)]:
        root.removeHandler(handler)
        handler.close()
