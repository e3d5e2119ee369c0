"""The one way the product writes a file: atomically, durably, user-only when it holds student data.

A reader (the hub, a spreadsheet, the wizard resuming) sees either the old file or the complete new one,
never half a file, even when the process is killed or the disk fills mid-write:

- the data goes to a temporary file in the target's folder (so the rename never crosses file systems),
  named `.<name>.<random>.tmp` so that leftovers of a killed process can be recognised and removed;
- it is flushed and fsync'ed, then renamed over the target in one step (`os.replace`);
- on any failure (including KeyboardInterrupt) the temporary file is removed and the old file is untouched;
- by default the file is user-only (0600): roster files, reports and the state hold student or district data.
  `private=False` gives the usual permissions (0666 less the umask) for files meant to be shared;
- the folder is fsync'ed after the rename (`sync_folder=True`, the default) so the rename itself survives
  a power cut; file systems that cannot sync a folder are tolerated.

A set of files that belong together (the hub upload set with its report and summary) is written with
`FolderTransaction`: into a hidden staging folder beside the output folder (`.<folder>.set-XXXXXXXX`), the
folder's other entries hard-linked in, then the two folders swapped in one step (Linux `renameat2` with
RENAME_EXCHANGE). The folder the user chose holds the files directly and, at every instant, either the
previous set or the new one, even if the process is killed anywhere; the next `recover_folder` (every writer
runs it first) removes the staging folder a killed run left beside it. Where the exchange is not available
(other systems, some file systems, a parent folder we may not write, a mount point) the set is staged inside
the folder and committed with a COMMIT record written atomically, then moved in file by file: a kill inside
those moves leaves a mix until the next `recover_folder` finishes the move from the record.

Errors are plain `OSError`s: callers turn them into the user-facing error that fits their context.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Self

PRIVATE_MODE = 0o600
TEMPORARY_SUFFIX = ".tmp"
STAGING_PREFIX = ".staging-"
COMMIT_NAME = "COMMIT"


def temporary_prefix(target: Path) -> str:
    """The name prefix of the temporary files written for `target` (hidden, then the target's name)."""
    return f".{target.name}."


@contextlib.contextmanager
def atomic_writer(path: Path, *, private: bool = True, sync_folder: bool = True) -> Iterator[BinaryIO]:
    """A binary stream whose content replaces `path` in one step when the block ends without an error.

    If the block raises, the temporary file is removed and `path` keeps its old content (or stays absent).
    """
    target = Path(path)
    handle, temporary_name = tempfile.mkstemp(
        prefix=temporary_prefix(target), suffix=TEMPORARY_SUFFIX, dir=target.parent
    )
    temporary = Path(temporary_name)
    try:
        with os.fdopen(handle, "wb") as stream:
            # mkstemp creates the file 0600; a shared file gets the permissions a plain open() would give.
            os.fchmod(stream.fileno(), PRIVATE_MODE if private else 0o666 & ~current_umask())
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    if sync_folder:
        fsync_folder(target.parent)


def write_bytes_atomically(
    path: Path, data: bytes, *, private: bool = True, sync_folder: bool = True
) -> Path:
    """Replace `path` with `data` atomically (see the module's docstring); returns `path`."""
    with atomic_writer(path, private=private, sync_folder=sync_folder) as stream:
        stream.write(data)
    return Path(path)


def write_text_atomically(path: Path, text: str, *, private: bool = True, sync_folder: bool = True) -> Path:
    """Replace `path` with `text` as UTF-8, line ends as given (no translation), atomically; returns `path`."""
    return write_bytes_atomically(path, text.encode("utf-8"), private=private, sync_folder=sync_folder)


def fsync_folder(folder: Path) -> None:
    """Make a rename or a deletion in `folder` durable; a no-op where folders cannot be opened or synced."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def remove_leftover_temporaries(folder: Path, names: set[str] | None = None) -> list[Path]:
    """Remove the temporary files a killed writer left in `folder` (for the target `names`, or any).

    Only files named like this module's temporaries (`.<name>.<random>.tmp`) are touched.
    """
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(".") and name.endswith(TEMPORARY_SUFFIX)) or not entry.is_file():
            continue
        target = name[1:].rsplit(".", 2)[0] if name.count(".") >= 3 else ""
        if names is not None and target not in names:
            continue
        with contextlib.suppress(OSError):
            entry.unlink()
            removed.append(entry)
    return removed


def current_umask() -> int:
    """The process's umask, read without changing it where the system allows (Linux's /proc)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class FolderTransaction:
    """Write several files into `folder` as one set: `path(name)` is where to write each; `commit(remove=...)`
    puts them all in place and deletes the names in `remove`, as one step that survives a crash.

        with FolderTransaction(out) as transaction:
            write_text_atomically(transaction.path("summary.json"), text)
            transaction.commit(remove=["staff.csv"])

    Leaving the block without commit() (an error) removes the staging folder: the folder is as before.

    Where it can (`exchange=True`, the default, on Linux), the set is staged in a hidden sibling folder
    (`.<folder>.set-XXXXXXXX` beside it), the folder's other entries are hard-linked in (files the user keeps
    there stay where they are), and the two folders are swapped with one `renameat2(RENAME_EXCHANGE)`: that
    swap is the commit point, so at any instant the folder the user chose holds the old set or the new one.
    Otherwise (another system, a file system without the exchange, a parent folder we cannot write, a mount
    point, a folder with more than MAX_CARRIED entries or entries that cannot be hard-linked) the staged files
    are committed inside the folder with the COMMIT record and moved in one by one: a kill inside those moves
    leaves a mix until `recover_folder` (every writer runs it first) finishes the move from the record.
    """

    def __init__(self, folder: Path, *, exchange: bool = True) -> None:
        self.folder = Path(folder)
        self.committed = False
        self.exchanged = False
        self.real = Path(os.path.realpath(self.folder))
        sibling = _sibling_staging(self.real) if exchange else None
        self.staging = sibling or Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.folder))  # 0700

    def path(self, name: str) -> Path:
        return self.staging / _plain_name(name)

    def commit(self, *, remove: Iterable[str] = ()) -> list[str]:
        """Put the staged files in place, delete `remove`; returns the names put in place."""
        names = sorted(
            entry.name
            for entry in self.staging.iterdir()
            if entry.is_file() and not entry.name.startswith(".") and entry.name != COMMIT_NAME
        )
        removed = set(map(_plain_name, remove)) - set(names)
        for name in names:  # the staged files are on disk before the commit point
            with (self.staging / name).open("rb") as stream:
                os.fsync(stream.fileno())
        if self.staging.parent != self.folder and self._exchange({*names, *removed}):
            return names
        if self.staging.parent != self.folder:  # the exchange cannot be done here: commit inside the folder
            self.staging = _move_into_folder_staging(self.staging, self.folder, names)
        plan = {"move": names, "remove": sorted(removed)}
        write_text_atomically(self.staging / COMMIT_NAME, json.dumps(plan))  # the commit point
        self.committed = True
        _apply(self.folder, self.staging)
        return names

    def _exchange(self, owned: set[str]) -> bool:
        """Carry the folder's other entries into the staging folder and swap the two; False if it cannot."""
        try:
            status = self.real.stat()
            if not _carry_over(self.real, self.staging, owned, status.st_dev):
                return False
            self.staging.chmod(stat.S_IMODE(status.st_mode))
            fsync_folder(self.staging)
            if not exchange_folders(self.staging, self.real):
                return False
        except OSError:
            return False
        self.committed = self.exchanged = True  # the commit point: the folder now holds the new set
        fsync_folder(self.real.parent)
        _return_strays(self.staging, self.real, owned)  # entries created in the folder while we staged
        shutil.rmtree(self.staging, ignore_errors=True)
        fsync_folder(self.real.parent)
        return True

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if not self.committed:
            shutil.rmtree(self.staging, ignore_errors=True)


