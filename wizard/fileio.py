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
`FolderTransaction`: into a hidden staging folder beside them, then committed in one step (a COMMIT record
written atomically) and moved into place. A process killed before the commit leaves the previous set
untouched; killed after it, the next `recover_folder` (every writer runs it first) finishes the move. Either
way the folder holds one complete set: the previous one or the new one, never a mix.

Errors are plain `OSError`s: callers turn them into the user-facing error that fits their context.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Self

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
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.folder))  # 0700
        self.committed = False

    def path(self, name: str) -> Path:
        return self.staging / _plain_name(name)

    def commit(self, *, remove: Iterable[str] = ()) -> list[str]:
        """Put the staged files in place, delete `remove`; returns the names put in place."""
        names = sorted(
            entry.name
            for entry in self.staging.iterdir()
            if entry.is_file() and not entry.name.startswith(".") and entry.name != COMMIT_NAME
        )
        plan = {"move": names, "remove": sorted(set(map(_plain_name, remove)) - set(names))}
        for name in names:  # the staged files are on disk before the commit record says they are the set
            with (self.staging / name).open("rb") as stream:
                os.fsync(stream.fileno())
        write_text_atomically(self.staging / COMMIT_NAME, json.dumps(plan))  # the commit point
        self.committed = True
        _apply(self.folder, self.staging)
        return names

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if not self.committed:
            shutil.rmtree(self.staging, ignore_errors=True)


def recover_folder(folder: Path) -> list[Path]:
    """Finish or undo what a killed FolderTransaction left in `folder`; returns the staging folders handled.

    A staging folder with a COMMIT record is moved into place (the crash came after the commit point);
    one without is deleted (the crash came before it, so the previous set is still whole).
    """
    handled: list[Path] = []
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
