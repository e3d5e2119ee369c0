"""Hostile and unlucky inputs for `prepare`, as issue 11 reproduced them; each builder writes into a folder
and returns the paths to give `prepare`. Shared by the reader tests and the fuzz suite."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

STUDENT_HEADER = "School_id,Student_id,Last_name,First_name,Grade"


def student_rows(count: int, start: int = 1) -> str:
    return "".join(f"1,{n:06d},Last{n},First{n},3\n" for n in range(start, start + count))


def students_csv(folder: Path, rows: int = 3, name: str = "students.csv") -> Path:
    path = folder / name
    path.write_text(STUDENT_HEADER + "\n" + student_rows(rows), encoding="utf-8")
    return path


def zip_bomb(folder: Path, megabytes: int = 1024) -> Path:
    """A small zip that unpacks to `megabytes` of valid CSV rows (issue 11: 3 MB -> 1 GB)."""
    path = folder / "bomb.zip"
    block = b"1,000001,Last,First,3\n" * 50_000
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as bundle,
        bundle.open("students.csv", "w", force_zip64=True) as sink,
    ):
        sink.write((STUDENT_HEADER + "\n").encode())
        written = 0
        while written < megabytes * 1024 * 1024:
            sink.write(block)
            written += len(block)
    return path


def wide_header(folder: Path, columns: int = 2_600_000) -> Path:
    """A 5 MB header line with 2.6 M columns."""
    path = folder / "students.csv"
    path.write_bytes(b",".join(b"c" for _ in range(columns)) + b"\n1\n")
    return path


def many_tiny_csvs(folder: Path, count: int = 20_000) -> Path:
    path = folder / "many.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for number in range(count):
            bundle.writestr(f"part{number}.csv", "a,b\n1,2\n")
    return path


def symlink_to_dev_zero(folder: Path) -> Path:
    path = folder / "students.csv"
    path.symlink_to("/dev/zero")
    return path


def fifo(folder: Path) -> Path:
    path = folder / "students.csv"
    os.mkfifo(path)
    return path


def huge_single_field(folder: Path, size: int = 5 * 1024 * 1024) -> Path:
    """A 5 MB single field (no quotes, no line break) in an otherwise ordinary file."""
    path = folder / "students.csv"
    path.write_text(STUDENT_HEADER + "\n" + "1,000001,Last,First,3\n" + "x" * size + "\n", encoding="utf-8")
    return path


def _xlsx_bytes() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(STUDENT_HEADER.split(","))
    for n in range(1, 200):
        sheet.append(["1", f"{n:06d}", f"Last{n}", f"First{n}", "3"])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _rewrite_xlsx(folder: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    path = folder / "students.xlsx"
    source = zipfile.ZipFile(io.BytesIO(_xlsx_bytes()))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = change(info.filename, source.read(info))
            if data is not None:
                target.writestr(info.filename, data)
    return path


def xlsx_cut_in_half(folder: Path) -> Path:
    path = folder / "students.xlsx"
    data = _xlsx_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def xlsx_without_sheet(folder: Path) -> Path:
    return _rewrite_xlsx(folder, lambda name, data: None if name.startswith("xl/worksheets/") else data)


def xlsx_garbage_styles(folder: Path) -> Path:
    return _rewrite_xlsx(
        folder, lambda name, data: b"<styleSheet><<garbage\x00" if name == "xl/styles.xml" else data
    )


def non_utf8_file_name(folder: Path) -> Path:
    path = Path(os.fsdecode(os.fsencode(folder) + b"/students-\xff\xfe.csv"))
    path.write_text(STUDENT_HEADER + "\n" + student_rows(3), encoding="utf-8")
    return path


def deep_json_mapping(folder: Path, depth: int = 100_000) -> Path:
    path = folder / "mapping.json"
    path.write_text("[" * depth + "]" * depth, encoding="utf-8")
    return path


def deep_toml_mapping(folder: Path, depth: int = 100_000) -> Path:
    path = folder / "mapping.toml"
    path.write_text("a = " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    return path


def zip_holding_only_a_zip(folder: Path) -> Path:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as bundle:
        bundle.writestr("students.csv", STUDENT_HEADER + "\n" + student_rows(3))
    path = folder / "export.zip"
    with zipfile.ZipFile(path, "w") as bundle:
        bundle.writestr("inner.zip", inner.getvalue())
    return path


def unbalanced_quote_on_line_2(folder: Path, rows: int = 3000) -> Path:
    path = folder / "students.csv"
    lines = [STUDENT_HEADER, '1,000001,"Last,First,3', *student_rows(rows, start=2).splitlines()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def long_quoted_field(folder: Path, size: int = 200 * 1024) -> Path:
    """A well-formed file with one quoted field over 128 KB (csv's default field limit)."""
    path = folder / "students.csv"
    note = "word " * (size // 5)
    path.write_text(
        "School_id,Student_id,Last_name,First_name,Grade,Notes\n"
        f'1,000001,Last,First,3,"{note}"\n1,000002,Last,Second,3,\n',
        encoding="utf-8",
    )
    return path


def mixed_utf8_and_latin1(folder: Path) -> Path:
    path = folder / "students.csv"
    path.write_bytes(
        (STUDENT_HEADER + "\n").encode()
        + "1,000001,Garc\u00eda,Jos\u00e9,3\n".encode()
        + "1,000002,Mu\u00f1oz,Ren\u00e9e,3\n".encode("latin-1")
        + b"1,000003,Smith,Ann,3\n"
    )
    return path


def mojibake_utf8(folder: Path) -> Path:
    path = folder / "students.csv"
    path.write_text(
        STUDENT_HEADER
        + "\n"
        + "1,000001,Garc\u00eda,Jos\u00e9,3\n".encode().decode("cp1252")
        + "1,000002,B,C,3\n",
        encoding="utf-8",
    )
    return path


def nul_after_64k(folder: Path) -> Path:
    path = folder / "students.csv"
    body = student_rows(3000)
    path.write_text(STUDENT_HEADER + "\n" + body + "1,999999,Nul\x00Name,Ann,3\n", encoding="utf-8")
    assert path.stat().st_size > 64 * 1024
    return path


HOSTILE: dict[str, Callable[[Path], Path]] = {
    "zip bomb (1 GB in a small zip)": zip_bomb,
    "5 MB header with 2.6 M columns": wide_header,
    "20,000 tiny CSVs in a zip": many_tiny_csvs,
    "symlink to /dev/zero": symlink_to_dev_zero,
    "FIFO as input": fifo,
    "5 MB single field": huge_single_field,
    "XLSX cut in half": xlsx_cut_in_half,
    "XLSX with no sheet part": xlsx_without_sheet,
    "XLSX with garbage styles.xml": xlsx_garbage_styles,
    "file name not valid UTF-8": non_utf8_file_name,
    "zip holding only a zip": zip_holding_only_a_zip,
    "unbalanced quote on line 2": unbalanced_quote_on_line_2,
    "field over 128 KB in a well-formed file": long_quoted_field,
    "mixed UTF-8 and Latin-1": mixed_utf8_and_latin1,
    "mojibake (UTF-8 read as cp1252, saved again)": mojibake_utf8,
    "NUL byte after 64 KB": nul_after_64k,
}
# Mapping files are not inputs: they go with --mapping beside an ordinary students.csv.
HOSTILE_MAPPINGS: dict[str, Callable[[Path], Path]] = {
    "JSON mapping nested 100,000 deep": deep_json_mapping,
    "TOML mapping nested 100,000 deep": deep_toml_mapping,
}