def exchange_folders(first: Path, second: Path) -> bool:
    """Swap two folders of one file system in one atomic step (Linux `renameat2` with RENAME_EXCHANGE).

    False where it cannot be done: not Linux, a C library without renameat2 (glibc < 2.28), or a file system or
    situation that refuses it (EINVAL, ENOSYS, EXDEV, EBUSY, EPERM, EACCES...); nothing was changed then.
    """
    function = _renameat2()
    if function is None:
        return False
    ctypes.set_errno(0)
    if function(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    number = ctypes.get_errno()
    if number in (errno.ENOENT, errno.ENOTDIR):
        raise OSError(number, os.strerror(number), str(first))
    return False


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_SIBLING_MARK = ".set-"
MAX_CARRIED = 10_000  # entries of the folder hard-linked into the staging folder; more: the fallback


def _renameat2() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    except OSError:
        return None
    if function is not None:
        function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        function.restype = ctypes.c_int
    return function


def _sibling_staging(real: Path) -> Path | None:
    """A hidden staging folder beside `real` on the same file system, or None where the exchange cannot work."""
    if _renameat2() is None or real.parent == real:
        return None
    try:
        if real.parent.stat().st_dev != real.stat().st_dev:  # a mount point cannot be swapped
            return None
        return Path(tempfile.mkdtemp(prefix=f".{real.name}{_SIBLING_MARK}", dir=real.parent))
    except OSError:
        return None


def _is_sibling_staging(entry: Path, real: Path) -> bool:
    """`entry` is a staging folder made by _sibling_staging for `real` (tempfile's 8 random characters)."""
    prefix = f".{real.name}{_SIBLING_MARK}"
    name = entry.name
    return name.startswith(prefix) and re.fullmatch(r"[a-z0-9_]{8}", name[len(prefix) :]) is not None


def _carry_over(source: Path, target: Path, owned: set[str], device: int) -> bool:
    """Hard-link the entries of `source` that are not the set (`owned`) into `target`, folders recreated;
    False (and nothing to undo but `target`) when there are too many or one cannot be linked."""
    count = 0

    def link_tree(source_folder: Path, target_folder: Path, skip: set[str]) -> bool:
        nonlocal count
        for entry in os.scandir(source_folder):
            if entry.name in skip or entry.name.startswith(STAGING_PREFIX):
                continue
            count += 1
            if count > MAX_CARRIED:
                return False
            destination = target_folder / entry.name
            status = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(status.st_mode):
                if status.st_dev != device:
                    return False
                destination.mkdir()
                if not link_tree(Path(entry.path), destination, set()):
                    return False
                destination.chmod(stat.S_IMODE(status.st_mode))
            elif stat.S_ISLNK(status.st_mode):
                destination.symlink_to(Path(entry.path).readlink())
            else:
                os.link(entry.path, destination, follow_symlinks=False)
        return True

    try:
        return link_tree(source, target, owned)
    except OSError:
        return False


def _return_strays(old: Path, folder: Path, owned: set[str]) -> None:
    """Move back into `folder` what is in `old` but not in `folder`: entries someone created in the folder
    between the carry-over and the exchange. The set's own names and our temporaries are never moved."""
    with contextlib.suppress(OSError):
        for entry in list(old.iterdir()):
            name = entry.name
            if (
                name in owned
                or name == COMMIT_NAME
                or (name.startswith(".") and name.endswith(TEMPORARY_SUFFIX))
            ):
                continue
            if not os.path.lexists(folder / name):
                with contextlib.suppress(OSError):
                    entry.rename(folder / name)


def _move_into_folder_staging(sibling: Path, folder: Path, names: list[str]) -> Path:
    """The fallback: the staged files moved from the sibling staging folder to one inside `folder`."""
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder))
    try:
        for name in names:
            shutil.move(sibling / name, staging / name)
        fsync_folder(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(sibling, ignore_errors=True)
    return staging


def recover_folder(folder: Path, owned: Iterable[str] = ()) -> list[Path]:
    """Finish or undo what a killed FolderTransaction left in or beside `folder`; returns what it handled.

    A sibling staging folder is removed: killed before the exchange it held a partial new set, after it the
    old set (entries not in `owned` that the folder lacks are moved back first). A staging folder inside the
    folder with a COMMIT record is moved into place (the crash came after the commit point); one without is
    deleted (the crash came before it, so the previous set is still whole).
    """
    handled: list[Path] = []
    owned_names = set(owned)
    real = Path(os.path.realpath(folder))
    with contextlib.suppress(OSError):
        for sibling in sorted(real.parent.iterdir()):
            if _is_sibling_staging(sibling, real) and sibling.is_dir() and not sibling.is_symlink():
                if real.is_dir() and owned_names:  # unknown names: a partial set must not be moved in
                    _return_strays(sibling, real, owned_names)
                shutil.rmtree(sibling, ignore_errors=True)
                handled.append(sibling)
        if handled:
            fsync_folder(real.parent)
    try:
        entries = [entry for entry in Path(folder).iterdir() if entry.name.startswith(STAGING_PREFIX)]
    except OSError:
        return handled
    for staging in sorted(entries):
        if not staging.is_dir() or staging.is_symlink():
            continue
        if (staging / COMMIT_NAME).is_file():
            try:
                _apply(Path(folder), staging)
            except (ValueError, KeyError, TypeError):  # a damaged record: it was never a complete commit
                shutil.rmtree(staging, ignore_errors=True)
        else:
            shutil.rmtree(staging, ignore_errors=True)
        handled.append(staging)
    return handled


def _apply(folder: Path, staging: Path) -> None:
    """Carry out a committed plan; safe to repeat after a crash in the middle of it."""
    plan = json.loads((staging / COMMIT_NAME).read_text(encoding="utf-8"))
    for name in plan["remove"]:
        (folder / _plain_name(name)).unlink(missing_ok=True)
    for name in plan["move"]:
        source = staging / _plain_name(name)
        if source.exists():
            source.replace(folder / name)
    fsync_folder(folder)
    shutil.rmtree(staging, ignore_errors=True)
    fsync_folder(folder)


def _plain_name(name: str) -> str:
    """A file name inside the folder: no separators, no parent, not hidden."""
    if not isinstance(name, str) or not name or name != Path(name).name or name.startswith("."):
        raise ValueError(f"not a plain file name: {name!r}")
    return name
