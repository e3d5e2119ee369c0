"""Issue 11's fuzz suite: hypothesis over the readers, plus every hostile case of the issue as a fixed example.

Every case runs `prepare` in a child process under a memory cap (RLIMIT_AS, 1 GB) and a time cap, and must
end with exit 0, 1 or 2 and a message naming the file: never "internal problem", never a traceback, never
over a cap. Generated cases share one long-lived capped child (tests/unit/roster/fuzz_worker.py, restarted if
it dies); each fixed hostile case gets a fresh child (tests/unit/roster/capped.py).

FUZZ_EXAMPLES sets the examples per strategy (default 20); FUZZ_REPORT=path writes the figures as JSON.
"""

from __future__ import annotations

import io
import json
import os
import resource
import select
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.roster import hostile
from tests.unit.roster.capped import MEMORY_CAP, ROOT, run_prepare
from wizard.roster.readers import display_name

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
TIME_CAP = 20.0
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
INTERNAL = ("internal problem", "Traceback", "memory available")


@dataclass
class Figures:
    cases: int = 0
    failures: list[str] = field(default_factory=list)
    max_rss: int = 0
    by_code: dict[int, int] = field(default_factory=dict)

    def record(self, name: str, code: int | None, stderr: str, max_rss: int, problem: str) -> None:
        self.cases += 1
        self.max_rss = max(self.max_rss, max_rss)
        if code is not None:
            self.by_code[code] = self.by_code.get(code, 0) + 1
        if problem:
            self.failures.append(f"{name}: {problem}\n{stderr[-800:]}")


FIGURES = Figures()


@pytest.fixture(scope="module", autouse=True)
def report_figures() -> Iterator[None]:
    yield
    text = (
        f"reader fuzz: {FIGURES.cases} cases, {len(FIGURES.failures)} failures, exit codes {FIGURES.by_code}, "
        f"max memory seen {FIGURES.max_rss / 1024**2:.0f} MB (cap {MEMORY_CAP / 1024**2:.0f} MB)"
    )
    print("\n" + text)
    if os.environ.get("FUZZ_REPORT"):
        Path(os.environ["FUZZ_REPORT"]).write_text(
            json.dumps({**FIGURES.__dict__, "summary": text}, indent=2), encoding="utf-8"
        )


def problem_with(
    code: int | None, stderr: str, names: list[str], crash: str = "", timed_out: bool = False
) -> str:
    """What is wrong with how one case ended ("" when nothing)."""
    if timed_out or crash:
        return crash or "over the time cap"
    if code not in (0, 1, 2):
        return f"exit code {code}"
    if any(marker in stderr for marker in INTERNAL):
        return "an internal problem, a traceback or the memory cap"
    if not any(name in stderr for name in names):
        return f"no message names the file ({', '.join(names)})"
    return ""


# --- the long-lived capped worker -------------------------------------------------------------------------


class Worker:
    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> subprocess.Popen[str]:
        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

        return subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("fuzz_worker.py"))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT), "FUZZ_TIME_CAP": str(TIME_CAP)},
            preexec_fn=limit,
        )

    def run(self, args: list[str | Path]) -> dict[str, object]:
        if self.process is None or self.process.poll() is not None:
            self.process = self.start()
        assert self.process.stdin is not None and self.process.stdout is not None
        request = {"args": [os.fsencode(arg).hex() for arg in args]}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], TIME_CAP + 60)
        line = self.process.stdout.readline() if ready else ""
        if not line:  # killed by the memory cap, a crash, or hung past the alarm
            self.stop()
            return {
                "code": None,
                "stderr": "",
                "seconds": 0.0,
                "max_rss": 0,
                "crash": "the worker died or hung",
            }
        answer: dict[str, object] = json.loads(line)
        return answer

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture(scope="module")
def worker() -> Iterator[Worker]:
    running = Worker()
    yield running
    running.stop()


def check(
    worker: Worker, folder: Path, inputs: list[Path], names: list[str], extra: tuple[str | Path, ...] = ()
) -> None:
    answer = worker.run([*inputs, *extra, "--out", folder / "out"])
    code = answer["code"] if isinstance(answer["code"], int) else None
    stderr = str(answer["stderr"])
    problem = problem_with(code, stderr, names, str(answer["crash"]))
    FIGURES.record(", ".join(names), code, stderr, int(str(answer["max_rss"])), problem)
    assert not problem, f"{problem}\n{stderr[-2000:]}"


def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("case")


# --- strategies -------------------------------------------------------------------------------------------

HEADERS = [
    "School_id",
    "Student_id",
    "Last_name",
    "First_name",
    "Grade",
    "DOB",
    "Student_number",
    "Email",
    "x",
]
TRICKY = '",;\t|\r\n\0\ufeff\u200b\u202e\u00e9\u00c3\u00a9 0123456789aZ='
cell = st.one_of(
    st.text(alphabet=TRICKY, max_size=12), st.text(max_size=8), st.sampled_from(["000123", "", "3"])
)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"])
suffixes = st.sampled_from([".csv", ".txt", ".tsv", ".CSV", ".xlsx", ".zip", ""])


