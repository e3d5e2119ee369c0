"""The benchmark runner: one synthetic district, each measurement in a fresh process, a table, bench.json and
the one-line summary.

Wall time and peak resident set of each child come from the OS (os.wait4), so they cover the whole process:
interpreter start, imports, the work and exit. `prepare` is the product's own command line
(`python -m wizard prepare DISTRICT --out DIR --date-order mdy --allow-errors`); the floor is pyarrow alone
reading the same files as text and writing them back (wizard.bench.measures.floor).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import wizard
from wizard.bench.district import District, ensure_district

MEASUREMENTS = ("prepare", "preview", "gui", "startup", "hub")
SUMMARY_KEYS = (
    "prepare_vs_floor",
    "peak_rss_mb",
    "max_gui_stall_ms",
    "preview_first_paint_ms",
    "startup_ms",
    "hub_upload_s",
    "hub_users_per_s",
)
# (key, target, lower is better) — the targets on a 2-core machine
TARGETS: dict[str, tuple[float, bool]] = {
    "prepare_vs_floor": (3.0, True),
    "peak_rss_mb": (1536, True),
    "max_gui_stall_ms": (100, True),
    "max_progress_gap_ms": (1000, True),
    "preview_first_paint_ms": (300, True),
    "preview_jump_to_end_ms": (100, True),
    "startup_ms": (1500, True),
    "hub_upload_s": (60, True),
    "hub_sftp_upload_s": (60, True),
    "hub_users_per_s": (100_000, False),
    "page100_ratio": (2.0, True),
    "onboarding_ratio": (2.0, True),
}


@dataclass
class ChildRun:
    """One measured process."""

    name: str
    wall_s: float
    peak_rss_mb: float
    exit_code: int
    output: dict[str, Any] = field(default_factory=dict)
    cpu_s: float = 0.0  # user + system time of the process and its threads
    log: Path | None = None

    @property
    def ok(self) -> bool:
        return self.exit_code in (0, 1) and (self.exit_code == 0 or self.name.startswith("prepare"))


def run_child(name: str, command: Sequence[str], logs: Path, env: dict[str, str], timeout: float) -> ChildRun:
    """Run `command` to its end (killed after `timeout` seconds); wall time and peak RSS from wait4."""
    logs.mkdir(parents=True, exist_ok=True)
    out_path, err_path = logs / f"{name}.out", logs / f"{name}.err"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(list(command), stdout=out, stderr=err, env=env)
        timer = threading.Timer(timeout, lambda: os.kill(process.pid, signal.SIGKILL))
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
    output: dict[str, Any] = {}
    lines = out_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    if lines:
        try:
            parsed = json.loads(lines[-1])
            output = parsed if isinstance(parsed, dict) else {}
        except ValueError:
            output = {}
    cpu = usage.ru_utime + usage.ru_stime
    return ChildRun(name, wall, usage.ru_maxrss / 1024, process.returncode, output, cpu_s=cpu, log=err_path)


@dataclass
class BenchOptions:
    students: int
    out: Path
    cache: Path
    repeat: int = 2
    only: tuple[str, ...] = MEASUREMENTS
    timeout: float = 3600.0


def _python(*arguments: str) -> list[str]:
    return [sys.executable, *arguments]


def _child_env(out: Path) -> dict[str, str]:
    env = dict(os.environ)
    # The children import the same `wizard` as this process (a checkout or an installed package).
    package_root = str(Path(next(iter(wizard.__path__))).resolve().parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH", "")]))
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["WIZARD_DATA_DIR"] = str(out / "wizard-data")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_bench(options: BenchOptions, say: Callable[[str], None] = print) -> dict[str, Any]:
    out = options.out
    out.mkdir(parents=True, exist_ok=True)
    logs = out / "logs"
    env = _child_env(out)
    started = time.perf_counter()
    district = ensure_district(options.cache, options.students)
    say(
        f"district: {district.size.students:,} students, {district.size.enrollments:,} enrollments, "
        f"{district.input_bytes / 1e6:,.0f} MB in {district.folder} "
        f"(ready in {time.perf_counter() - started:.1f} s)"
    )
    report: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "district": {**district.size.__dict__, "input_mb": round(district.input_bytes / 1e6, 1)},
        "runs": {},
        "figures": {},
    }
    figures: dict[str, Any] = report["figures"]
    runs: dict[str, Any] = report["runs"]

    def child(name: str, command: list[str]) -> ChildRun:
        say(f"… {name}")
        result = run_child(name, command, logs, env, options.timeout)
        runs[name] = {
            "wall_s": round(result.wall_s, 3),
            "cpu_s": round(result.cpu_s, 3),
            "peak_rss_mb": round(result.peak_rss_mb),
            "exit_code": result.exit_code,
            **result.output,
        }
        if not result.ok:
            say(f"   {name} failed (exit {result.exit_code}); see {result.log}")
        return result

    if "prepare" in options.only:
        _prepare_vs_floor(district, options, out, child, figures)
    if "preview" in options.only:
        run = child("preview", _python("-m", "wizard.ui.bench_gui", "preview", str(district.folder)))
        if run.ok:
            figures["preview_first_paint_ms"] = run.output["preview_first_paint_ms"]
            figures["preview_jump_to_end_ms"] = run.output["preview_jump_to_end_ms"]
    if "gui" in options.only:
        run = child("gui", _python("-m", "wizard.ui.bench_gui", "gui", str(district.folder)))
        if run.ok:
            figures["max_gui_stall_ms"] = run.output["max_gui_stall_ms"]
            figures["max_progress_gap_ms"] = run.output["max_progress_gap_ms"]
    if "startup" in options.only:
        samples = []
        for attempt in range(max(1, options.repeat)):
            begun = time.time()
            run = child(f"startup-{attempt + 1}", _python("-m", "wizard.app.bench_startup"))
            if run.ok and run.output.get("shown_at"):
                samples.append(1000 * (run.output["shown_at"] - begun))
        if samples:
            figures["startup_ms"] = round(min(samples))
    if "hub" in options.only:
        _hub(out, child, figures, say)
    report["total_s"] = round(time.perf_counter() - started, 1)
    (out / "bench.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


def _prepare_vs_floor(
    district: District,
    options: BenchOptions,
    out: Path,
    child: Callable[[str, list[str]], ChildRun],
    figures: dict[str, Any],
) -> None:
    """Floor and prepare alternately, `repeat` times each; the best of each (the least disturbed by others)."""
    floors, prepares, peaks, floor_cpu, prepare_cpu = [], [], [], [], []
    for attempt in range(1, max(1, options.repeat) + 1):
        floor = child(
            f"floor-{attempt}",
            _python("-m", "wizard.bench.measures", "floor", str(district.folder), str(out / "floor")),
        )
        prepared = child(
            f"prepare-{attempt}",
            _python(
                "-m",
                "wizard",
                "prepare",
                str(district.folder),
                "--out",
                str(out / "prepared"),
                "--date-order",
                "mdy",
                "--allow-errors",
            ),
        )
        if floor.ok and prepared.ok:
            floors.append(floor.wall_s)
            prepares.append(prepared.wall_s)
            peaks.append(prepared.peak_rss_mb)
            floor_cpu.append(floor.cpu_s)
            prepare_cpu.append(prepared.cpu_s)
    if floors:
        figures["floor_s"] = round(min(floors), 2)
        figures["prepare_s"] = round(min(prepares), 2)
        figures["prepare_vs_floor"] = round(min(prepares) / min(floors), 2)
        figures["peak_rss_mb"] = round(max(peaks))
        # on a machine shared with other work, processor time is steadier than wall time
        if min(floor_cpu) > 0:
            figures["prepare_cpu_vs_floor_cpu"] = round(min(prepare_cpu) / min(floor_cpu), 2)


def _hub(
    out: Path,
    child: Callable[[str, list[str]], ChildRun],
    figures: dict[str, Any],
    say: Callable[[str], None],
) -> None:
    hub_files = out / "prepared"
    if not (hub_files / "students.csv").is_file():
        say("   hub: skipped, no prepared hub files (run the prepare measurement first)")
        return
    run = child("hub", _python("-m", "wizard.bench.measures", "hub", str(hub_files), str(out / "hub-work")))
    if not run.ok:  # the figures measured before the failure still count
        stopped = run.exit_code == -signal.SIGKILL
        figures["hub_failure"] = (
            f"stopped after {round(run.wall_s)} s (--timeout), {round(run.peak_rss_mb)} MB resident"
            if stopped
            else _last_line(run.log)
        )
    for key in ("hub_upload_s", "hub_users_per_s"):
        if key in run.output:
            figures[key] = run.output[key]
    if "hub_sftp_upload_s" in run.output:
        figures["hub_sftp_upload_s"] = run.output["hub_sftp_upload_s"]
    for key in (
        "page100_ms",
        *(f"onboarding_{name}_ms" for name in ("district", "connection", "validation", "sharing")),
    ):
        demo, big = run.output.get(f"{key}_demo"), run.output.get(f"{key}_district")
        if demo and big:
            figures[f"{key}_demo"], figures[f"{key}_district"] = demo, big
    ratios = {
        key: figures[f"{key}_district"] / figures[f"{key}_demo"]
        for key in (
            "page100_ms",
            "onboarding_district_ms",
            "onboarding_connection_ms",
            "onboarding_validation_ms",
            "onboarding_sharing_ms",
        )
        if f"{key}_demo" in figures
    }
    if "page100_ms" in ratios:
        figures["page100_ratio"] = round(ratios.pop("page100_ms"), 2)
    if ratios:
        figures["onboarding_ratio"] = round(max(ratios.values()), 2)


def _last_line(path: Path | None) -> str:
    if path is None or not path.is_file():
        return "no output"
    lines = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return lines[-1][:300] if lines else "no output"


def _machine() -> dict[str, Any]:
    memory = 0
    with contextlib.suppress(ValueError, OSError):
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(memory / 2**30, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def table(report: dict[str, Any]) -> str:
    """The figures against their targets, one per line."""
    figures = report["figures"]
    lines = [f"{'figure':<28} {'measured':>14} {'target':>12}  met"]
    for key, value in figures.items():
        if isinstance(value, str):
            lines.append(f"{key:<28} {value}")
            continue
        target = TARGETS.get(key)
        if target is None:
            lines.append(f"{key:<28} {value:>14,}")
            continue
        limit, lower = target
        met = value <= limit if lower else value >= limit
        bound = f"{'≤' if lower else '≥'} {limit:,g}"
        lines.append(f"{key:<28} {value:>14,} {bound:>12}  {'yes' if met else 'NO'}")
    return "\n".join(lines)


def summary_line(report: dict[str, Any]) -> str:
    figures = report["figures"]
    return " ".join(f"{key}={_format(key, figures.get(key))}" for key in SUMMARY_KEYS)


def _format(key: str, value: Any) -> str:
    if value is None:
        return "n/a"
    if key == "prepare_vs_floor":
        return f"{value:.2f}"
    if key == "hub_upload_s":
        return f"{value:.1f}"
    return str(round(value))
