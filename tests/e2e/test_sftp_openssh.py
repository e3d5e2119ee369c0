"""The same SFTP client against a server we did not write: Debian's OpenSSH sshd with its internal-sftp.

The suite starts its own sshd on a free loopback port with its own sshd_config and host key: one user
(`nobody`, which every Debian system has) signs in with a test key only, chrooted to a folder of its own,
with ForceCommand internal-sftp. sshd needs root to chroot and switch users, so without root (or without
openssh-server installed) these tests are skipped with the reason; CI runs as root, so they run there.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncssh
import pytest

from tests.hub_support import small_roster, write_roster
from wizard.hub.sftp import (
    HostKeyChanged,
    KnownHosts,
    SftpLogin,
    SftpLoginFailed,
    SftpTarget,
    generate_key,
    send_files,
)
from wizard.tasks import Cancelled, CancelToken

SSHD = Path("/usr/sbin/sshd")
USER = "nobody"
CHROOT_PARENT = Path("/srv")  # a chroot's every parent must be root-owned and not world-writable (/tmp is)


@dataclass
class OpenSsh:
    port: int
    upload: Path  # the user's folder inside the chroot, where files land
    host_key: asyncssh.SSHKey
    client_key: Path
    log: Path

    @property
    def target(self) -> SftpTarget:
        return SftpTarget(USER, "127.0.0.1", self.port)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _skip_reason() -> str | None:
    if not SSHD.exists():
        return "openssh-server is not installed (scripts/system-deps.sh installs it)"
    if os.geteuid() != 0:
        return "sshd needs root to chroot the test user (CI runs as root)"
    return None


@pytest.fixture
def openssh(tmp_path: Path) -> Iterator[OpenSsh]:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    nobody = pwd.getpwnam(USER)
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation folder
    CHROOT_PARENT.mkdir(mode=0o755, exist_ok=True)
    base = Path(tempfile.mkdtemp(prefix="wizard-sftp-test-", dir=CHROOT_PARENT))
    base.chmod(0o755)
    chroot, keys = base / "root", base / "keys"  # sshd reads the keys as the user: not under tmp_path
    chroot.mkdir(mode=0o755)
    keys.mkdir(mode=0o755)
    upload = chroot / "upload"
    upload.mkdir(mode=0o700)
    os.chown(upload, nobody.pw_uid, nobody.pw_gid)
    config_dir = tmp_path / "sshd"
    config_dir.mkdir()
    host_key = asyncssh.generate_private_key("ssh-ed25519")
    host_key_file = config_dir / "ssh_host_ed25519_key"
    host_key.write_private_key(str(host_key_file))
    host_key_file.chmod(0o600)
    client_key = tmp_path / "client" / "id_ed25519"
    (keys / USER).write_text(generate_key(client_key) + "\n", encoding="utf-8")
    (keys / USER).chmod(0o644)
    port = _free_port()
    config = config_dir / "sshd_config"
    config.write_text(
        f"""
Port {port}
ListenAddress 127.0.0.1
HostKey {host_key_file}
PidFile {config_dir / "sshd.pid"}
AuthorizedKeysFile {keys}/%u
StrictModes no
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowUsers {USER}
AllowTcpForwarding no
X11Forwarding no
PermitTTY no
Subsystem sftp internal-sftp
ChrootDirectory {chroot}
ForceCommand internal-sftp -d /upload
LogLevel VERBOSE
""",
        encoding="utf-8",
    )
    log = config_dir / "sshd.log"
    with log.open("wb") as log_stream:
        process = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(config)], stderr=log_stream)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"sshd did not start: {log.read_text(errors='replace')}") from None
                time.sleep(0.05)
        yield OpenSsh(port, upload, host_key, client_key, log)
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(base, ignore_errors=True)


def test_the_hub_set_arrives_intact_on_stock_openssh_with_a_pinned_host_key(
    openssh: OpenSsh, tmp_path: Path
) -> None:
    files = write_roster(tmp_path / "roster", small_roster())
    known = KnownHosts(tmp_path / "known_hosts")
    sent = send_files(openssh.target, SftpLogin(key_path=openssh.client_key), files, known_hosts=known)
    assert sent.host_key_pinned_now and sent.host_key_fingerprint == openssh.host_key.get_fingerprint(
        "sha256"
    )
    for path in files:
        assert (openssh.upload / path.name).read_bytes() == path.read_bytes()
    assert sorted(entry.name for entry in openssh.upload.iterdir()) == sorted(path.name for path in files)
    pinned = known.pinned("127.0.0.1", openssh.port)
    assert pinned is not None and pinned.public_data == openssh.host_key.public_data
    again = send_files(openssh.target, SftpLogin(key_path=openssh.client_key), files, known_hosts=known)
    assert not again.host_key_pinned_now


def test_openssh_refuses_an_unknown_key_and_a_changed_host_key_stops_the_client(
    openssh: OpenSsh, tmp_path: Path
) -> None:
    files = write_roster(tmp_path / "roster", small_roster())
    stranger = tmp_path / "stranger" / "id_ed25519"
    generate_key(stranger)
    with pytest.raises(SftpLoginFailed, match="did not accept the username nobody"):
        send_files(
            openssh.target, SftpLogin(key_path=stranger), files, known_hosts=KnownHosts(tmp_path / "a")
        )
    known = KnownHosts(tmp_path / "b")
    known.pin("127.0.0.1", openssh.port, asyncssh.generate_private_key("ssh-ed25519"))
    with pytest.raises(HostKeyChanged, match="Nothing was sent"):
        send_files(openssh.target, SftpLogin(key_path=openssh.client_key), files, known_hosts=known)
    assert list(openssh.upload.iterdir()) == []
    assert "Accepted publickey" not in openssh.log.read_text(errors="replace")  # never signed in


def test_a_cancelled_send_to_openssh_leaves_no_partial_set(openssh: OpenSsh, tmp_path: Path) -> None:
    files = write_roster(tmp_path / "roster", small_roster())
    cancel = CancelToken()

    def progress(done: int, total: int, message: str) -> None:
        if "students.csv" in message:
            cancel.cancel()

    with pytest.raises(Cancelled):
        send_files(
            openssh.target,
            SftpLogin(key_path=openssh.client_key),
            files,
            known_hosts=KnownHosts(tmp_path / "known_hosts"),
            progress=progress,
            cancel=cancel,
        )
    assert list(openssh.upload.iterdir()) == []
