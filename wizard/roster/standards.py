"""The roster standards besides the hub's own set, as data: OneRoster 1.1 / 1.2 and Microsoft SDS v2.1 CSV.

Read from the shipped roster_standards.toml (wizard.resources): each format's files and headers (in the standard's order), the
headers a file cannot do without, spellings real exports use instead, the files that are not roster data; and
the vocabularies shared by the readers and writers (roles -> hub files, hub grades -> CEDS codes, sex, race,
ethnicity). Reading and writing code asks this module, never hard-codes a column list.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from wizard.resources import resource
from wizard.roster import spec

ONEROSTER_11 = "oneroster-1.1"
ONEROSTER_12 = "oneroster-1.2"
SDS_V1 = "sds-v1"
SDS_V21 = "sds-v2.1"
# the standard sets `prepare --target` (and the GUI export) can write beside the hub files: target -> format;
# kept here, free of pandas, so the Prepare page can offer them before the engine loads
EXPORT_TARGETS = {"oneroster": ONEROSTER_11, "sds": SDS_V21}
# every input format the engine knows: id -> how a person calls it
FORMAT_NAMES = {
    ONEROSTER_11: "OneRoster 1.1",
    ONEROSTER_12: "OneRoster 1.2",
    SDS_V1: "Microsoft SDS v1",
    SDS_V21: "Microsoft SDS v2.1",
    "hub": "the hub's CSV set",
    "sis": "SIS exports (CSV/XLSX)",
}


@dataclass(frozen=True)
class StandardFile:
    key: str  # normalised stem, e.g. "academicsessions"
    name: str  # the standard's file name, e.g. "academicSessions.csv"
    columns: tuple[str, ...]
    needed: tuple[str, ...]
    feeds: str
    aliases: dict[str, tuple[str, ...]]  # standard header -> other spellings (normalised)


@dataclass(frozen=True)
class StandardFormat:
    id: str
    name: str
    family: str  # "oneroster" or "sds"
    version: str
    files: dict[str, StandardFile]
    ignored: tuple[str, ...]  # normalised stems of files that belong to the standard but are not roster data


@cache
def _raw() -> dict[str, Any]:
    return tomllib.loads(resource("roster_standards.toml").read_text(encoding="utf-8"))


@cache
def standard(format_id: str) -> StandardFormat:
    raw = _raw()["formats"][format_id]
    aliases = raw.get("aliases", {})
    files = {
        key: StandardFile(
            key=key,
            name=entry["name"],
            columns=tuple(entry["columns"]),
            needed=tuple(entry.get("needed", ())),
            feeds=entry.get("feeds", ""),
            aliases={
                column: tuple(spec.normalise_token(word) for word in words)
                for column, words in aliases.get(key, {}).items()
            },
        )
        for key, entry in raw["files"].items()
    }
    return StandardFormat(
        id=format_id,
        name=raw["name"],
        family=raw["family"],
        version=raw["version"],
        files=files,
        ignored=tuple(raw.get("ignored", ())),
    )


def role_kinds() -> dict[str, str]:
    """Role (lower case, letters only) -> the hub kind a person with it goes to."""
    return dict(_raw()["roles"])


def ceds_grades() -> dict[str, str]:
    """Hub grade -> the CEDS code both standards write."""
    return dict(_raw()["grades"])


def sex_codes(family: str) -> dict[str, str]:
    """Hub Gender -> the sex this standard writes (values it cannot carry are absent)."""
    return dict(_raw()["sex"][family])


def empty_sex_values() -> tuple[str, ...]:
    """Sex values that mean 'not given' (read as empty)."""
    return tuple(_raw()["sex_empty"]["values"])


def race_codes() -> dict[str, str]:
    """Hub Race -> the OneRoster boolean column / SDS race code."""
    return dict(_raw()["race"])


def ethnicity_codes() -> dict[str, str]:
    """Hub Hispanic_Latino (Y/N) -> the SDS ethnicity code written."""
    return dict(_raw()["ethnicity"])


def ethnicity_spellings() -> dict[str, str]:
    """Normalised SDS ethnicity code -> hub Hispanic_Latino."""
    return {
        spec.normalise_token(word): value
        for value, words in _raw()["ethnicity_read"].items()
        for word in words
    }


def format_name(format_id: str) -> str:
    return FORMAT_NAMES.get(format_id, format_id)
