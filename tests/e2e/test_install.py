"""The product installs as a wheel and runs outside the checkout (issue 16, "Installable").

The wheel is built from a copy of the sources, installed into a new virtual environment in a temporary folder,
and every command runs there with the working directory outside the checkout and no PYTHONPATH, so nothing can
be read from the clone. To stay fast, the new environment borrows the third-party packages (PySide6, pandas…)
of the environment running the tests through a .pth file added after the install; the editable install of
the checkout that environment may hold is not on that path (.pth files of an added folder are not processed),
and a test checks that `wizard` is imported from the new environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
ROSTERS = REPO / "tests" / "data" / "roster"
BUILD_TIMEOUT = 240
RUN_TIMEOUT = 180


@dataclass(frozen=True)
class Installed:
    venv: Path
    work: Path  # a folder outside the checkout, the commands' working directory
    env: dict[str, str]

    @property
    def bin(self) -> Path:
        return self.venv / ("Scripts" if os.name == "nt" else "bin")

    def run(
        self, *command: str | Path, extra_env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(part) for part in command],
            cwd=self.work,
            env={**self.env, **(extra_env or {})},
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )


def _copy_sources(target: Path) -> Path:
    """Only what a build reads, so building never writes into the checkout (build/, *.egg-info)."""
    target.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, target / name)
    shutil.copytree(REPO / "wizard", target / "wizard", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def _environment(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "PYTHONHOME"}}
    env.update(WIZARD_DATA_DIR=str(home / "data"), QT_QPA_PLATFORM="offscreen", PYTHONDONTWRITEBYTECODE="1")
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    work = tmp_path_factory.mktemp("installed")
    assert not work.resolve().is_relative_to(REPO)
    source = _copy_sources(work / "source")
    dist = work / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(dist), str(source)],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = dist.glob("district_onboarding_wizard-*.whl")

    venv = work / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=RUN_TIMEOUT
    )
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    assert install.returncode == 0, install.stderr
    # Only now lend the test environment's third-party packages (see the module docstring).
    site_packages = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    borrowed = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site_packages / "zz_borrowed_dependencies.pth").write_text("\n".join(borrowed) + "\n", encoding="utf-8")
    home = work / "home"
    home.mkdir()
    return Installed(venv=venv, work=home, env=_environment(home))


def test_wizard_is_imported_from_the_new_environment(installed: Installed) -> None:
    result = installed.run(installed.bin / "python", "-c", "import wizard, sys; print(wizard.__file__)")
    assert result.returncode == 0, result.stderr
    imported = Path(result.stdout.strip()).resolve()
    assert imported.is_relative_to(installed.venv.resolve())
    assert not imported.is_relative_to(REPO)


def test_every_resource_file_is_installed(installed: Installed) -> None:
    result = installed.run(
        installed.bin / "python",
        "-c",
        "from importlib.resources import files; print(files('wizard.resources'))",
    )
    assert result.returncode == 0, result.stderr
    installed_dir = Path(result.stdout.strip())

    def data_files(root: Path) -> set[str]:
        return {
            path.relative_to(root).as_posix()
            for path in root.rglob("*")
            if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
        }

    shipped = data_files(REPO / "wizard" / "resources")
    assert shipped, "the checkout has no resource files"
    assert data_files(installed_dir) == shipped


def test_version_from_the_command_and_python_m(installed: Installed) -> None:
    expected = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    command = installed.run(installed.bin / "district-wizard", "--version")
    assert (command.returncode, command.stdout.strip()) == (0, f"district-wizard {expected}"), command.stderr
    module = installed.run(installed.bin / "python", "-m", "wizard", "--version")
    assert (module.returncode, module.stdout.strip()) == (0, f"python -m wizard {expected}"), module.stderr


@pytest.mark.parametrize(
    ("roster", "options"),
    [
        ("oneroster-valid", ["--vendor-profile", "symphony-math", "--target", "both"]),
        ("sds-v1-min-required", []),
        ("hub-valid", []),
    ],
)
def test_prepare_writes_the_upload_files(installed: Installed, roster: str, options: list[str]) -> None:
    out = installed.work / f"prepared-{roster}"
    result = installed.run(
        installed.bin / "district-wizard", "prepare", ROSTERS / roster, "--out", out, *options
    )
    assert result.returncode == 0, result.stdout + result.stderr
    written = {path.name for path in out.iterdir()}
    assert {
        "schools.csv",
        "students.csv",
        "enrollments.csv",
        "validation_report.csv",
        "summary.json",
    } <= written
    if "--vendor-profile" in options:
        assert "vendor_import.csv" in written


def test_prepare_with_errors_says_what_to_do(installed: Installed) -> None:
    out = installed.work / "prepared-messy"
    result = installed.run(installed.bin / "district-wizard", "prepare", ROSTERS / "sis-messy", "--out", out)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert (out / "validation_report.csv").is_file()
    assert not (out / "students.csv").exists()


def test_gui_screenshot_tour_runs_offscreen(installed: Installed) -> None:
    out = installed.work / "screenshots"
    result = installed.run(installed.bin / "district-wizard", "screenshots", out)
    assert result.returncode == 0, result.stdout + result.stderr
    saved = [Path(line) for line in result.stdout.splitlines() if line.endswith(".png")]
    assert len(saved) >= 10
    assert {path.name.split("-", 1)[1] for path in saved} >= {"welcome.png", "roll-out.png"}
    for path in saved:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.stat().st_size > 10_000  # a drawn window, not an empty image
