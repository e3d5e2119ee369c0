"""Reading one tabular file (CSV/TSV/TXT or XLSX) into a frame of text, with sniffed encoding and delimiter.

Every value is text ("" for empty) so leading zeros and odd spellings survive. The frame's index is the row
number a spreadsheet shows for each record (header = 1), which is what every issue reports.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import mmap
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from wizard.errors import UserFacingError

DELIMITERS = (",", ";", "\t", "|")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab", "")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
# Files up to this size are parsed by the csv module, which keeps exact row numbers across blank lines and
# reports ragged rows; larger ones go through pyarrow's multi-threaded reader.
SMALL_FILE_BYTES = 2 * 1024 * 1024
_SNIFF_BYTES = 64 * 1024
_DECODE_CHUNK = 8 * 1024 * 1024


class UnreadableFile(UserFacingError):
    """A file that cannot be read as a table at all (missing, binary, corrupt, wrong sheet)."""


@dataclass
class RawTable:
    """One input table as read. `frame` holds only text; its index is the spreadsheet row (header = 1)."""

    name: str
    path: Path
    frame: pd.DataFrame
    encoding: str
    delimiter: str | None
    sheet: str | None = None
    # (spreadsheet row, what is wrong) for rows whose shape does not fit the header
    malformed_rows: list[tuple[int, str]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.frame)


def read_table(path: Path, *, sheet: str | None = None, name: str | None = None) -> RawTable:
    """Read a CSV/TSV/TXT or XLSX file as text. Raises UnreadableFile with a message for a person."""
    display = name or path.name
    if not path.exists():
        raise UnreadableFile(f"{display}: file not found.", "Check the path and try again.")
    if path.is_dir():
        raise UnreadableFile(f"{display} is a folder, not a file.", "Give the files inside it instead.")
    suffix = path.suffix.lower()
    try:
        if suffix in EXCEL_SUFFIXES:
            return _read_xlsx(path, display, sheet)
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
        raise UnreadableFile(f"{display} cannot be read: {error.strerror or error}.", "") from error


# --- text files -------------------------------------------------------------------------------------------


def sniff_encoding(path: Path) -> str:
    """utf-8-sig / utf-16 by byte-order mark, else utf-8 when the whole file decodes, else cp1252."""
    with path.open("rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        if len(head) >= 4 and head[1:2] == b"\0" and head[3:4] == b"\0":
            return "utf-16-le"
        if len(head) >= 4 and head[0:1] == b"\0" and head[2:3] == b"\0":
            return "utf-16-be"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(_DECODE_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


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
    encoding = sniff_encoding(path)
    with path.open("rb") as handle:
        raw = handle.read(_SNIFF_BYTES)
    sample = raw.decode(encoding, errors="ignore").lstrip("\ufeff")
    if "\0" in sample:
        raise UnreadableFile(
            f"{display} does not look like a text table (it contains binary data).",
            "Export it from your SIS as CSV or XLSX.",
        )
    if not sample.strip():
        raise UnreadableFile(f"{display} is empty.", "Export it again with a header row and its records.")
    delimiter = sniff_delimiter(sample)
    size = path.stat().st_size
    if size > SMALL_FILE_BYTES and not _has_blank_lines(path, encoding):
        table = _read_text_arrow(path, display, encoding, delimiter)
        if table is not None:
            return table
    return _read_text_python(path, display, encoding, delimiter)


def _has_blank_lines(path: Path, encoding: str) -> bool:
    if not encoding.startswith("utf-8") and encoding != "cp1252":
        return True  # UTF-16 is rare and small: take the exact path
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
        return view.find(b"\n\n") >= 0 or view.find(b"\n\r\n") >= 0


def _read_text_python(path: Path, display: str, encoding: str, delimiter: str) -> RawTable:
    with path.open(encoding=encoding, newline="", errors="strict") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            header = next(reader, None)
            if header is None:
                raise UnreadableFile(f"{display} is empty.", "Export it again with a header row.")
            if any("\n" in cell or "\r" in cell for cell in header):
                raise UnreadableFile(
                    f"{display}: the header row has an unbalanced quote, so the file cannot be split into columns.",
                    "Open it in a text editor, fix the quote in the first line, and save it as CSV again.",
                )
            columns = _clean_header(header)
            width = len(columns)
            values: list[list[str]] = [[] for _ in columns]
            rows: list[int] = []
            malformed: list[tuple[int, str]] = []
            for position, record in enumerate(reader, start=2):
                if not record or (len(record) == 1 and not record[0].strip()):
                    continue  # a blank line: a spreadsheet shows it as an empty row
                if len(record) != width:
                    malformed.append((position, _shape_problem(len(record), width)))
                    record = (record + [""] * width)[:width]
                rows.append(position)
                for column_values, value in zip(values, record, strict=True):
                    column_values.append(value)
        except csv.Error as error:
            raise UnreadableFile(
                f"{display} is not a well-formed delimited file (line {reader.line_num}: {error}).",
                "Check for unbalanced quotes, or export it again as CSV.",
            ) from error
        except UnicodeDecodeError as error:
            raise UnreadableFile(
                f"{display} has text in an unknown encoding.", "Save it as UTF-8."
            ) from error
    frame = pd.DataFrame(
        {
            column: pd.array(column_values, dtype="str")
            for column, column_values in zip(columns, values, strict=True)
        },
        index=pd.Index(rows, dtype="int64"),
    )
    if not columns:
        frame = pd.DataFrame(index=pd.Index(rows, dtype="int64"))
    return RawTable(display, path, frame, _encoding_label(encoding), delimiter, malformed_rows=malformed)


def _shape_problem(found: int, width: int) -> str:
    if found > width:
        return f"has {found} values but the header has {width} columns; the extra values were ignored"
    return f"has {found} values but the header has {width} columns; the missing ones were read as empty"


def _read_text_arrow(path: Path, display: str, encoding: str, delimiter: str) -> RawTable | None:
    """The fast path for big files; None when a row does not fit the header (the exact path then reports it)."""
    ragged: list[int] = []

    def on_invalid_row(row: pacsv.InvalidRow) -> str:
        ragged.append(row.number)
        return "skip"

    with path.open(encoding=encoding, newline="") as handle:
        header = next(csv.reader(handle, delimiter=delimiter), [])
    columns = _clean_header(header)
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
    if ragged:
        return None
    frame = table.to_pandas()
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    return RawTable(display, path, frame, _encoding_label(encoding), delimiter)


def _encoding_label(encoding: str) -> str:
    return {"utf-8-sig": "UTF-8 with BOM", "utf-8": "UTF-8", "utf-16": "UTF-16 with BOM"}.get(
        encoding, encoding.upper().replace("CP1252", "Windows-1252 (cp1252)")
    )


def _clean_header(header: Sequence[str]) -> list[str]:
    """Header cells trimmed, BOM dropped, blanks named by position and repeats made distinct."""
    columns: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(header, start=1):
        name = str(cell).replace("\ufeff", "").strip() or f"(column {index})"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        columns.append(name)
    return columns


# --- Excel ------------------------------------------------------------------------------------------------


def _read_xlsx(path: Path, display: str, sheet: str | None) -> RawTable:
    import openpyxl  # imported here: only XLSX inputs need it

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise UnreadableFile(
            f"{display} is not a readable Excel workbook ({error}).",
            "Open it in Excel and save it as .xlsx again.",
        ) from error
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise UnreadableFile(
                f"{display} has no sheet named {sheet!r}.",
                f"Its sheets are: {', '.join(workbook.sheetnames)}.",
            )
        records = worksheet.iter_rows(min_row=1, values_only=True)
        header_cells = next(records, None)
        if header_cells is None:
            raise UnreadableFile(f"{display}: the sheet {worksheet.title!r} is empty.", "Add a header row.")
        columns = _clean_header([_cell_text(cell) for cell in header_cells])
        frame = _frame_from_records(columns, records)
        title = worksheet.title
    finally:
        workbook.close()
    return RawTable(display, path, frame, "XLSX", None, sheet=title)


def _frame_from_records(columns: list[str], records: Iterable[Sequence[object]]) -> pd.DataFrame:
    width = len(columns)
    values: list[list[str]] = [[] for _ in columns]
    rows: list[int] = []
    for position, record in enumerate(records, start=2):
        cells = [_cell_text(cell) for cell in record[:width]]
        if not any(cell.strip() for cell in cells):
            continue
        cells += [""] * (width - len(cells))
        rows.append(position)
        for column_values, value in zip(values, cells, strict=True):
            column_values.append(value)
    return pd.DataFrame(
        {
            column: pd.array(column_values, dtype="str")
            for column, column_values in zip(columns, values, strict=True)
        },
        index=pd.Index(rows, dtype="int64"),
    )


EXCEL_EXACT_LIMIT = 1e15


def _cell_text(cell: object) -> str:
    """An Excel cell as the text a person sees: whole numbers without '.0', dates as ISO."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        # Excel keeps 15 significant digits: a longer whole number has already lost digits, so show it as
        # Excel does (1.23456789012346E+19) and let validation flag the damaged id, instead of inventing digits.
        if abs(cell) >= EXCEL_EXACT_LIMIT:
            mantissa, exponent = f"{cell:.14E}".split("E")
            return f"{mantissa.rstrip('0').rstrip('.')}E+{int(exponent)}"
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat(sep=" ")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


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
    return _clean_header(next(csv.reader([first], delimiter=sniff_delimiter(sample)), []))
