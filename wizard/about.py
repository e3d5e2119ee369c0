"""What the About dialog and `--version` say, Qt-free: the version, where the data folder and log are, and
the licences of the components the program is built from.

The version comes from the installed package's metadata; run from a checkout (pyproject.toml of this
project beside the package), from that pyproject, which an editable install's metadata may lag behind. The components are the package's run-time requirements,
followed through their own, with the licence each one declares in its metadata (the desktop bundle carries
that metadata too)."""

from __future__ import annotations

import platform
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from wizard.logs import log_file_path
from wizard.state import data_dir

PRODUCT = "District Onboarding Wizard"
DISTRIBUTION = "district-onboarding-wizard"
UNKNOWN = "0+unknown"
NO_LICENCE = "see the component's own notice"
CHECKOUT_PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    licence: str


@dataclass(frozen=True)
class About:
    version: str
    data_folder: Path
    log_file: Path
    components: tuple[Component, ...]


def _checkout() -> dict[str, object] | None:
    """The project table of the checkout this package runs from, or None when it runs installed (a wheel, the
    bundle). A checkout's own pyproject wins over installed metadata, which an editable install leaves stale."""
    project = _project_table(CHECKOUT_PYPROJECT)
    return project if project.get("name") == DISTRIBUTION else None


@cache
def version() -> str:
    if _checkout() is not None:
        return checkout_version(CHECKOUT_PYPROJECT)
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return UNKNOWN


def checkout_version(pyproject: Path) -> str:
    """The version in a checkout's pyproject.toml, or UNKNOWN when there is none to read."""
    found = str(_project_table(pyproject).get("version", ""))
    return found if re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", found) else UNKNOWN


def _project_table(pyproject: Path) -> dict[str, object]:
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    return project if isinstance(project, dict) else {}


def _name(requirement: str) -> str | None:
    """The distribution a requirement names, or None for an optional one (an extra)."""
    if "extra ==" in requirement:
        return None
    found = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return found.group(1) if found else None


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def licence_of(meta: metadata.PackageMetadata) -> str:
    """The licence a distribution declares: its SPDX expression, else a short License field, else the licence
    classifiers."""
    expression = _field(meta, "License-Expression")
    if expression:
        return expression
    field = _field(meta, "License")
    if field and "\n" not in field and len(field) <= 80:
        return field
    classifiers = [
        entry.split(" :: ")[-1]
        for entry in meta.get_all("Classifier") or []
        if entry.startswith("License ::")
    ]
    return "; ".join(classifiers) or NO_LICENCE


def _field(meta: metadata.PackageMetadata, name: str) -> str:
    values = meta.get_all(name) or []
    return str(values[0]).strip() if values else ""


@cache
def components() -> tuple[Component, ...]:
    """Python and every installed run-time requirement (followed through theirs), sorted by name."""
    checkout = _checkout()
    try:
        requirements = (
            checkout.get("dependencies", []) if checkout is not None else metadata.requires(DISTRIBUTION)
        )
    except metadata.PackageNotFoundError:
        requirements = []
    top = [name for name in map(_name, requirements if isinstance(requirements, list) else []) if name]
    found: dict[str, Component] = {}
    pending = list(top)
    while pending:
        name = pending.pop()
        if _key(name) in found:
            continue
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # not needed on this platform (e.g. pywin32-ctypes on Linux)
        found[_key(name)] = Component(
            distribution.metadata["Name"] or name, distribution.version, licence_of(distribution.metadata)
        )
        pending += [required for required in map(_name, distribution.requires or []) if required]
    python = Component("Python", platform.python_version(), "PSF-2.0")
    return (python, *sorted(found.values(), key=lambda component: component.name.lower()))


def about() -> About:
    return About(version(), data_dir(), log_file_path(), components())