@st.composite
def delimited_text(draw: st.DrawFn) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    header = draw(st.lists(st.one_of(st.sampled_from(HEADERS), cell), min_size=1, max_size=8))
    rows = draw(st.lists(st.lists(cell, max_size=10), max_size=25))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(delimiter.join(row) for row in [header, *rows]) + draw(st.sampled_from(["", newline]))
    return text.encode(draw(encodings), errors="replace")


@st.composite
def zipped(draw: st.DrawFn) -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(
        data, "w", compression=draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
    ) as z:
        for number in range(draw(st.integers(0, 4))):
            name = draw(
                st.sampled_from(["students", "teachers", "users", "orgs", "x", "__MACOSX/s", ".hidden"])
            )
            content = draw(st.one_of(delimited_text(), st.binary(max_size=200)))
            z.writestr(f"{name}{number}{draw(suffixes)}", content)
    raw = data.getvalue()
    cut = draw(st.one_of(st.none(), st.integers(0, max(len(raw) - 1, 0))))
    return raw if cut is None else raw[:cut]


XLSX = hostile._xlsx_bytes()


@st.composite
def damaged_xlsx(draw: st.DrawFn) -> bytes:
    how = draw(st.sampled_from(["cut", "flip", "drop", "garbage"]))
    if how == "cut":
        return XLSX[: draw(st.integers(0, len(XLSX)))]
    if how == "flip":
        data = bytearray(XLSX)
        for _ in range(draw(st.integers(1, 20))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    source = zipfile.ZipFile(io.BytesIO(XLSX))
    members = source.namelist()
    target_name = draw(st.sampled_from(members))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in members:
            if name == target_name:
                if how == "garbage":
                    target.writestr(name, draw(st.binary(max_size=300)))
                continue
            target.writestr(name, source.read(name))
    return out.getvalue()


@st.composite
def mapping_text(draw: st.DrawFn) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from([".json", ".toml"]))
    depth = draw(st.integers(0, 3000))
    if suffix == ".json":
        body = draw(
            st.one_of(
                st.just("[" * depth + "]" * depth),
                st.recursive(
                    st.none() | st.booleans() | st.text(max_size=5),
                    lambda c: st.lists(c) | st.dictionaries(st.text(max_size=5), c),
                    max_leaves=10,
                ).map(json.dumps),
                st.text(max_size=60),
            )
        )
    else:
        body = draw(st.one_of(st.just("a = " + "[" * depth + "]" * depth), st.text(max_size=60)))
    return suffix, body.encode("utf-8", errors="surrogatepass")


# --- generated cases --------------------------------------------------------------------------------------


@FUZZ
@given(data=delimited_text(), suffix=st.sampled_from([".csv", ".txt", ".tsv", ".tab"]))
def test_fuzz_delimited_text(
    worker: Worker, tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str
) -> None:
    folder = fresh(tmp_path_factory)
    path = folder / f"students{suffix}"
    path.write_bytes(data)
    check(worker, folder, [path], [path.name])


@FUZZ
@given(data=st.binary(max_size=3000), suffix=suffixes)
def test_fuzz_arbitrary_bytes(
    worker: Worker, tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str
) -> None:
    folder = fresh(tmp_path_factory)
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    check(worker, folder, [path], [path.name])


@FUZZ
@given(data=zipped())
def test_fuzz_zips(worker: Worker, tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    folder = fresh(tmp_path_factory)
    path = folder / "export.zip"
    path.write_bytes(data)
    try:
        members = [Path(name).name for name in zipfile.ZipFile(path).namelist()]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        members = []
    check(worker, folder, [path], [path.name, *(display_name(member) for member in members)])


@FUZZ
@given(data=damaged_xlsx())
def test_fuzz_damaged_workbooks(
    worker: Worker, tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    folder = fresh(tmp_path_factory)
    path = folder / "students.xlsx"
    path.write_bytes(data)
    check(worker, folder, [path], [path.name])


@FUZZ
@given(mapping=mapping_text())
def test_fuzz_mapping_files(
    worker: Worker, tmp_path_factory: pytest.TempPathFactory, mapping: tuple[str, bytes]
) -> None:
    folder = fresh(tmp_path_factory)
    suffix, body = mapping
    path = folder / f"mapping{suffix}"
    path.write_bytes(body)
    students = hostile.students_csv(folder)
    check(worker, folder, [students], [path.name, students.name], ("--mapping", path))


# --- the hostile cases, each in a fresh capped child ----------------------------------------------

FIXED: dict[str, tuple[Callable[[Path], Path], bool]] = {
    **{name: (build, False) for name, build in hostile.HOSTILE.items()},
    **{name: (build, True) for name, build in hostile.HOSTILE_MAPPINGS.items()},
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(FIXED))
def test_hostile_case(name: str, tmp_path: Path) -> None:
    build, is_mapping = FIXED[name]
    folder = tmp_path / "in"
    folder.mkdir()
    path = build(folder)
    args: list[str | Path] = (
        [hostile.students_csv(folder, name="s.csv"), "--mapping", path] if is_mapping else [path]
    )
    run = run_prepare([*args, "--out", tmp_path / "out"], seconds=TIME_CAP * 3)
    names = [display_name(path.name)]
    problem = problem_with(run.code, run.stderr, names, timed_out=run.timed_out)
    FIGURES.record(name, run.code, run.stderr, run.max_rss, problem)
    assert not problem, f"{name}: {problem}\n{run.stderr[-2000:]}"
    assert run.seconds < TIME_CAP * 3
