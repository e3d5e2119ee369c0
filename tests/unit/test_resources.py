"""Run-time data ships inside the package and is read through importlib.resources (issue 16, "Installable")."""

from __future__ import annotations

from pathlib import Path

from wizard.resources import resource
from wizard.roster.vendor import list_profiles

PACKAGE = Path(__file__).resolve().parents[2] / "wizard"
# Modules that may use their own location, for anything but reading shipped data.
LOCATION_USERS = {
    PACKAGE / "about.py",  # the version of a checkout that was never installed
    PACKAGE / "bench" / "run.py",  # the benchmark's child processes import this same copy of the package
}


def test_no_module_finds_its_data_by_walking_up_from_its_source_file() -> None:
    offenders = [
        path.relative_to(PACKAGE.parent).as_posix()
        for path in PACKAGE.rglob("*.py")
        if path not in LOCATION_USERS and "__file__" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_the_shipped_files_are_found_through_the_package() -> None:
    for name in (
        "hub_spec.toml",
        "roster_synonyms.toml",
        "sds_v1.toml",
        "app_catalog.json",
        "us_states.json",
    ):
        assert resource(name).is_file(), name
    assert resource("styles", "wizard.qss").is_file()
    assert {"symphony-math", "generic-email-login"} <= set(list_profiles())
    assert any(entry.name.endswith(".svg") for entry in resource("app_icons").iterdir())
