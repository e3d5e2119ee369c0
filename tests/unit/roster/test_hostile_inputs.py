"""Issue 11, items 2, 3, 8, 10 and 11: hostile and unlucky inputs end in a clear message naming the file (or in
a report naming the rows), in bounded time and memory — never an internal problem, a hang or a swap storm."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.unit.roster import hostile
from tests.unit.roster.capped import run_prepare
from wizard.app.main import main
from wizard.errors import UsageError
from wizard.roster import sources
from wizard.roster.pipeline import PrepareResult, prepare, write_outputs
from wizard.roster.readers import UnreadableFile, read_table


def refused(paths: list[Path]) -> str:
    """The message of the UsageError `prepare` stops with."""
    with pytest.raises(UsageError) as caught:
        prepare(paths)
    return str(caught.value)


def issues(result: PrepareResult, code: str) -> list[tuple[int | None, str, str, str]]:
    return [(i.row, i.column, i.value, i.message) for i in result.issues if i.code == code]


def cli(argv: list[str | Path], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["prepare", *map(str, argv)])
    return code, capsys.readouterr().err


# --- 2: zip bombs -----------------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_from_its_declared_sizes(tmp_path: Path) -> None:
    bomb = hostile.zip_bomb(tmp_path, megabytes=40)
    assert bomb.stat().st_size < 1024 * 1024
    message = refused([bomb])
    assert "bomb.zip" in message and "students.csv" in message and "zip bomb" in message


def test_the_actual_size_is_checked_while_unpacking_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A zip can lie about its sizes: with the declared check skipped, the streaming count still stops it."""
    bomb = hostile.zip_bomb(tmp_path, megabytes=40)
    monkeypatch.setattr(sources, "_check_declared", lambda shown, tables: None)
    message = refused([bomb])
    assert "bomb.zip" in message and "zip bomb" in message
    leftovers = list(Path(tmp_path).rglob("*.csv"))
    assert leftovers == []  # nothing unpacked is left behind (prepare's work folder is gone)


def test_the_total_unpacked_size_of_a_zip_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as bundle:  # stored, not compressed: no ratio to catch
        for kind in ("students", "teachers", "schools"):
            bundle.writestr(f"{kind}.csv", hostile.STUDENT_HEADER + "\n" + hostile.student_rows(2000))
    monkeypatch.setattr(sources, "MAX_ZIP_BYTES", 100 * 1024)
    message = refused([archive])
    assert "export.zip unpacks to more than" in message and "roster export" in message


# --- 3: pathological small inputs -------------------------------------------------------------------------


def test_a_header_with_too_many_columns_is_refused(tmp_path: Path) -> None:
    path = hostile.wide_header(tmp_path, columns=50_000)
    with pytest.raises(UnreadableFile, match=r"students\.csv: the header row has over [\d,]+ columns"):
        read_table(path)


def test_a_zip_of_thousands_of_tiny_files_is_refused(tmp_path: Path) -> None:
    message = refused([hostile.many_tiny_csvs(tmp_path, count=600)])
    assert "many.zip holds 600 table files" in message


