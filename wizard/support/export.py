"""Files a support agent hands on: spreadsheet-safe CSVs and the self-contained HTML report, written atomically."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from wizard import fileio
from wizard.roster.pipeline import OutputError
from wizard.roster.vendor.files import atomic_write_csv
from wizard.roster.vendor.normalise import neutralise_formulas


def write_report_csv(rows: Iterable[Mapping[str, str]], columns: Sequence[str], path: Path) -> Path:
    """A CSV meant for a spreadsheet: cells that would run as formulas get a leading apostrophe."""
    frame = pd.DataFrame(list(rows), columns=list(columns), dtype="string").fillna("")
    atomic_write_csv(neutralise_formulas(frame), path)
    return path


def write_text_atomically(text: str, path: Path) -> Path:
    """UTF-8 text written to a temporary file beside `path`, then renamed over it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return fileio.write_text_atomically(path, text)
    except OSError as error:
        raise _cannot_write(path, error) from error


def _cannot_write(path: Path, error: OSError) -> OutputError:
    return OutputError(
        f"Cannot write {path}: {error.strerror or error}.", "Choose a folder you can write to."
    )
