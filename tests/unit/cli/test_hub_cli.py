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


def test_the_demo_mailbox_is_listed_and_a_message_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from wizard.sandbox.mail import Mailbox, OutgoingMail, compose
    from wizard.sandbox.server import mailbox_folder

    db = tmp_path / "hub.sqlite3"
    mail = OutgoingMail(
        "d1", "vendor_question", ("dana@example.org",), "Symphony Math asks a question", "Hello"
    )
    saved = Mailbox(mailbox_folder(db)).deliver(bytes(compose(mail, "hub <hub@example.org>")), mail.to)
    assert main.main(["hub", "--db", str(db), "--mailbox"]) == 0
    listed = capsys.readouterr().out
    assert "1 message in" in listed and f"{saved.stem}  " in listed
    assert "dana@example.org  Symphony Math asks a question" in listed
    assert main.main(["hub", "--db", str(db), "--mailbox", saved.stem]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("From: hub <hub@example.org>\nTo: dana@example.org\n") and "Hello" in printed
    assert main.main(["hub", "--db", str(db), "--mailbox", "nothing"]) == 1


def test_the_smtp_password_comes_from_the_keyring_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    from wizard import credentials
    from wizard.cli import hub_mail

    store = credentials.memory_only_store()
    monkeypatch.setattr(credentials, "default_store", lambda: store)
    parser = __import__("argparse").ArgumentParser()
    hub_mail.add_arguments(parser)
    configured = ["--smtp-host", "mail.example.org", "--smtp-user", "hub"]
    with pytest.raises(
        UserFacingError, match=r"No password for hub on mail\.example\.org:587 is in the keyring"
    ):
        hub_mail.mail_options(parser.parse_args(configured))
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret\n"))
    options = hub_mail.mail_options(parser.parse_args([*configured, "--smtp-password-stdin"]))
    assert options is not None and options.smtp is not None and options.smtp.password == "s3cret"
    assert "s3cret" not in repr(options)
    again = hub_mail.mail_options(parser.parse_args(configured))  # from the keyring now
    assert again is not None and again.smtp is not None and again.smtp.password == "s3cret"
    assert again.smtp.starttls and again.smtp.port == 587
    assert hub_mail.mail_options(parser.parse_args(["--no-mail"])) is None
    assert main.main(["hub", "--smtp-user", "hub"]) == 2
    assert "--smtp-user and --smtp-password-stdin need --smtp-host" in capsys.readouterr().err
