"""Reading one tabular file (CSV/TSV/TXT or XLSX) into a frame of text, with sniffed encoding and delimiter.

Every value is text ("" for empty) so leading zeros and odd spellings survive. The frame's index is the row
number a spreadsheet shows for each record (header = 1), which is what every issue reports. The table's shape
and the limits are in rawtable.py; the exact reader in read_exact.py, its notes (mixed encodings, NUL bytes,
garbled text) in read_notes.py, XLSX in read_excel.py; this module sniffs and chooses.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import mmap
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from wizard.roster.rawtable import MAX_FIELD_CHARS, check_width, clean_header, encoding_label
from wizard.roster.rawtable import RawTable as RawTable
from wizard.roster.rawtable import ReadNote as ReadNote
from wizard.roster.rawtable import UnreadableFile as UnreadableFile
from wizard.roster.rawtable import display_name as display_name
from wizard.roster.rawtable import regular_file_problem as regular_file_problem
from wizard.roster.read_exact import read_text_exact
from wizard.roster.read_excel import read_xlsx
from wizard.roster.read_notes import decode_mixed, note_mixed_rows, note_mojibake, remove_nuls

DELIMITERS = (",", ";", "\t", "|")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab", "")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
# Files up to this size are parsed by the csv module, which keeps exact row numbers across blank lines and
# reports ragged rows; larger ones go through pyarrow's multi-threaded reader.
SMALL_FILE_BYTES = 2 * 1024 * 1024
_SNIFF_BYTES = 64 * 1024
_DECODE_CHUNK = 8 * 1024 * 1024

log = logging.getLogger(__name__)


def read_table(path: Path, *, sheet: str | None = None, name: str | None = None) -> RawTable:
    """Read a CSV/TSV/TXT or XLSX file as text. Raises UnreadableFile with a message for a person.

    Whatever goes wrong while reading one file is about that file: it becomes an UnreadableFile naming it,
    never an internal error (the traceback of an unexpected failure goes to the log).
    """
    display = display_name(name or path.name)
    problem = regular_file_problem(path, display)
    if problem is not None:
        hint = "Check the path and try again." if "not found" in problem else "Give the export file itself."
        if "folder" in problem:
            hint = "Give the files inside it instead."
        raise UnreadableFile(problem, hint)
    suffix = path.suffix.lower()
    try:
        if suffix in EXCEL_SUFFIXES:
            return read_xlsx(path, display, sheet)
        if suffix == ".xls":
            raise UnreadableFile(
                f"{display} is an old Excel 97-2003 workbook, which cannot be read.",
                "Save it as .xlsx or CSV and try again.",
            )
        if zipfile.is_zipfile(path) and suffix not in TEXT_SUFFIXES:
            raise UnreadableFile(f"{display} is a zip archive, not a table.", "Give the zip as an input.")
        return _read_text(path, display)
    except UnreadableFile:
        raise
    except PermissionError as error:
        raise UnreadableFile(
            f"{display} cannot be opened: permission denied.", "Check its permissions."
        ) from error
    except OSError as error:
        raise UnreadableFile(
            f"{display} cannot be read: {error.strerror or error}.",
            "Copy it to a local folder and try again.",
        ) from error
    except (MemoryError, RecursionError) as error:
        raise UnreadableFile(
            f"{display} is too large or too deeply nested to read with the memory available.",
            "Check that it is the right export; split it into smaller files if it is.",
        ) from error
    except Exception as error:
        log.info("reading %s failed", display, exc_info=True)
        raise UnreadableFile(
            f"{display} cannot be read as a table ({type(error).__name__}: {error}).",
            "Export it again from your SIS as CSV or XLSX.",
        ) from error


# --- text files -------------------------------------------------------------------------------------------


@dataclass
class ByteScan:
    """What one pass over a text file's bytes found."""

    encoding: str
    nul: bool = False  # a NUL byte somewhere (never copied to the output)
    mixed: bool = False  # not UTF-8 as a whole, yet it holds UTF-8 sequences: lines in two encodings
    mojibake_hint: bool = False  # UTF-8 bytes of "Ã", "Â" or "â€": text garbled by a wrong encoding once


_MOJIBAKE_BYTES = (b"\xc3\x83", b"\xc3\x82", b"\xc3\xa2\xe2\x82\xac")


def sniff_encoding(path: Path) -> str:
    """utf-8-sig / utf-16 by byte-order mark, else utf-8 when the whole file decodes, else cp1252."""
    return scan_bytes(path).encoding


def scan_bytes(path: Path) -> ByteScan:
    """The encoding (see sniff_encoding), and whether the file has NULs, mixed encodings or mojibake."""
    with path.open("rb") as handle:
        head = handle.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return ByteScan("utf-16")
        if len(head) >= 4 and head[1:2] == b"\0" and head[3:4] == b"\0":
            return ByteScan("utf-16-le")
        if len(head) >= 4 and head[0:1] == b"\0" and head[2:3] == b"\0":
            return ByteScan("utf-16-be")
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        valid, nul, hint, tail = True, False, False, b""
        while chunk := handle.read(_DECODE_CHUNK):
            window = tail + chunk
            nul = nul or b"\0" in chunk
            hint = hint or any(marker in window for marker in _MOJIBAKE_BYTES)
            if valid:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    valid = False
            tail = chunk[-3:]
        if valid:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                valid = False
    if valid:
        return ByteScan("utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8", nul, False, hint)
    return ByteScan("cp1252", nul, _holds_utf8_sequence(path), False)


