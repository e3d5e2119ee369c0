"""The SFTP client's local parts: addresses, the hub's file set and its order, pinned host keys, new keys."""

from __future__ import annotations

import stat
from pathlib import Path

import asyncssh
import pytest

from wizard.hub.sftp import (
    KnownHosts,
    NotHubFiles,
    SftpError,
    SftpLogin,
    SftpTarget,
    check_hub_files,
    generate_key,
    public_key_text,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("district-ab12@sftp.clever.com", SftpTarget("district-ab12", "sftp.clever.com", 22)),
        ("u@127.0.0.1:8722", SftpTarget("u", "127.0.0.1", 8722)),
        ("u@[::1]:2222", SftpTarget("u", "::1", 2222)),
    ],
)
def test_an_sftp_address_is_user_at_host_with_an_optional_port(text: str, expected: SftpTarget) -> None:
    assert SftpTarget.parse(text) == expected


@pytest.mark.parametrize("text", ["sftp.clever.com", "u@host:99999", "u:pw@host", "@host", "u@"])
def test_a_malformed_address_says_how_to_write_it(text: str) -> None:
    with pytest.raises(SftpError, match="USERNAME@HOST"):
        SftpTarget.parse(text)


def test_a_login_needs_a_password_or_a_key_and_never_shows_the_password() -> None:
    with pytest.raises(SftpError):
        SftpLogin()
    assert "s3cret" not in repr(SftpLogin(password="s3cret"))


def _files(folder: Path, names: list[str]) -> list[Path]:
    for name in names:
        (folder / name).write_text("x\n", encoding="utf-8")
    return [folder / name for name in names]


REQUIRED = ["enrollments.csv", "schools.csv", "sections.csv", "students.csv", "teachers.csv"]


def test_the_set_is_sent_optional_file_first_and_required_files_in_the_hubs_order(tmp_path: Path) -> None:
    ordered = check_hub_files(_files(tmp_path, [*REQUIRED, "staff.csv"]))
    assert [path.name for path in ordered] == [
        "staff.csv", "schools.csv", "students.csv", "teachers.csv", "sections.csv", "enrollments.csv",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("names", "complaint"),
    [
        ([*REQUIRED, "Staff.csv"], "Staff.csv is not one of the hub's file names"),
        ([*REQUIRED, "validation_report.csv"], "validation_report.csv is not one of"),
        (REQUIRED[1:], "enrollments.csv is missing"),
    ],
)
def test_files_outside_the_set_or_an_incomplete_set_are_refused(
    tmp_path: Path, names: list[str], complaint: str
) -> None:
    with pytest.raises(NotHubFiles, match=complaint):
        check_hub_files(_files(tmp_path, names))


def test_host_keys_are_pinned_per_host_and_port_in_openssh_form(tmp_path: Path) -> None:
    known = KnownHosts(tmp_path / "data" / "known_hosts")
    first, second = (asyncssh.generate_private_key("ssh-ed25519") for _ in range(2))
    assert known.pinned("sftp.clever.com", 22) is None
    known.pin("sftp.clever.com", 22, first)
    known.pin("127.0.0.1", 8722, second)
    assert known.pinned("sftp.clever.com", 22).public_data == first.public_data  # type: ignore[union-attr]
    assert known.pinned("127.0.0.1", 8722).public_data == second.public_data  # type: ignore[union-attr]
    assert known.pinned("127.0.0.1", 22) is None
    lines = known.path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("sftp.clever.com ssh-ed25519 ") and lines[1].startswith("[127.0.0.1]:8722 ")
    assert stat.S_IMODE(known.path.stat().st_mode) == 0o600


def test_a_new_key_is_user_only_and_its_public_half_is_shown(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "sftp_ed25519"
    public = generate_key(path, comment="maple-valley")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert public.startswith("ssh-ed25519 ") and public.endswith("maple-valley")
    assert public_key_text(path) == public
    assert (
        asyncssh.read_private_key(str(path)).export_public_key("openssh").decode().split()[1]
        == public.split()[1]
    )
    with pytest.raises(SftpError, match="already exists"):
        generate_key(path)
