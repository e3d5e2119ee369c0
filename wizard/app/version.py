"""The product's version: from the installed package's metadata, else (a checkout run with PYTHONPATH, never
installed) from the checkout's pyproject.toml, so `--version` and the About dialog never disagree with it."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "district-onboarding-wizard"
UNKNOWN = "0+unknown"


@cache
def version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return checkout_version(Path(__file__).resolve().parents[2] / "pyproject.toml")


def checkout_version(pyproject: Path) -> str:
    """The version in a checkout's pyproject.toml, or UNKNOWN when there is none to read."""
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return UNKNOWN
    found = str(project.get("version", ""))
    return found if re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", found) else UNKNOWN
