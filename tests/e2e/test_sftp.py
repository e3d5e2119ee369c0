"""File sync over real SFTP: the product's client against the embedded hub's SFTP server on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import stat
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import asyncssh
import pytest

from tests.hub_support import FakeClock
from tests.sftp_support import (
    MAX_FILE,
    QUIET,
    SftpDistrict,
    known_hosts,
    roster_files,
    sftp_district,
    sftp_hub,
)
from wizard.hub.sftp import (
    FileProgress,
    HostKeyChanged,
    KnownHosts,
    NotHubFiles,
    SftpLogin,
    SftpLoginFailed,
    SftpRefused,
    SftpUnavailable,
    generate_key,
    send_files,
)
from wizard.sandbox.server import RunningHub, SftpOptions, start_hub
from wizard.sandbox.settings import FaultRule, HubSettings
from wizard.sandbox.sftp_server import host_key_path
from wizard.tasks import Cancelled, CancelToken

__all__ = ["known_hosts", "sftp_hub"]
T = TypeVar("T")


def raw(district: SftpDistrict, work: Callable[[asyncssh.SSHClientConnection], Awaitable[T]]) -> T:
    """Run `work` on a plain asyncssh connection signed in as the district (not the product's client)."""

    async def go() -> T:
        async with asyncssh.connect(
            "127.0.0.1",
            district.target.port,
            username=district.username,
            password=district.password,
            known_hosts=None,
            client_keys=[],
            agent_path=None,
            config=[],
        ) as conn:
            return await work(conn)

    return asyncio.run(go())


def settle() -> None:
    """Longer than the hub's quiet period and a few watcher ticks."""
    time.sleep(QUIET * 4)


def test_full_set_lands_and_is_processed_once_as_an_sftp_upload(
    sftp_hub: RunningHub, clock: FakeClock, known_hosts: KnownHosts, tmp_path: Path
) -> None:
    district = sftp_district(sftp_hub, clock)
    files = roster_files(tmp_path / "roster")
    seen: list[FileProgress] = []
    totals: list[tuple[int, int]] = []
    sent = send_files(
        district.target,
        district.login,
        files,
        known_hosts=known_hosts,
        progress=lambda done, total, _: totals.append((done, total)),
        on_file=seen.append,
    )
    assert sent.names[0] == "staff.csv" and sent.names[-1] == "enrollments.csv"  # optional first
    assert sent.bytes == sum(path.stat().st_size for path in files)
    assert sent.host_key_pinned_now and sent.host_key_fingerprint == sftp_hub.sftp.fingerprint  # type: ignore[union-attr]
    assert totals[-1] == (sent.bytes, sent.bytes)
    assert {(p.name, p.sent) for p in seen if p.sent == p.size} >= {(p.name, p.stat().st_size) for p in files}

    [upload] = district.wait_for_processed()
    assert upload["status"] == "succeeded" and upload["source"] == "sftp"
    assert sorted(upload["files"]) == sorted(path.name for path in files)
    assert upload["counts"]["students"] > 0
    settle()
    assert len(district.uploads()) == 1  # processed once
    assert district.folder()["files"] == []
    # the host key is pinned: the next run trusts it without pinning again
    again = send_files(district.target, district.login, files, known_hosts=known_hosts)
    assert not again.host_key_pinned_now


def test_a_district_sees_and_writes_only_its_own_folder(
    tmp_path: Path, clock: FakeClock, known_hosts: KnownHosts
) -> None:
    settings = HubSettings(vendor_delay=30.0, clock=clock)
    with start_hub(
        tmp_path / "hub.sqlite3", settings=settings, sftp=SftpOptions(port=0, quiet_seconds=600)
    ) as hub:
        first = sftp_district(hub, clock, "First District")
        second = sftp_district(hub, clock, "Second District")
        send_files(first.target, first.login, roster_files(tmp_path / "a"), known_hosts=known_hosts)
        assert "students.csv" in first.folder()["files"]
        assert first.folder()["processing_expected_at"]

        async def snoop(conn: asyncssh.SSHClientConnection) -> dict[str, Any]:
            found: dict[str, Any] = {}
            async with conn.start_sftp_client() as sftp:
                found["root"] = sorted(await sftp.listdir("/"))
                found["up"] = await sftp.realpath("../..")
                for attempt, path in (
                    ("read", f"../{first.signed.district_id}/students.csv"),
                    ("write", f"/../{first.signed.district_id}/students.csv"),
                    ("absolute", str(tmp_path / "hub-sftp" / first.signed.district_id / "students.csv")),
                ):
                    try:
                        async with sftp.open(path, "wb" if attempt == "write" else "rb") as handle:
                            found[attempt] = await handle.read() if attempt != "write" else "opened"
                    except asyncssh.SFTPError as error:
                        found[attempt] = error.reason
                try:
                    await sftp.listdir(f"../{first.signed.district_id}")
                except asyncssh.SFTPError as error:
                    found["list other"] = error.reason
            return found

        found = raw(second, snoop)
        assert found["root"] == [".", ".."]  # nothing of the first district's files
        assert found["up"] == "/"  # cannot climb out of its folder
        assert "outside your folder" in found["read"] and "outside your folder" in found["write"]
        assert "outside your folder" in found["absolute"]
        assert "Only your home folder can be listed" in found["list other"]
        assert second.folder()["files"] == []
        assert "students.csv" in first.folder()["files"]  # untouched


def test_links_folders_renames_shell_exec_and_forwarding_are_refused(
    sftp_hub: RunningHub, clock: FakeClock
) -> None:
    district = sftp_district(sftp_hub, clock)

    async def misbehave(conn: asyncssh.SSHClientConnection) -> dict[str, str]:
        outcome: dict[str, str] = {}
        async with conn.start_sftp_client() as sftp:
            async with sftp.open("schools.csv", "wb") as handle:
                await handle.write(b"School_id,School_name\n1,A\n")
            for what, call in (
                ("symlink", lambda: sftp.symlink("/etc/passwd", "students.csv")),
                ("mkdir", lambda: sftp.mkdir("sub")),
                ("rename", lambda: sftp.rename("schools.csv", "students.csv")),
            ):
                try:
                    await call()
                    outcome[what] = "allowed"
                except asyncssh.SFTPError as error:
                    outcome[what] = error.reason
        for what, attempt in (
            ("exec", lambda: conn.run("cat /etc/passwd", check=True)),
            ("shell", lambda: conn.create_process()),
            ("forward", lambda: conn.open_connection("127.0.0.1", sftp_hub.port)),
        ):
            try:
                await attempt()
                outcome[what] = "allowed"
            except (asyncssh.Error, OSError) as error:
                outcome[what] = type(error).__name__
        return outcome

    outcome = raw(district, misbehave)
    assert all(value != "allowed" for value in outcome.values()), outcome
    assert "no folders, links or renames" in outcome["symlink"]


def test_a_name_outside_the_hubs_set_is_refused_by_the_client_and_by_the_server(
    sftp_hub: RunningHub, clock: FakeClock, known_hosts: KnownHosts, tmp_path: Path
) -> None:
    district = sftp_district(sftp_hub, clock)
    files = roster_files(tmp_path / "roster")
    notes = tmp_path / "roster" / "Students.CSV"
    notes.write_text("x\n", encoding="utf-8")
    with pytest.raises(NotHubFiles, match=r"Students\.CSV is not one of the hub's file names"):
        send_files(district.target, district.login, [*files, notes], known_hosts=known_hosts)

    async def put_other(conn: asyncssh.SSHClientConnection) -> str:
        async with conn.start_sftp_client() as sftp:
            try:
                async with sftp.open("Students.CSV", "wb") as handle:
                    await handle.write(b"x")
            except asyncssh.SFTPError as error:
                return str(error.reason)
        return "accepted"

    reason = raw(district, put_other)
    assert "Students.CSV is not a file the hub accepts" in reason
    assert "schools.csv, students.csv, teachers.csv, sections.csv, enrollments.csv, staff.csv" in reason
    settle()
    assert district.uploads() == [] and district.folder()["files"] == []


def test_wrong_password_and_unknown_key_are_refused_and_a_registered_key_works(
    sftp_hub: RunningHub, clock: FakeClock, known_hosts: KnownHosts, tmp_path: Path
) -> None:
    district = sftp_district(sftp_hub, clock)
    files = roster_files(tmp_path / "roster")
    with pytest.raises(SftpLoginFailed, match="did not accept the username") as refused:
        send_files(district.target, SftpLogin(password="not-the-password"), files, known_hosts=known_hosts)
    assert "not-the-password" not in str(refused.value)
    key = tmp_path / "keys" / "id_ed25519"
    public = generate_key(key)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and public.startswith("ssh-ed25519 ")
    with pytest.raises(SftpLoginFailed, match="with this SSH key"):
        send_files(district.target, SftpLogin(key_path=key), files, known_hosts=known_hosts)
    other = sftp_district(sftp_hub, clock, "Other District")
    assert other.api("POST", "/sftp/keys", json={"public_key": public}).status_code == 201
    with pytest.raises(SftpLoginFailed):  # another district's key does not open this district's account
        send_files(district.target, SftpLogin(key_path=key), files, known_hosts=known_hosts)
    added = district.api("POST", "/sftp/keys", json={"public_key": public})
    assert added.status_code == 201 and added.json()["fingerprint"].startswith("SHA256:")
    send_files(district.target, SftpLogin(key_path=key), files, known_hosts=known_hosts)
    [upload] = district.wait_for_processed()
    assert upload["status"] == "succeeded" and other.uploads() == []
    # a rotated password replaces the old one
    old = district.password
    rotated = district.api("POST", "/sftp/password").json()
    assert rotated["password"] != old and rotated["username"] == district.username
    with pytest.raises(SftpLoginFailed):
        send_files(district.target, SftpLogin(password=old), files, known_hosts=known_hosts)
    assert "password" not in district.api("GET", "/sftp").json()


def test_the_password_is_stored_only_as_a_hash(sftp_hub: RunningHub, clock: FakeClock) -> None:
    district = sftp_district(sftp_hub, clock)
    with sftp_hub.context.db.read() as conn:
        stored = conn.execute("SELECT password_hash FROM sftp_accounts").fetchone()[0]
    assert stored.startswith("scrypt$") and district.password not in stored


def test_a_changed_host_key_stops_before_anything_is_sent(
    sftp_hub: RunningHub, clock: FakeClock, known_hosts: KnownHosts, tmp_path: Path
) -> None:
    district = sftp_district(sftp_hub, clock)
    impostor = asyncssh.generate_private_key("ssh-ed25519")
    known_hosts.pin("127.0.0.1", district.target.port, impostor)
    with pytest.raises(HostKeyChanged, match="different host key") as stopped:
        send_files(
            district.target, district.login, roster_files(tmp_path / "roster"), known_hosts=known_hosts
        )
    assert str(impostor.get_fingerprint("sha256")) in str(stopped.value)
    assert sftp_hub.sftp is not None and sftp_hub.sftp.fingerprint in str(stopped.value)
    assert "Nothing was sent" in str(stopped.value)
    settle()
    assert district.folder()["files"] == [] and district.uploads() == []


def test_an_oversized_file_is_refused_and_nothing_of_the_set_is_kept(
    sftp_hub: RunningHub, clock: FakeClock, known_hosts: KnownHosts, tmp_path: Path
) -> None:
    district = sftp_district(sftp_hub, clock)
    files = roster_files(tmp_path / "roster")
    students = next(path for path in files if path.name == "students.csv")
    header, _, rows = students.read_text(encoding="utf-8").partition("\n")
    students.write_text(header + "\n" + rows * (MAX_FILE // len(rows) + 2), encoding="utf-8")
    with pytest.raises(SftpRefused, match=r"students\.csv is larger than the hub accepts"):
        send_files(district.target, district.login, files, known_hosts=known_hosts)
    settle()
    assert district.folder()["files"] == []  # staff.csv and schools.csv, sent before, were taken back
    assert district.uploads() == []


def test_a_connection_cut_mid_file_is_retried_and_the_set_processed_once(
    sftp_hub: RunningHub, clock: FakeClock, known_hosts: KnownHosts, tmp_path: Path
) -> None:
    district = sftp_district(sftp_hub, clock)
    files = roster_files(tmp_path / "roster")
    sftp_hub.set_faults([FaultRule("sftp:/students.csv", drop_rate=1.0, times=1)])
    sent = send_files(district.target, district.login, files, known_hosts=known_hosts, backoff=0.01)
    assert sent.attempts == 2
    [upload] = district.wait_for_processed()
    assert upload["status"] == "succeeded" and upload["counts"]["students"] > 0
    settle()
    assert len(district.uploads()) == 1


def test_a_connection_that_keeps_dropping_ends_clearly_and_nothing_is_processed(
    sftp_hub: RunningHub, clock: FakeClock, known_hosts: KnownHosts, tmp_path: Path
) -> None:
    district = sftp_district(sftp_hub, clock)
    files = roster_files(tmp_path / "roster")
    sftp_hub.set_faults([FaultRule("sftp:/students.csv", drop_rate=1.0)])
    with pytest.raises(SftpUnavailable, match="failed 3 times") as failed:
        send_files(district.target, district.login, files, known_hosts=known_hosts, attempts=3, backoff=0.01)
    assert "the set was not sent" in str(failed.value)
    settle()
    assert district.uploads() == [] and district.folder()["files"] == []


def test_a_transfer_cut_mid_file_is_never_processed(
    sftp_hub: RunningHub, clock: FakeClock, known_hosts: KnownHosts, tmp_path: Path
) -> None:
    """Another client: every file closed properly except students.csv, whose connection dies mid-file."""
    district = sftp_district(sftp_hub, clock)
    files = {path.name: path.read_bytes() for path in roster_files(tmp_path / "roster")}

    async def cut(conn: asyncssh.SSHClientConnection) -> None:
        async with conn.start_sftp_client() as sftp:
            for name, content in files.items():
                if name != "students.csv":
                    async with sftp.open(name, "wb") as handle:
                        await handle.write(content)
            handle = await sftp.open("students.csv", "wb")
            await handle.write(files["students.csv"][: len(files["students.csv"]) // 2])
            conn.abort()

    with contextlib.suppress(asyncssh.Error, OSError):
        raw(district, cut)
    settle()
    assert district.uploads() == []
    assert "students.csv" in district.folder()["missing"]
    folder = sftp_hub.sftp.folders.folder(district.signed.district_id)  # type: ignore[union-attr]
    assert not [entry for entry in folder.iterdir() if entry.name.endswith(".partial")]


def test_cancel_stops_between_chunks_and_takes_the_sent_files_back(
    sftp_hub: RunningHub, clock: FakeClock, known_hosts: KnownHosts, tmp_path: Path
) -> None:
    district = sftp_district(sftp_hub, clock)
    files = roster_files(tmp_path / "roster")
    cancel = CancelToken()

    def on_file(progress: FileProgress) -> None:
        if progress.name == "students.csv":
            cancel.cancel()

    with pytest.raises(Cancelled):
        send_files(
            district.target, district.login, files, known_hosts=known_hosts, on_file=on_file, cancel=cancel
        )
    settle()
    assert district.folder()["files"] == [] and district.uploads() == []


def test_sync_settings_name_the_server_and_its_persistent_host_key(tmp_path: Path, clock: FakeClock) -> None:
    db = tmp_path / "hub.sqlite3"
    settings = HubSettings(clock=clock)
    with start_hub(db, settings=settings, sftp=SftpOptions(port=0, quiet_seconds=QUIET)) as hub:
        district = sftp_district(hub, clock)
        shown = district.api("GET", "/sftp").json()
        assert hub.sftp is not None
        assert (shown["host"], shown["port"]) == ("127.0.0.1", hub.sftp.port)
        assert shown["username"] == district.username and shown["password_set"]
        first = shown["host_key_fingerprint"]
    assert stat.S_IMODE(host_key_path(db).stat().st_mode) == 0o600
    with start_hub(db, settings=settings, sftp=SftpOptions(port=0, quiet_seconds=QUIET)) as again:
        assert again.sftp is not None and again.sftp.fingerprint == first


def test_the_onboarding_client_reads_and_changes_the_sftp_settings(
    sftp_hub: RunningHub, clock: FakeClock, known_hosts: KnownHosts, tmp_path: Path
) -> None:
    district = sftp_district(sftp_hub, clock)
    client, district_id = district.signed.client, district.signed.district_id
    settings = client.sftp_settings(district_id)
    assert settings.enabled and settings.username == district.username and settings.password_set
    assert sftp_hub.sftp is not None and settings.host_key_fingerprint == sftp_hub.sftp.fingerprint
    assert settings.quiet_seconds == QUIET and "staff.csv" in settings.accepted_names
    rotated = client.rotate_sftp_password(district_id)
    assert rotated.password not in repr(rotated)
    public = generate_key(tmp_path / "key")
    key = client.add_sftp_key(district_id, public)
    assert [k.fingerprint for k in client.sftp_settings(district_id).keys] == [key.fingerprint]
    client.remove_sftp_key(district_id, key.id)
    assert client.sftp_settings(district_id).keys == []
    send_files(
        district.target,
        SftpLogin(password=rotated.password),
        roster_files(tmp_path / "roster"),
        known_hosts=known_hosts,
    )
    district.wait_for_processed()
    [upload] = client.uploads(district_id)
    assert upload.source == "sftp" and "students.csv" in upload.files
