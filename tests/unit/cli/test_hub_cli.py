"""`python main.py hub` and `screenshots`: arguments a user can get wrong end in one line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

import main
from wizard.errors import UserFacingError
from wizard.sandbox.seed import write_demo_vendor_roster


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        (["--port", "99999"], "not a port number"),
        (["--port", "-1"], "not a port number"),
        (["--port", "http"], "not a port number"),
        (["--hold-threshold", "7"], "not a share"),
        (["--hold-threshold", "nan"], "not a usable number"),
        (["--vendor-delay", "-5"], "negative"),
        (["--vendor-delay", "soon"], "not a number"),
    ],
)
def test_hub_arguments_out_of_range_are_usage_errors(
    arguments: list[str], complaint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main.main(["hub", *arguments])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert complaint in error and "Traceback" not in error


def test_screenshots_into_a_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    existing = tmp_path / "x.csv"
    existing.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main.main(["screenshots", str(existing)])
    assert exit_info.value.code == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_screenshots_into_an_unwritable_folder_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main.main(["screenshots", "/proc/zz"]) == 2
    error = capsys.readouterr().err
    assert "Cannot create the screenshot folder /proc/zz" in error and "Traceback" not in error


def test_vendor_roster_to_an_unwritable_place_is_a_user_facing_error(tmp_path: Path) -> None:
    with pytest.raises(UserFacingError) as caught:
        write_demo_vendor_roster(Path("/proc/x.csv"))
    assert "/proc/x.csv" in str(caught.value) and caught.value.hint
    written = write_demo_vendor_roster(tmp_path / "out" / "symphony.csv")
    assert written.read_text(encoding="utf-8").startswith("Username")
    assert [p.name for p in written.parent.iterdir()] == ["symphony.csv"]  # no temporary file left behind


def test_hub_with_an_unwritable_vendor_roster_stops_and_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = [
        "hub",
        "--port",
        "0",
        "--sftp-port",
        "0",
        "--db",
        str(tmp_path / "hub.sqlite3"),
        "--seed",
        "demo",
    ]
    assert main.main([*command, "--vendor-roster-out", "/proc/x.csv"]) == 2
    error = capsys.readouterr().err
    assert "Cannot write /proc/x.csv" in error and "Choose a folder you can write to" in error
