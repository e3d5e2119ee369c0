"""The one atomic-write helper: the old file or the whole new one, never half; user-only by default."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from wizard import fileio
from wizard.fileio import (
    atomic_writer,
    remove_leftover_temporaries,
    write_bytes_atomically,
    write_text_atomically,
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_writes_the_text_as_utf8_without_translating_line_ends(tmp_path: Path) -> None:
    target = write_text_atomically(tmp_path / "a.csv", "Jos\u00e9\r\nline\n")
    assert target.read_bytes() == "Jos\u00e9\r\nline\n".encode()
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]


def test_files_are_user_only_by_default_even_over_a_readable_old_file(tmp_path: Path) -> None:
    target = tmp_path / "students.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o644)
    write_bytes_atomically(target, b"new")
    assert mode(target) == 0o600
    assert target.read_bytes() == b"new"


def test_shared_files_get_the_umask_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        target = write_text_atomically(tmp_path / "summary.txt", "x", private=False)
    finally:
        os.umask(old)
    assert mode(target) == 0o644


def test_a_failure_mid_write_leaves_the_old_file_intact_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "enrollments.csv"
    target.write_bytes(b"old complete content")
    with pytest.raises(RuntimeError, match="disk full"), atomic_writer(target) as stream:
        stream.write(b"half of the new")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"old complete content"
    assert [p.name for p in tmp_path.iterdir()] == ["enrollments.csv"]


def test_an_interrupt_mid_write_also_removes_the_temporary(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    with pytest.raises(KeyboardInterrupt), atomic_writer(target) as stream:
        stream.write(b"{")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_a_failing_rename_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "summary.json"
    target.write_text("{}", encoding="utf-8")

    def refuse(self: Path, other: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", refuse)
    with pytest.raises(OSError, match="No space"):
        write_text_atomically(target, '{"new": 1}')
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "{}"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.json"]


def test_the_data_is_fsynced_before_the_rename_and_the_folder_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, Path.replace

    def fsync(descriptor: int) -> None:
        calls.append("folder" if stat.S_ISDIR(os.fstat(descriptor).st_mode) else "file")
        real_fsync(descriptor)

    def replace(self: Path, other: Path) -> Path:
        calls.append("rename")
        return real_replace(self, other)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(Path, "replace", replace)
    write_text_atomically(tmp_path / "a.txt", "x")
    assert calls == ["file", "rename", "folder"]
    calls.clear()
    write_text_atomically(tmp_path / "b.txt", "x", sync_folder=False)
    assert calls == ["file", "rename"]


def test_an_unwritable_folder_is_a_plain_os_error_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_text_atomically(tmp_path / "missing" / "a.txt", "x")
    assert list(tmp_path.iterdir()) == []


def test_a_killed_writer_leaves_the_old_file_and_its_leftover_is_recognised(tmp_path: Path) -> None:
    target = tmp_path / "students.csv"
    target.write_bytes(b"old")
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from wizard.fileio import atomic_writer\n"
        "with atomic_writer(Path(sys.argv[1])) as stream:\n"
        "    stream.write(b'partial')\n"
        "    stream.flush()\n"
        "    os.kill(os.getpid(), 9)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(fileio.__file__).parents[1])}
    done = subprocess.run([sys.executable, "-c", script, str(target)], env=env, timeout=60)
    assert done.returncode == -9
    assert target.read_bytes() == b"old"
    leftovers = [p for p in tmp_path.iterdir() if p != target]
    assert len(leftovers) == 1 and leftovers[0].name.startswith(".students.csv.")
    (tmp_path / ".notes.txt").write_text("not ours", encoding="utf-8")
    assert remove_leftover_temporaries(tmp_path, {"enrollments.csv"}) == []
    assert remove_leftover_temporaries(tmp_path, {"students.csv"}) == leftovers
    assert sorted(p.name for p in tmp_path.iterdir()) == [".notes.txt", "students.csv"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_two_folders_are_swapped_in_one_step(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "a.csv").write_text("first", encoding="utf-8")
    (second / "b.csv").write_text("second", encoding="utf-8")
    if not fileio.exchange_folders(first, second):
        pytest.skip("this file system cannot swap two folders in one step (RENAME_EXCHANGE)")
    assert [p.name for p in first.iterdir()] == ["b.csv"]
    assert [p.name for p in second.iterdir()] == ["a.csv"]
    with pytest.raises(FileNotFoundError):
        fileio.exchange_folders(first, tmp_path / "missing")
