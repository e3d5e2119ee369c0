"""Reading an XLSX workbook's sheet as text (see wizard/roster/readers.py)."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from wizard.errors import UserFacingError
from wizard.roster.rawtable import (
    RawTable,
    UnreadableFile,
    check_width,
    clean_header,
)


def read_xlsx(path: Path, display: str, sheet: str | None) -> RawTable:
    import openpyxl  # imported here: only XLSX inputs need it

    hint = "Open it in Excel and save it as .xlsx again (or save the sheet as CSV)."
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except UserFacingError:
        raise
    except (MemoryError, RecursionError):
        raise
    except Exception as error:  # a damaged workbook fails in many ways: zip, XML, styles, missing parts
        raise UnreadableFile(
            f"{display} is not a readable Excel workbook ({_xlsx_problem(error)}).", hint
        ) from error
    try:
        if not workbook.sheetnames:
            raise UnreadableFile(f"{display} is an Excel workbook with no sheets.", hint)
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
        check_width(len(header_cells), display)
        columns = clean_header([_cell_text(cell) for cell in header_cells])
        frame = _frame_from_records(columns, records)
        title = worksheet.title
    except UserFacingError:
        raise
    except (MemoryError, RecursionError):
        raise
    except Exception as error:
        raise UnreadableFile(
            f"{display}: its sheet cannot be read ({_xlsx_problem(error)}); the workbook is damaged or cut short.",
            hint,
        ) from error
    finally:
        workbook.close()
    return RawTable(display, path, frame, "XLSX", None, sheet=title)


def _xlsx_problem(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"a part of the workbook is missing: {error.args[0] if error.args else error}"
    if isinstance(error, zipfile.BadZipFile | EOFError):
        return f"the file is not a complete workbook: {error}"
    return f"{type(error).__name__}: {error}"


EXCEL_EXACT_LIMIT = 1e15


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