def test_a_folder_of_thousands_of_tiny_files_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    for number in range(sources.MAX_FILES_PER_INPUT + 1):
        (folder / f"part{number}.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert f"holds {sources.MAX_FILES_PER_INPUT + 1} table files" in refused([folder])


@pytest.mark.parametrize(
    ("build", "what"),
    [(hostile.symlink_to_dev_zero, "a device"), (hostile.fifo, "a named pipe (FIFO)")],
)
def test_devices_and_fifos_are_refused_without_being_opened(
    tmp_path: Path, build: Callable[[Path], Path], what: str
) -> None:
    """Old behaviour: /dev/zero grew memory without limit, a FIFO hung forever (hence the capped child)."""
    (tmp_path / "in").mkdir()
    path = build(tmp_path / "in")
    run = run_prepare([path, "--out", tmp_path / "out"], seconds=30)
    assert not run.timed_out and run.code == 2, run
    assert f"students.csv is {what}" in run.stderr and "internal problem" not in run.stderr


# --- 8: no "internal problem" -----------------------------------------------------------------------------


def _sheet_cut_in_half(folder: Path) -> Path:
    """A workbook whose zip is whole but whose sheet XML stops in the middle."""
    return hostile._rewrite_xlsx(
        folder, lambda name, data: data[: len(data) // 2] if name.startswith("xl/worksheets/") else data
    )


@pytest.mark.parametrize(
    ("build", "says"),
    [
        (hostile.huge_single_field, "line 3 has a value longer than 1 MB"),
        (hostile.xlsx_cut_in_half, "is not a readable Excel workbook"),
        (_sheet_cut_in_half, "its sheet cannot be read"),
        (hostile.xlsx_without_sheet, "is an Excel workbook with no sheets"),
        (hostile.xlsx_garbage_styles, "is not a readable Excel workbook"),
    ],
)
def test_damaged_files_name_the_file_and_say_what_to_do(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    build: Callable[[Path], Path],
    says: str,
) -> None:
    path = build(tmp_path)
    code, err = cli([path, "--out", tmp_path / "out"], capsys)
    assert code == 2
    assert path.name in err
    assert says in err
    assert "internal problem" not in err and "Traceback" not in err
    assert any(advice in err for advice in ("Open it in Excel", "export it again", "Check line"))


def test_a_file_name_that_is_not_utf8_is_read_and_shown_readably(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = hostile.non_utf8_file_name(tmp_path)
    code, err = cli([path, "--out", tmp_path / "out"], capsys)
    assert code == 1  # only the other hub files are missing
    assert "students-\ufffd\ufffd.csv: 3 records -> students" in err
    assert "internal problem" not in err


@pytest.mark.parametrize("build", [hostile.deep_json_mapping, hostile.deep_toml_mapping])
def test_a_mapping_nested_100000_deep_names_the_file(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    build: Callable[[Path], Path],
) -> None:
    mapping = build(tmp_path)
    code, err = cli([hostile.students_csv(tmp_path), "--mapping", mapping, "--out", tmp_path / "out"], capsys)
    assert code == 2
    assert f"The mapping file {mapping.name} is nested too deeply" in err and "Write it like" in err
    assert "internal problem" not in err


def test_a_mapping_that_is_a_fifo_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mapping = hostile.fifo(tmp_path)  # named students.csv; the name does not matter to --mapping
    code, err = cli(
        [hostile.students_csv(tmp_path, name="s.csv"), "--mapping", mapping, "--out", tmp_path / "o"], capsys
    )
    assert code == 2 and "is a named pipe (FIFO)" in err


# --- 10: encodings and NUL bytes --------------------------------------------------------------------------


def test_mixed_utf8_and_latin1_rows_are_each_read_right_and_reported(tmp_path: Path) -> None:
    result = prepare([hostile.mixed_utf8_and_latin1(tmp_path)])
    students = result.tables["students"]
    assert list(students["First_name"]) == ["José", "Renée", "Ann"]
    assert list(students["Last_name"]) == ["García", "Muñoz", "Smith"]
    found = issues(result, "mixed_encoding")
    assert [row for row, *_ in found] == [3]
    assert "Windows-1252" in found[0][3] and "UTF-8" in found[0][3]
    assert result.inputs[0].encoding == "mixed UTF-8 and Windows-1252 (Latin-1)"


def test_mojibake_is_reported_with_the_repaired_spelling(tmp_path: Path) -> None:
    result = prepare([hostile.mojibake_utf8(tmp_path)])
    found = {(row, column): message for row, column, _value, message in issues(result, "mojibake")}
    assert set(found) == {(2, "Last_name"), (2, "First_name")}
    assert "'José'" in found[(2, "First_name")]


def test_a_nul_byte_after_64_kb_is_reported_and_never_written(tmp_path: Path) -> None:
    result = prepare([hostile.nul_after_64k(tmp_path)])
    found = issues(result, "nul_byte")
    assert [(row, column) for row, column, *_ in found] == [(3002, "Last_name")]
    write_outputs(result, tmp_path / "out", allow_errors=True)
    for written in (tmp_path / "out").iterdir():
        assert b"\0" not in written.read_bytes(), written.name


def test_a_few_nul_bytes_early_in_a_text_file_are_reported_not_called_binary(tmp_path: Path) -> None:
    path = hostile.students_csv(tmp_path, rows=100)
    path.write_bytes(path.read_bytes().replace(b"First1,", b"First\x001,", 1))
    result = prepare([path])
    assert [(row, column) for row, column, *_ in issues(result, "nul_byte")] == [(2, "First_name")]
    assert result.tables["students"]["First_name"].iloc[0] == "First1"


# --- 11: messages that misled -----------------------------------------------------------------------------


def test_a_zip_holding_only_a_zip_is_named(tmp_path: Path) -> None:
    message = refused([hostile.zip_holding_only_a_zip(tmp_path)])
    assert "export.zip holds no CSV, TXT or XLSX files, only another zip (inner.zip)" in message


@pytest.mark.parametrize("rows", [3000, 150_000])  # the exact reader, and the fast one for files over 2 MB
def test_an_unbalanced_quote_on_line_2_is_reported_at_line_2(tmp_path: Path, rows: int) -> None:
    message = refused([hostile.unbalanced_quote_on_line_2(tmp_path, rows=rows)])
    assert "students.csv: a quote opens on line 2 and is not closed" in message
    assert "fix the quote on line 2" in message


def test_a_quote_closed_a_few_lines_later_is_reported_where_it_opens(tmp_path: Path) -> None:
    path = tmp_path / "students.csv"
    lines = [hostile.STUDENT_HEADER, *hostile.student_rows(10).splitlines()]
    lines[3] = '1,000003,"Last3,First3,3'
    lines[6] = '1,000006,Last6",First6,3'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = prepare([path])
    malformed = issues(result, "malformed_row")
    assert len(malformed) == 1 and malformed[0][0] == 4
    assert "starts a quoted value on line 4 that is only closed on line 7" in malformed[0][3]
    assert "swallowing the rows between" in malformed[0][3]


def test_a_well_formed_field_over_128_kb_is_read(tmp_path: Path) -> None:
    result = prepare([hostile.long_quoted_field(tmp_path)])
    assert not issues(result, "unreadable_file")
    assert list(result.tables["students"]["Student_id"]) == ["000001", "000002"]


def test_stdin_style_names_and_a_broken_zip_still_name_the_input(tmp_path: Path) -> None:
    broken = tmp_path / "export.zip"
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as bundle:
        bundle.writestr("students.csv", hostile.STUDENT_HEADER + "\n" + hostile.student_rows(3))
    broken.write_bytes(data.getvalue()[:-10])
    assert "export.zip is not a readable zip archive" in refused([broken])
