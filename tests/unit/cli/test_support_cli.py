"""`python main.py support`: the agent's run from app credentials to the file, exit codes, one-line errors."""

from __future__ import annotations

import csv
import getpass
import io
import random
import sys
from pathlib import Path

import pytest

import main
from tests.unit.support.conftest import Demo, demo
from tests.unit.test_credentials import MemoryKeyring
from wizard import credentials
from wizard.sandbox.seed import demo_tables

__all__ = ["demo"]


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> credentials.CredentialStore:
    fresh = credentials.CredentialStore(MemoryKeyring())
    monkeypatch.setattr(credentials, "_default_store", fresh)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal: never prompts unless a test says so
    return fresh


def run(demo: Demo, out: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    argv = ["support", "--hub", demo.hub.base_url, "--client-id", demo.symphony.client_id, "--out", str(out)]
    code = main.main([*argv, "--as-of", "2026-11-02", *extra])
    return code, capsys.readouterr().err


def test_from_credentials_to_the_cedar_middle_file(
    demo: Demo, store: credentials.CredentialStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store.set_app_secret(demo.hub.base_url, demo.symphony.client_id, demo.symphony.client_secret)
    code, err = run(demo, tmp_path, capsys, "--vendor-roster", str(demo.roster_path), "--lookup", "T20101")
    assert code == 1  # checks ran and found students who will not be linked
    assert "Cedar Middle: 24 of 36 students will not be linked, 1 account unclaimed" in err
    assert "Oak Ridge Elementary: all 72 students linked, 1 account unclaimed" in err
    assert f"what to do for each: {tmp_path / 'not-linked.csv'}" in err
    assert "  12  the account's ExternalID lost the SIS id's leading zeros" in err
    assert "shared: 3 schools, 21 teachers, 39 sections, 180 students" in err
    assert "Lookup 'T20101':" in err and "no email address" in err
    assert demo.symphony.client_secret not in err
    with (tmp_path / "not-linked.csv").open(encoding="utf-8", newline="") as handle:
        rows = [
            r
            for r in csv.DictReader(handle)
            if r["school"] == "Cedar Middle" and r["record"] == "shared student"
        ]
    assert len(rows) == 24 and {r["who_must_act"] for r in rows} == {"vendor"}
    names = {p.name for p in tmp_path.iterdir()}
    assert names == {
        "counts-by-school.csv",
        "data-warnings.csv",
        "login-links.csv",
        "not-linked.csv",
        "diagnostic-report.html",
    }


def test_secret_is_prompted_then_kept_in_the_keyring(
    demo: Demo,
    store: credentials.CredentialStore,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(getpass, "getpass", lambda prompt, stream=None: demo.symphony.client_secret)
    code, err = run(demo, tmp_path, capsys)
    assert code == 1 and "warning: sections with no students: 3" in err
    assert store.app_secret(demo.hub.base_url, demo.symphony.client_id) == demo.symphony.client_secret
    assert "not run: no vendor roster" in (tmp_path / "diagnostic-report.html").read_text().lower()


def test_no_secret_and_no_terminal_is_a_usage_error(
    demo: Demo, store: credentials.CredentialStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(demo, tmp_path / "out", capsys)
    assert code == 2 and err.count("\n") == 1 and "No client secret" in err and "keyring" in err
    assert not (tmp_path / "out").exists()


def test_refused_secret_unknown_district_and_missing_roster(
    demo: Demo, store: credentials.CredentialStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store.set_app_secret(demo.hub.base_url, demo.symphony.client_id, "wrong-secret")
    code, err = run(demo, tmp_path, capsys)
    assert code == 3 and err.startswith("error: Could not list the districts") and err.count("\n") == 1
    assert "client id or secret is wrong" in err
    assert "wrong-secret" not in err
    store.set_app_secret(demo.hub.base_url, demo.symphony.client_id, demo.symphony.client_secret)
    code, err = run(demo, tmp_path, capsys, "--district", "Springfield")
    assert code == 2 and "'Springfield' is not connected" in err and "Maple Valley" in err
    code, err = run(demo, tmp_path, capsys, "--vendor-roster", str(tmp_path / "nope.csv"))
    assert code == 2 and "nope.csv: file not found" in err
    assert list(tmp_path.iterdir()) == []


def test_plain_http_to_another_machine_is_refused(
    store: credentials.CredentialStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main.main(
        ["support", "--hub", "http://hub.example.com", "--client-id", "x", "--out", str(tmp_path)]
    )
    err = capsys.readouterr().err
    assert code == 2 and "not encrypted" in err


def test_lookup_with_the_districts_admin_token_names_the_sharing_setting(
    demo: Demo, store: credentials.CredentialStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store.set_app_secret(demo.hub.base_url, demo.symphony.client_id, demo.symphony.client_secret)
    store.set_admin_token(demo.hub.base_url, demo.seed.district_id, demo.seed.admin_token)
    lakeside = next(s for s in demo_tables(random.Random(2026))["students"] if s["School_id"] == "301")
    code, err = run(demo, tmp_path, capsys, "--lookup", lakeside["Student_id"], "--include-names")
    assert code == 1
    assert "is in the roster, but: The sharing setting does not include this user." in err
    html = (tmp_path / "diagnostic-report.html").read_text(encoding="utf-8")
    assert lakeside["Last_name"] in html  # the agent chose to include names


def test_secret_piped_on_stdin_is_used_and_kept(
    demo: Demo,
    store: credentials.CredentialStore,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(demo.symphony.client_secret + "\n"))
    code, err = run(demo, tmp_path, capsys, "--secret-stdin")
    assert code == 1 and "warning: sections with no students: 3" in err
    assert demo.symphony.client_secret not in err
    assert store.app_secret(demo.hub.base_url, demo.symphony.client_id) == demo.symphony.client_secret
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    code, err = run(demo, tmp_path / "empty", capsys, "--secret-stdin")
    assert code == 2 and "No client secret on standard input" in err and err.count("\n") == 1


def test_without_a_keyring_one_plain_notice_and_command_line_advice(
    demo: Demo, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from keyring.backends.null import Keyring as NullKeyring

    monkeypatch.setattr(credentials, "_default_store", None)
    monkeypatch.setattr(credentials.keyring, "get_keyring", NullKeyring)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, err = run(demo, tmp_path / "out", capsys)
    assert code == 2 and "--secret-stdin" in err and "support view" not in err
    assert "WARNING" not in err and err.count("note: no system keyring") == 1
    monkeypatch.setattr(sys, "stdin", io.StringIO(demo.symphony.client_secret + "\n"))
    code, err = run(demo, tmp_path / "out", capsys, "--secret-stdin")
    assert code == 1 and "WARNING" not in err and err.count("note: no system keyring") == 1


def test_stderr_says_which_files_name_students_and_redact_hashes_them(
    demo: Demo, store: credentials.CredentialStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store.set_app_secret(demo.hub.base_url, demo.symphony.client_id, demo.symphony.client_secret)
    code, err = run(demo, tmp_path / "plain", capsys, "--vendor-roster", str(demo.roster_path))
    assert code == 1
    assert "Redacted: diagnostic-report.html" in err
    assert "Contain student names and ids" in err and "not-linked.csv" in err and "not for a ticket" in err
    code, err = run(demo, tmp_path / "redacted", capsys, "--vendor-roster", str(demo.roster_path), "--redact")
    assert code == 1 and "Contain student names and ids" not in err
    students = demo_tables(random.Random(2026))["students"]
    for name in ("not-linked.csv", "login-links.csv", "data-warnings.csv"):
        plain = (tmp_path / "plain" / name).read_text(encoding="utf-8")
        redacted = (tmp_path / "redacted" / name).read_text(encoding="utf-8")
        assert (
            any(s["Last_name"] in plain and s["Student_id"] in plain for s in students)
            or not plain.count("\n") > 1
        )
        assert not any(
            f",{s['Student_id']}," in redacted or f",{s['Last_name']}," in redacted for s in students
        )
    with (tmp_path / "redacted" / "not-linked.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    students_rows = [r for r in rows if r["record"] == "shared student"]
    assert students_rows and all(r["sis_id"].startswith("#") for r in students_rows)
    assert {r["last_name"] for r in rows} == {"(redacted)"}
