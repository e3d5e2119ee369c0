"""`main.py upload DIR --sftp USER@HOST:PORT` against the embedded hub's SFTP server."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.hub_support import FakeClock, write_roster
from tests.sftp_support import SftpDistrict, roster_files, sftp_district, sftp_hub
from tests.unit.test_credentials import MemoryKeyring
from wizard import credentials
from wizard.app import main
from wizard.hub.sftp import generate_key
from wizard.sandbox.server import RunningHub

__all__ = ["sftp_hub"]


@pytest.fixture(autouse=True)
def store(monkeypatch: pytest.MonkeyPatch) -> credentials.CredentialStore:
    """The process-wide store on a keyring of this test's own (never the user's)."""
    fresh = credentials.CredentialStore(MemoryKeyring())
    monkeypatch.setattr(credentials, "_default_store", fresh)
    return fresh


class _Stdin(io.StringIO):
    def isatty(self) -> bool:
        return False


def prepared(tmp_path: Path, *extra: str) -> Path:
    """A folder written by `main.py prepare` from a small, clean hub-format roster."""
    source = tmp_path / "exports"
    roster_files(source)
    out = tmp_path / "out"
    assert (
        main.main(
            ["prepare", str(source), "--format", "hub", "--date-order", "mdy", "--out", str(out), *extra]
        )
        == 0
    )
    return out


def address(district: SftpDistrict) -> str:
    return f"{district.username}@127.0.0.1:{district.target.port}"


def test_upload_sends_a_prepared_folder_with_the_password_from_stdin_then_from_the_keyring(
    sftp_hub: RunningHub,
    clock: FakeClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    district = sftp_district(sftp_hub, clock)
    out = prepared(tmp_path)
    monkeypatch.setattr("sys.stdin", _Stdin(district.password + "\n"))
    assert main.main(["upload", str(out), "--sftp", address(district), "--password-stdin"]) == 0
    error = capsys.readouterr().err
    assert "Sent 6 files" in error and "host key SHA256:" in error and district.password not in error
    [upload] = district.wait_for_processed()
    assert upload["status"] == "succeeded" and upload["source"] == "sftp"
    assert "validation_report.csv" not in upload["files"] and len(upload["files"]) == 6
    # the password was kept in the keyring (under the SFTP server and username): no stdin needed now
    assert (
        credentials.default_store().sftp_password("127.0.0.1", district.target.port, district.username)
        == district.password
    )
    monkeypatch.setattr("sys.stdin", _Stdin(""))
    assert main.main(["upload", str(out), "--sftp", address(district)]) == 0
    assert "host key" not in capsys.readouterr().err  # pinned already: not announced again
    assert len(district.wait_for_processed(2)) == 2


def test_upload_with_an_ssh_key_and_a_refused_password(
    sftp_hub: RunningHub,
    clock: FakeClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    district = sftp_district(sftp_hub, clock)
    out = prepared(tmp_path)
    monkeypatch.setattr("sys.stdin", _Stdin("wrong\n"))
    assert main.main(["upload", str(out), "--sftp", address(district), "--password-stdin"]) == 1
    assert "did not accept the username" in capsys.readouterr().err
    assert (
        credentials.default_store().sftp_password("127.0.0.1", district.target.port, district.username)
        is None
    )
    key = tmp_path / "id_ed25519"
    district.api("POST", "/sftp/keys", json={"public_key": generate_key(key)})
    assert main.main(["upload", str(out), "--sftp", address(district), "--identity", str(key)]) == 0
    assert district.wait_for_processed()[0]["status"] == "succeeded"


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ("errors", "has 2 errors, so it was not written for upload"),
        ("extra", "roster.csv in"),
        ("no-summary", "has no summary.json"),
        ("stale", "staff.csv in"),
    ],
)
def test_upload_refuses_a_folder_it_should_not_send(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    change: str,
    complaint: str,
) -> None:
    out = prepared(tmp_path)
    summary = out / "summary.json"
    if change == "errors":
        data = json.loads(summary.read_text(encoding="utf-8"))
        summary.write_text(json.dumps({**data, "errors": 2, "upload_files_written": False}), encoding="utf-8")
    elif change == "extra":
        (out / "roster.csv").write_text("a\n", encoding="utf-8")
    elif change == "no-summary":
        summary.unlink()
    else:
        data = json.loads(summary.read_text(encoding="utf-8"))
        data["files_written"] = [name for name in data["files_written"] if name != "staff.csv"]
        summary.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", _Stdin("pw\n"))
    assert main.main(["upload", str(out), "--sftp", "someone@127.0.0.1:1", "--password-stdin"]) == 2
    error = capsys.readouterr().err
    assert complaint in error and "Traceback" not in error


def test_a_folder_written_with_allow_errors_is_sent_without_the_rows_with_errors(tmp_path: Path) -> None:
    from wizard.cli.upload import hub_files_to_send

    source = tmp_path / "exports"
    tables = {"schools": [{"School_id": "1", "School_name": "A"}], "students": [{"School_id": "1"}]}
    write_roster(source, tables)
    out = tmp_path / "out"
    assert main.main(["prepare", str(source), "--format", "hub", "--out", str(out), "--allow-errors"]) == 1
    files, summary = hub_files_to_send(out)
    assert summary["errors"] and summary["upload_files_written"]
    assert {path.name for path in files} <= set(summary["files_written"])


def test_the_password_is_never_an_argument(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as stopped:
        main.main(["upload", str(tmp_path), "--sftp", "u@h", "--password", "secret"])
    assert stopped.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err
