"""argparse `type=` functions: a bad value becomes argparse's one-line usage error, never a traceback."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

MAX_PORT = 65535


def port(text: str) -> int:
    """A TCP port, 0 (any free port) to 65535."""
    value = _whole(text, f"a port number (0 to {MAX_PORT})")
    if not 0 <= value <= MAX_PORT:
        raise argparse.ArgumentTypeError(
            f"{value} is not a port number: use 0 to {MAX_PORT} (0 = any free port)"
        )
    return value


def _whole(text: str, what: str) -> int:
    """`text` as an int, else argparse's error saying it is not `what`."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a usable number")
    return value


def share(text: str) -> float:
    """A share of records, 0 to 1 (0.25 = a quarter)."""
    value = _number(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(
            f"{text} is not a share: use a number from 0 to 1, e.g. 0.25 for 25%"
        )
    return value


def seconds(text: str) -> float:
    """A duration in seconds, zero or more."""
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} seconds is negative: use 0 or more")
    return value


def output_folder(text: str) -> Path:
    """A folder to write into: missing is fine (it is created), an existing file is not."""
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a file, not a folder: name a folder for the output")
    return path


def positive_int(text: str) -> int:
    """A whole number, 1 or more."""
    value = _whole(text, "a whole number")
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is too small: use 1 or more")
    return value
