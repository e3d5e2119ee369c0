"""What reading a text file must also tell: rows in another encoding, NUL bytes and garbled text
(see wizard/roster/readers.py)."""

from __future__ import annotations

from pathlib import Path

from wizard.roster.rawtable import (
    RawTable,
    ReadNote,
)


def decode_mixed(path: Path) -> tuple[str, set[int], str, str]:
    """Each line in its own encoding (UTF-8 where it decodes, else Windows-1252); the lines in the rarer one."""
    utf8_lines: set[int] = set()
    latin_lines: set[int] = set()
    texts: list[str] = []
    for number, line in enumerate(path.read_bytes().split(b"\n"), start=1):
        try:
            text = line.decode("utf-8")
            if not line.isascii():
                utf8_lines.add(number)
        except UnicodeDecodeError:
            text = line.decode("cp1252", errors="replace")
            latin_lines.add(number)
        texts.append(text)
    latin = "Windows-1252 (Latin-1)"
    if len(latin_lines) <= len(utf8_lines):
        return "\n".join(texts), latin_lines, latin, "UTF-8"
    return "\n".join(texts), utf8_lines, "UTF-8", latin


def note_mixed_rows(table: RawTable, odd_lines: set[int], odd: str, rest: str) -> None:
    for row, (first, last) in table.line_spans.items():
        if any(line in odd_lines for line in range(first, last + 1)):
            values = [str(value) for value in table.frame.loc[row] if not str(value).isascii()]
            example = f" (e.g. {values[0]!r})" if values else ""
            table.notes.append(
                ReadNote(
                    "mixed_encoding",
                    row,
                    "",
                    values[0] if values else "",
                    f"Row {row} of {table.name} is in {odd} while the rest of the file is {rest}; each row was "
                    f"read in its own encoding{example}. Check the names on that row and save the file as UTF-8.",
                )
            )


def remove_nuls(table: RawTable) -> None:
    """NUL bytes are never copied to the output: each is removed and its row reported."""
    frame = table.frame
    for column in frame.columns:
        series = frame[column]
        found = series.str.contains("\0", regex=False)
        if not found.any():
            continue
        cleaned = series.str.replace("\0", "", regex=False)
        for row, value in cleaned[found].items():
            table.notes.append(
                ReadNote(
                    "nul_byte",
                    _row(row),
                    str(column),
                    str(value),
                    f"Row {row}, {column}: the value holds a NUL byte (an invisible control character a damaged "
                    "export leaves), removed here. Check the value in the SIS and export the file again.",
                )
            )
        frame[column] = cleaned


_CP1252_HIGH = "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"


_MOJIBAKE = f"[\u00c2\u00c3][{_CP1252_HIGH}]|\u00e2\u20ac"


def _row(label: object) -> int:
    return int(str(label))


def note_mojibake(table: RawTable) -> None:
    """Text that was UTF-8, read as Windows-1252 and saved again ("José" became "JosÃ©"): reported, kept."""
    for column in table.frame.columns:
        series = table.frame[column]
        for row, value in series[series.str.contains(_MOJIBAKE, regex=True)].items():
            try:
                repaired = str(value).encode("cp1252").decode("utf-8")
            except UnicodeError:
                continue
            table.notes.append(
                ReadNote(
                    "mojibake",
                    _row(row),
                    str(column),
                    str(value),
                    f"Row {row}, {column}: {value!r} looks like {repaired!r} garbled by a wrong encoding (UTF-8 "
                    "read as Windows-1252 and saved again). Correct it in the SIS and export the file as UTF-8.",
                )
            )
