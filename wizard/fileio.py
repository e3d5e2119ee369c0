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

Errors are plain `OSError`s: callers turn them into the user-facing error that fits their context.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

PRIVATE_MODE = 0o600
TEMPORARY_SUFFIX = ".tmp"


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
