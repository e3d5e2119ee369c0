"""Checking a roster in a child process, so the engine never holds the GUI's interpreter.

The roster engine spends seconds in pandas and Arrow calls that hold Python's global lock; run on a worker
thread, those calls freeze the window between two progress updates. Here a worker thread starts a child
process instead and only waits for it:

- the request (inputs, mapping, date order) goes into a fresh user-only folder (0700);
- the child (`python -m wizard.session.prepare_child FOLDER`, or the frozen app's `prepare-child FOLDER`)
  reports progress as JSON lines on its stdout (wizard.cli.progress.JsonLinesProgress), prepares, works out
  what the preview needs (issues placed on cells, the issue list's search text) and writes everything as
  Arrow files into the folder (wizard.roster.resultfiles);
- the parent relays progress (and, while a long step reports nothing, the seconds it has taken, so the
  admin sees it is alive at least every `tick` seconds), reads the files back and removes the folder.

Cancel kills the child at once. A check writes nothing outside its own folder, so an exported set is never
touched; export itself is one FolderTransaction. A failure in the child becomes a clear message (its
traceback goes to the log), never a traceback on the page.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from wizard.errors import UserFacingError
from wizard.tasks import Cancelled, CancelToken, ProgressCallback, no_progress

if TYPE_CHECKING:
    from wizard.roster.mapping import MappingSpec
    from wizard.roster.resultfiles import CheckedResult

log = logging.getLogger(__name__)

REQUEST_NAME = "request.json"
RESULT_FOLDER = "result"
LOG_NAME = "child.log"
TICK_S = 0.5  # the longest the admin waits for a sign of life
POLL_S = 0.05  # how often the parent looks at Cancel while the child is quiet
CHILD_COMMAND = "prepare-child"  # the frozen app's hidden entry (wizard.app.main)


class CheckFailed(UserFacingError):
    """The child stopped without a result."""


def child_command(folder: Path) -> list[str]:
    """How to start the child: the same interpreter and the same `wizard` as this process."""
    if getattr(sys, "frozen", False):  # a PyInstaller bundle: its executable is the app's main()
        return [sys.executable, CHILD_COMMAND, str(folder)]
    return [sys.executable, "-m", "wizard.session.prepare_child", str(folder)]


def _child_env() -> dict[str, str]:
    import wizard

    env = dict(os.environ)
    package_root = str(Path(next(iter(wizard.__path__))).resolve().parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH", "")]))
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def check_in_child(
    paths: Sequence[Path],
    mapping: MappingSpec | None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    *,
    date_order: str | None = None,
    tick: float = TICK_S,
) -> CheckedResult:
    """Prepare `paths` in a child process and return its result (a worker's task: blocks until done).

    Raises Cancelled when `cancel` is set (the child is killed), CheckFailed or the engine's UserFacingError
    (with its own words) when the child ends without a result."""
    cancel = cancel or CancelToken()
    folder = Path(tempfile.mkdtemp(prefix="wizard-check-"))  # 0700: the result holds student data
    process: subprocess.Popen[bytes] | None = None
    try:
        request = {
            "inputs": [str(path) for path in paths],
            "mapping": mapping.to_dict() if mapping is not None else None,
            "date_order": date_order,
        }
        (folder / REQUEST_NAME).write_text(json.dumps(request), encoding="utf-8")
        with (folder / LOG_NAME).open("wb") as child_log:
            process = subprocess.Popen(
                child_command(folder),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=child_log,
                env=_child_env(),
            )
        # pandas and pyarrow, for reading the result back, load now while the child works (the wizard opens
        # without them; loading them on the GUI thread when the result arrives would freeze it), on a thread
        # of their own so progress keeps flowing meanwhile
        threading.Thread(target=_load_result_reader, name="load-pandas", daemon=True).start()
        outcome = _follow(process, progress, cancel, tick)
        code = process.wait()
        if outcome.get("event") == "error":
            raise UserFacingError(str(outcome.get("message", "")), str(outcome.get("hint", "")))
        if outcome.get("event") != "done" or code != 0:
            _log_child_failure(folder, code, outcome)
            raise CheckFailed(
                "Checking your files stopped because of an internal problem"
                + (f" ({outcome['detail']})." if outcome.get("detail") else f" (exit code {code})."),
                "Try again. If it keeps happening, contact support and send them the wizard's log.",
            )
        cancel.raise_if_cancelled()
        from wizard.roster.resultfiles import load_result

        progress(1, 1, "Reading the results")
        return load_result(folder / RESULT_FOLDER)
    finally:
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


def _follow(
    process: subprocess.Popen[bytes], progress: ProgressCallback, cancel: CancelToken, tick: float
) -> dict[str, Any]:
    """Relay the child's progress until it closes its output; returns its last event ({} if none)."""
    from wizard.cli.progress import parse_progress_line

    assert process.stdout is not None
    lines: queue.Queue[bytes | None] = queue.Queue()
    reader = threading.Thread(target=_read_lines, args=(process.stdout, lines), daemon=True)
    reader.start()
    started = last_sign = time.monotonic()
    done, total, message = 0, 0, "Starting the check"
    outcome: dict[str, Any] = {}
    while True:
        if cancel.cancelled:
            process.kill()
            process.wait()
            raise Cancelled()
        try:
            raw = lines.get(timeout=POLL_S)
        except queue.Empty:
            now = time.monotonic()
            if now - last_sign >= tick:  # a long step: show that it is still going, and for how long
                last_sign = now
                progress(done, total, f"{message} ({now - started:.0f} s)")
            continue
        if raw is None:
            return outcome
        line = parse_progress_line(raw.decode("utf-8", errors="replace"))
        if line is None:
            continue
        if "event" in line:
            outcome = line
            continue
        done, total, message = (
            int(line.get("done", 0)),
            int(line.get("total", 0)),
            str(line.get("message", "")),
        )
        last_sign = time.monotonic()
        progress(done, total, message)


def _load_result_reader() -> None:
    import wizard.roster.resultfiles  # noqa: F401


def _read_lines(stream: IO[bytes], lines: queue.Queue[bytes | None]) -> None:
    try:
        for raw in stream:
            lines.put(raw)
    finally:
        lines.put(None)


def _log_child_failure(folder: Path, code: int, outcome: dict[str, Any]) -> None:
    try:
        text = (folder / LOG_NAME).read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    log.error("roster check child failed (exit %s, %s):\n%s", code, outcome or "no outcome", text[-8000:])


# --- the child --------------------------------------------------------------------------------------------


def child_main(argv: Sequence[str]) -> int:
    """The child's side: prepare the request in `argv[0]`, write the result there, report on stdout."""
    from wizard.cli.progress import JsonLinesProgress

    folder = Path(argv[0])
    channel = sys.stdout
    sys.stdout = sys.stderr  # anything else printed goes to the log, never into the progress channel
    progress = JsonLinesProgress(channel)
    try:
        _prepare_request(folder, progress)
    except UserFacingError as error:
        progress.event("error", message=error.message, hint=error.hint)
        return 1
    except Exception as error:  # a defect: the traceback goes to the log, the parent shows one sentence
        traceback.print_exc()
        progress.event("failed", detail=f"{type(error).__name__}: {error}")
        return 1
    progress.event("done")
    return 0


def _prepare_request(folder: Path, progress: ProgressCallback) -> None:
    from wizard.roster.mapping import MappingSpec
    from wizard.roster.pipeline import PrepareOptions, prepare
    from wizard.roster.resultfiles import save_result
    from wizard.session.preview import cell_problems, issue_search_text

    request = json.loads((folder / REQUEST_NAME).read_text(encoding="utf-8"))
    mapping = MappingSpec.from_dict(request["mapping"]) if request.get("mapping") else None
    options = PrepareOptions(mapping=mapping, date_order=request.get("date_order"))
    result = prepare([Path(path) for path in request["inputs"]], options, progress)
    progress(0, 1, "Preparing the preview")
    cells = {kind: cell_problems(result, kind) for kind in result.tables}
    search = issue_search_text(result.issue_frame)
    progress(0, 1, "Handing over the results")
    save_result(result, folder / RESULT_FOLDER, cell_problems=cells, issue_search=search)


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
