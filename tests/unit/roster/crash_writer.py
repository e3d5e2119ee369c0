"""Kill `write_outputs` with SIGKILL at random points while it writes a new set over an old one; report what
the folder held right after each kill and after the recovery the next run does first ("+leftovers": hidden
files inside the folder; "+beside": the staging folder a killed run leaves beside it, counted before recovery).

Run as a script (tests/unit/roster/test_output_crash.py does): python crash_writer.py RUNS SEED WORKDIR
A forked child writes (so each kill costs no interpreter start); prints one JSON object on stdout.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sys
import time
from pathlib import Path

import pyarrow as pa

pa.set_cpu_count(1)  # no worker threads in the parent: forking is safe
pa.set_io_thread_count(1)

from tests.unit.roster.helpers import write_district  # noqa: E402
from wizard.roster.pipeline import PrepareOptions, PrepareResult, prepare, write_outputs  # noqa: E402

try:
    from wizard.roster.pipeline import recover_output_folder  # what the next run does first
except ImportError:  # the code before the fix had no recovery

    def recover_output_folder(out_dir: Path) -> None:
        return None


def snapshot(folder: Path) -> dict[str, bytes]:
    return {entry.name: entry.read_bytes() if entry.is_file() else b"<dir>" for entry in folder.iterdir()}


def classify(folder: Path, old: dict[str, bytes], new: dict[str, bytes]) -> str:
    now = snapshot(folder)
    leftovers = sorted(name for name in now if name.startswith("."))
    visible = {name: data for name, data in now.items() if not name.startswith(".")}
    state = "old" if visible == old else "new" if visible == new else "mixed"
    return state + ("+leftovers" if leftovers else "")


def beside(folder: Path) -> list[str]:
    """What a killed run left beside `folder` (its hidden staging folder), removed by the next run."""
    return sorted(
        entry.name for entry in folder.parent.iterdir() if entry.name.startswith(f".{folder.name}.")
    )


def fork_writer(result: PrepareResult, target: Path) -> int:
    """A child process writing `result` into `target`, as `prepare` does; its pid."""
    pid = os.fork()
    if pid == 0:
        try:
            write_outputs(result, target)
        finally:
            os._exit(0)
    return pid


def written_over(result: PrepareResult, old_folder: Path, target: Path) -> float:
    """Seconds a forked child takes to write `result` over a copy of the old set."""
    shutil.copytree(old_folder, target)
    started = time.perf_counter()
    os.waitpid(fork_writer(result, target), 0)
    return time.perf_counter() - started


def main() -> None:
    runs, seed, work = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    options = PrepareOptions(date_order="mdy")
    old_result = prepare([write_district(work / "in-old", 20_000, "A", staff=True)], options)
    new_result = prepare([write_district(work / "in-new", 30_000, "B", staff=False)], options)
    old_folder = work / "ref-old"
    write_outputs(old_result, old_folder)
    old = snapshot(old_folder)
    seconds = max(written_over(new_result, old_folder, work / f"ref-new-{n}") for n in range(3))
    new = snapshot(work / "ref-new-0")
    assert old != new and "staff.csv" in old and "staff.csv" not in new
    rng = random.Random(seed)
    before: dict[str, int] = {}
    after: dict[str, int] = {}
    beside_before = 0
    for run in range(runs):
        target = work / f"run-{run}"
        shutil.copytree(old_folder, target)
        # half the kills anywhere in the write, half in its last third, where the set is put in place
        delay = rng.uniform(0, seconds * 1.1) if run % 2 else rng.uniform(seconds * 0.66, seconds * 1.05)
        pid = fork_writer(new_result, target)
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        state = classify(target, old, new)
        before[state] = before.get(state, 0) + 1
        beside_before += bool(beside(target))
        recover_output_folder(target)
        state = classify(target, old, new) + ("+beside" if beside(target) else "")
        after[state] = after.get(state, 0) + 1
        shutil.rmtree(target)
    print(
        json.dumps(
            {
                "runs": runs,
                "write_seconds": seconds,
                "before_recovery": before,
                "after_recovery": after,
                "staging_beside_before_recovery": beside_before,
            }
        )
    )


if __name__ == "__main__":
    main()
