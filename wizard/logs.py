"""Where the product logs: stderr for the command line, plus a rotating file for the GUI.

A desktop user never sees stderr, so the GUI also writes INFO and above to a file in the user data folder;
error messages on the pages name that file. Secrets never reach a log (the clients redact them).
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path
from typing import TypeVar

from wizard.state import data_dir

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_LOG_BYTES = 1_000_000
KEPT_LOG_FILES = 3
_H = TypeVar("_H", bound=logging.Handler)


def log_file_path() -> Path:
    return data_dir() / "logs" / "wizard.log"


def configure_logging(*, verbose: bool, to_file: bool) -> Path | None:
    """Log to stderr (WARNING, or DEBUG when verbose) and, for the GUI, to a rotating file; returns its path."""
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
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = _own(
            logging.handlers.RotatingFileHandler(
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


_OWN_HANDLER_MARK = "_wizard_handler"


def _own(handler: _H) -> _H:
    setattr(handler, _OWN_HANDLER_MARK, True)
    return handler


def _remove_own_handlers(root: logging.Logger) -> None:
    """Calling configure_logging again (main() in tests, a second run) replaces its handlers, never stacks them."""
    for handler in [h for h in root.handlers if getattr(h, _OWN_HANDLER_MARK, False)]:
        root.removeHandler(handler)
        handler.close()
