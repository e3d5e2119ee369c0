"""`make dist-check`: smoke-tests the one-folder PyInstaller bundle (issue 16, "A bundle a person can double-click").

Runs the bundle's program from a temporary folder outside the checkout, with no PYTHONPATH and Qt offscreen:
`--version`, `prepare` on sample sets (exit 0 with the upload files; exit 1 with a report for a set with
errors), the GUI's screenshot tour, and the GUI itself until its window is open (the start time). It also
validates the .desktop entry and reports the bundle's size. Exits 1 on the first failed check.

    python scripts/dist_check.py dist/district-wizard
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ROSTERS = REPO / "tests" / "data" / "roster"
NAME = "district-wizard"
GUI_START_TIMEOUT = 90.0
RUN_TIMEOUT = 300


class CheckFailed(Exception):
    pass


def check(condition: bool, what: str, detail: str = "") -> None:
    if not condition:
        raise CheckFailed(f"{what}\n{detail}".rstrip())
    print(f"  ok  {what}")


def folder_size(folder: Path) -> int:
    return sum(path.lstat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


class Bundle:
    def __init__(self, folder: Path, work: Path) -> None:
        self.folder = folder.resolve()
        self.program = self.folder / (f"{NAME}.exe" if os.name == "nt" else NAME)
        self.work = work
        self.env = {
            key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "PYTHONHOME"}
        }
        self.env.update(WIZARD_DATA_DIR=str(work / "data"), QT_QPA_PLATFORM="offscreen")

    def run(self, *arguments: str | Path) -> tuple[subprocess.CompletedProcess[str], float]:
        started = time.perf_counter()
        result = subprocess.run(
            [str(self.program), *map(str, arguments)],
            cwd=self.work,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
        return result, time.perf_counter() - started

    def gui_start_seconds(self) -> float:
        """Start the GUI and wait for the log line it writes once its window is open; then end it."""
        log_file = self.work / "data" / "logs" / "wizard.log"
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(self.program)],
            cwd=self.work,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            while time.perf_counter() - started < GUI_START_TIMEOUT:
                if log_file.is_file() and "The wizard window is open." in log_file.read_text(
                    encoding="utf-8"
                ):
                    return time.perf_counter() - started
                if process.poll() is not None:
                    raise CheckFailed(
                        f"the GUI ended with exit code {process.returncode}:\n{process.stderr.read()}"
                    )  # type: ignore[union-attr]
                time.sleep(0.05)
            raise CheckFailed(f"the GUI's window did not open within {GUI_START_TIMEOUT:.0f} s")
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def check_desktop_entry(bundle: Bundle) -> None:
    """The bundle's installer puts a .desktop entry naming this folder's program, and its icon, in XDG_DATA_HOME."""
    installer = bundle.folder / "install-desktop-entry.sh"
    check(
        installer.is_file() and (bundle.folder / f"{NAME}.desktop").is_file(),
        "the .desktop entry is beside the program",
    )
    data_home = bundle.work / "xdg-data"
    result = subprocess.run(
        [str(installer)],
        env={**bundle.env, "XDG_DATA_HOME": str(data_home)},
        capture_output=True,
        text=True,
        check=False,
    )
    entry = data_home / "applications" / f"{NAME}.desktop"
    check(
        result.returncode == 0 and entry.is_file(),
        "install-desktop-entry.sh adds it to the menu",
        result.stderr,
    )
    check(
        f'Exec="{bundle.program}"' in entry.read_text(encoding="utf-8"),
        "the entry starts this folder's program",
    )
    check(
        (data_home / "icons" / "hicolor" / "256x256" / "apps" / f"{NAME}.png").is_file(),
        "the icon is installed",
    )
    for path in (bundle.folder / f"{NAME}.desktop", entry):
        if shutil.which("desktop-file-validate"):
            result = subprocess.run(
                ["desktop-file-validate", str(path)], capture_output=True, text=True, check=False
            )
            check(
                result.returncode == 0 and not result.stdout.strip(),
                f"desktop-file-validate accepts {path.name}",
                result.stdout,
            )


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    folder = Path(argv[0])
    version = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    figures: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="dist-check-") as temporary:
        bundle = Bundle(folder, Path(temporary))
        try:
            print(f"Smoke-testing {bundle.folder} from {temporary}")
            check(
                bundle.program.is_file() and os.access(bundle.program, os.X_OK),
                f"{bundle.program.name} is there",
            )

            result, seconds = bundle.run("--version")
            check(
                (result.returncode, result.stdout.strip()) == (0, f"{NAME} {version}"),
                f"--version prints {NAME} {version}",
                result.stdout + result.stderr,
            )
            figures["start, --version (s)"] = f"{seconds:.2f}"

            out = bundle.work / "prepared"
            result, seconds = bundle.run(
                "prepare",
                ROSTERS / "oneroster-valid",
                "--out",
                out,
                "--vendor-profile",
                "symphony-math",
                "--target",
                "both",
            )
            check(
                result.returncode == 0,
                "prepare (OneRoster, Symphony Math import) exits 0",
                result.stdout + result.stderr,
            )
            written = {path.name for path in out.iterdir()}
            check(
                {"schools.csv", "students.csv", "enrollments.csv", "vendor_import.csv", "summary.json"}
                <= written,
                "prepare wrote the upload files and the vendor import",
                ", ".join(sorted(written)),
            )
            figures["prepare OneRoster sample (s)"] = f"{seconds:.2f}"

            result, _ = bundle.run("prepare", ROSTERS / "sds-v1-min-required", "--out", bundle.work / "sds")
            check(
                result.returncode == 0, "prepare (School Data Sync v1) exits 0", result.stdout + result.stderr
            )

            result, _ = bundle.run("prepare", ROSTERS / "sis-messy", "--out", bundle.work / "messy")
            check(
                result.returncode == 1
                and "Traceback" not in result.stderr
                and (bundle.work / "messy" / "validation_report.csv").is_file(),
                "prepare with errors exits 1 with a report and no traceback",
                result.stdout + result.stderr,
            )

            shots = bundle.work / "screenshots"
            result, seconds = bundle.run("screenshots", shots)
            pngs = sorted(shots.glob("*.png"))
            check(result.returncode == 0, "the GUI's screenshot tour exits 0", result.stdout + result.stderr)
            check(
                len(pngs) >= 10 and all(path.read_bytes()[:4] == b"\x89PNG" for path in pngs),
                f"the tour saved {len(pngs)} pages as PNG",
            )
            figures["screenshot tour (s)"] = f"{seconds:.1f}"

            seconds = bundle.gui_start_seconds()
            check(True, f"the GUI's window opened in {seconds:.2f} s")
            figures["start, GUI window open (s)"] = f"{seconds:.2f}"

            check_desktop_entry(bundle)
        except CheckFailed as failure:
            print(f"FAILED: {failure}", file=sys.stderr)
            return 1
    figures["bundle size (MB)"] = f"{folder_size(bundle.folder) / 1e6:.0f}"
    build_seconds = folder.parent / "build-seconds.txt"
    if build_seconds.is_file():
        figures["build (s)"] = build_seconds.read_text(encoding="utf-8").strip()
    print("Bundle figures:")
    for what, value in figures.items():
        print(f"  {what:30} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
