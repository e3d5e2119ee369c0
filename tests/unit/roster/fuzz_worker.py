"""A long-lived child for the reader fuzz suite: runs `prepare` cases sent on stdin, one JSON line each,
under the memory cap its parent set (RLIMIT_AS) and a per-case alarm; answers one JSON line per case.

Request: {"args": ["INPUT", "--out", "DIR", ...]}
Answer: {"code": int | null, "stderr": str, "seconds": float, "max_rss": bytes, "crash": str}
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import signal
import sys
import time
import traceback

from wizard.app.main import main

TIME_CAP = float(os.environ.get("FUZZ_TIME_CAP", "20"))


class OverTime(BaseException):
    """Raised by the alarm: a BaseException, so no `except Exception` in the product can swallow it."""


def on_alarm(signum: int, frame: object) -> None:
    raise OverTime


def run_case(args: list[str]) -> dict[str, object]:
    captured = io.StringIO()
    started = time.monotonic()
    code: int | None = None
    crash = ""
    signal.setitimer(signal.ITIMER_REAL, TIME_CAP)
    try:
        with contextlib.redirect_stderr(captured), contextlib.redirect_stdout(captured):
            code = main(["prepare", *args])
    except OverTime:
        crash = f"over the time cap of {TIME_CAP:.0f} s"
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 2
    except BaseException:
        crash = traceback.format_exc(limit=8)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return {
        "code": code,
        "stderr": captured.getvalue(),
        "seconds": time.monotonic() - started,
        "max_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "crash": crash,
    }


def serve() -> None:
    signal.signal(signal.SIGALRM, on_alarm)
    out = sys.stdout
    for line in sys.stdin:
        request = json.loads(line)
        args = [os.fsdecode(bytes.fromhex(arg)) for arg in request["args"]]
        out.write(json.dumps(run_case(args)) + "\n")
        out.flush()


if __name__ == "__main__":
    serve()