def _holds_utf8_sequence(path: Path) -> bool:
    """Whether a file that is not UTF-8 as a whole still holds UTF-8 sequences (a lead byte followed by a
    continuation byte): then some of its lines were written in UTF-8. Vectorised, one pass."""
    previous = np.zeros(0, dtype=np.uint8)
    with path.open("rb") as handle:
        while chunk := handle.read(_DECODE_CHUNK):
            raw = np.concatenate([previous, np.frombuffer(chunk, dtype=np.uint8)])
            lead = (raw[:-1] >= 0xC2) & (raw[:-1] <= 0xF4)
            continuation = (raw[1:] >= 0x80) & (raw[1:] <= 0xBF)
            if (lead & continuation).any():
                return True
            previous = raw[-1:]
    return False


def sniff_delimiter(sample: str) -> str:
    """The candidate that splits the header line into most fields outside quotes; comma on a tie or none."""
    header = _first_record(sample)
    counts = {delimiter: _count_outside_quotes(header, delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] > 0 else ","


def _first_record(sample: str) -> str:
    in_quotes = False
    for index, char in enumerate(sample):
        if char == '"':
            in_quotes = not in_quotes
        elif char in "\r\n" and not in_quotes:
            return sample[:index]
    return sample


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, in_quotes = 0, False
    for char in line:
        if char == '"':
            in_quotes = not in_quotes
        elif char == delimiter and not in_quotes:
            count += 1
    return count


def _read_text(path: Path, display: str) -> RawTable:
    scan = scan_bytes(path)
    encoding = scan.encoding
    with path.open("rb") as handle:
        raw = handle.read(_SNIFF_BYTES)
    sample = raw.decode(encoding, errors="ignore").lstrip("\ufeff")
    if "\0" in sample and 100 * sample.count("\0") > len(sample):
        raise UnreadableFile(
            f"{display} does not look like a text table (it contains binary data).",
            "Export it from your SIS as CSV or XLSX.",
        )
    if not sample.replace("\0", "").strip():
        raise UnreadableFile(f"{display} is empty.", "Export it again with a header row and its records.")
    delimiter = sniff_delimiter(sample)
    header = _first_record(sample)
    check_width(_count_outside_quotes(header, delimiter) + 1, display, complete=len(header) < len(sample))
    table: RawTable | None = None
    if scan.mixed:
        text, odd_lines, odd, rest = decode_mixed(path)
        table = read_text_exact(lambda: io.StringIO(text, newline=""), display, encoding, delimiter, path)
        table.encoding = f"mixed {rest} and {odd}"
        note_mixed_rows(table, odd_lines, odd, rest)
    elif path.stat().st_size > SMALL_FILE_BYTES and not _has_blank_lines(path, encoding):
        table = _read_text_arrow(path, display, encoding, delimiter)
    if table is None:
        table = read_text_exact(
            lambda: path.open(encoding=encoding, newline="", errors="strict"),
            display,
            encoding,
            delimiter,
            path,
        )
    if scan.nul:
        remove_nuls(table)
    if scan.mojibake_hint:
        note_mojibake(table)
    return table


def _has_blank_lines(path: Path, encoding: str) -> bool:
    if not encoding.startswith("utf-8") and encoding != "cp1252":
        return True  # UTF-16 is rare and small: take the exact path
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
        return view.find(b"\n\n") >= 0 or view.find(b"\n\r\n") >= 0


def _read_text_arrow(path: Path, display: str, encoding: str, delimiter: str) -> RawTable | None:
    """The fast path for big files; None when a row does not fit the header (the exact path then reports it)."""
    ragged: list[int] = []

    def on_invalid_row(row: pacsv.InvalidRow) -> str:
        ragged.append(row.number)
        return "skip"

    try:
        with path.open(encoding=encoding, newline="") as handle:
            header = next(csv.reader(handle, delimiter=delimiter), [])
    except (csv.Error, UnicodeDecodeError):
        return None  # the exact path says what is wrong, and where
    check_width(len(header), display)
    columns = clean_header(header)
    pa_encoding = "utf8" if encoding.startswith("utf-8") else encoding
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=columns, skip_rows=1, encoding=pa_encoding, block_size=16 * 1024 * 1024
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid_row
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(columns, pa.large_string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    if ragged or any(
        (pc.max(pc.utf8_length(column)).as_py() or 0) > MAX_FIELD_CHARS for column in table.columns
    ):
        return None  # the exact path reports the row (or the over-long value) where it starts
    frame = table.to_pandas()
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    return RawTable(display, path, frame, encoding_label(encoding), delimiter)


def read_header(path: Path) -> list[str]:
    """Only the header row of a text table (for recognising a set's format without reading it); [] when the
    file cannot be read as text."""
    try:
        encoding = sniff_encoding(path)
        with path.open("rb") as handle:
            raw = handle.read(_SNIFF_BYTES)
    except OSError:
        return []
    sample = raw.decode(encoding, errors="ignore").lstrip("\ufeff")
    first = _first_record(sample)
    if not first.strip():
        return []
    return clean_header(next(csv.reader([first], delimiter=sniff_delimiter(sample)), []))
