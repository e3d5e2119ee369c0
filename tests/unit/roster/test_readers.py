from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from wizard.roster import readers
from wizard.roster.readers import UnreadableFile, read_table, sniff_delimiter


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_semicolon_bom_file_keeps_text_and_leading_zeros(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", codecs.BOM_UTF8 + "Stu # ; Name\r\n007;Müller\r\n0100;\r\n".encode())
    table = read_table(path)
    assert table.encoding == "UTF-8 with BOM"
    assert table.delimiter == ";"
    assert list(table.frame.columns) == ["Stu #", "Name"]
    assert table.frame["Stu #"].tolist() == ["007", "0100"]
    assert table.frame["Name"].tolist() == ["Müller", ""]
    assert table.frame.index.tolist() == [2, 3]


def test_row_numbers_follow_the_spreadsheet_across_blank_lines_and_multiline_values(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", b'id,note\n1,"two\nlines"\n\n2,x\n3,y\n')
    table = read_table(path)
    assert table.frame.index.tolist() == [2, 4, 5]
    assert table.frame.loc[2, "note"] == "two\nlines"


def test_ragged_rows_are_reported_not_fatal(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", b"a,b\n1,2,3\n4\n5,6\n")
    table = read_table(path)
    assert [row for row, _ in table.malformed_rows] == [2, 3]
    assert table.frame["b"].tolist() == ["2", "", "6"]


def test_cp1252_tab_file_falls_back_and_says_so(tmp_path: Path) -> None:
    path = write(tmp_path / "b.txt", "id\tname\n01\tJosé\n".encode("cp1252"))
    table = read_table(path)
    assert table.encoding == "Windows-1252 (cp1252)"
    assert table.delimiter == "\t"
    assert table.frame["name"].tolist() == ["José"]


def test_utf16_with_bom_and_pipes(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "a|b\n001|Zoë\n".encode("utf-16"))
    table = read_table(path)
    assert table.encoding == "UTF-16 with BOM"
    assert table.delimiter == "|"
    assert table.frame.to_dict("list") == {"a": ["001"], "b": ["Zoë"]}


def test_repeated_and_blank_headers_are_made_distinct(tmp_path: Path) -> None:
    table = read_table(write(tmp_path / "d.csv", b"id,,id\n1,2,3\n"))
    assert list(table.frame.columns) == ["id", "(column 2)", "id (2)"]


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("a,b,c\n", ","),
        ("a;b;c\n", ";"),
        ("a\tb\n", "\t"),
        ("a|b|c\n", "|"),
        ('"x;y",b\n', ","),
        ("single\n", ","),
    ],
)
def test_sniff_delimiter(sample: str, expected: str) -> None:
    assert sniff_delimiter(sample) == expected


def test_large_files_take_the_arrow_path_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = "id;grade\n" + "".join(f"{index:05d};K\n" for index in range(300))
    path = write(tmp_path / "big.csv", content.encode())
    small = read_table(path)
    monkeypatch.setattr(readers, "SMALL_FILE_BYTES", 0)
    big = read_table(path)
    assert big.frame.equals(small.frame)
    assert big.frame.index.tolist() == list(range(2, 302))


def test_large_file_with_ragged_row_falls_back_to_exact_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "SMALL_FILE_BYTES", 0)
    table = read_table(write(tmp_path / "big.csv", b"a,b\n1,2\n3\n"))
    assert table.malformed_rows and table.malformed_rows[0][0] == 3


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("empty.csv", b"", "empty"),
        ("blob.csv", b"\x00\x01\x02\x00garbage\x00", "binary"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "Excel 97-2003"),
        ("broken.xlsx", b"not a zip", "not a readable Excel workbook"),
    ],
)
def test_unreadable_files_raise_a_message_for_people(
    tmp_path: Path, name: str, data: bytes, fragment: str
) -> None:
    with pytest.raises(UnreadableFile) as error:
        read_table(write(tmp_path / name, data))
    assert fragment in str(error.value)
    assert name in str(error.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="not found"):
        read_table(tmp_path / "nope.csv")


def make_workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    first.title = "Students"
    first.append(["ID", "DOB", "Count", "Flag"])
    first.append(["00123", dt.datetime(2010, 5, 3), 12.0, True])
    first.append([None, None, None, None])
    first.append([5, None, 1.5, None])
    second = workbook.create_sheet("Teachers")
    second.append(["Teacher ID"])
    second.append(["T1"])
    workbook.save(path)
    return path


def test_xlsx_first_sheet_as_text(tmp_path: Path) -> None:
    table = read_table(make_workbook(tmp_path / "x.xlsx"))
    assert table.sheet == "Students"
    assert table.encoding == "XLSX"
    assert table.frame.index.tolist() == [2, 4]
    assert table.frame.loc[2].tolist() == ["00123", "2010-05-03", "12", "TRUE"]
    assert table.frame.loc[4].tolist() == ["5", "", "1.5", ""]


def test_xlsx_named_sheet_and_missing_sheet(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "x.xlsx")
    assert read_table(path, sheet="Teachers").frame["Teacher ID"].tolist() == ["T1"]
    with pytest.raises(UnreadableFile, match="Students, Teachers"):
        read_table(path, sheet="Staff")


def test_xlsx_long_number_is_shown_as_excel_rounded_it(tmp_path: Path) -> None:
    """Excel keeps 15 digits; a longer id is already damaged, so it reads as Excel shows it, not with invented digits."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Student ID"])
    sheet.append([12345678901234567890])
    sheet.append([999999999999999])
    workbook.save(tmp_path / "ids.xlsx")
    ids = read_table(tmp_path / "ids.xlsx").frame["Student ID"].tolist()
    assert ids == ["1.23456789012346E+19", "999999999999999"]
