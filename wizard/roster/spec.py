"""The hub's CSV set, read from the shipped hub_spec.toml (wizard.resources); the rest of the engine asks this module, never hard-codes."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from wizard.resources import resource

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class KindSpec:
    """One hub file: its name, headers in order, and which columns are ids, required, references and so on."""

    kind: str
    noun: str
    file: str
    columns: tuple[str, ...]
    id_column: str | None
    required: tuple[str, ...]
    recommended: tuple[str, ...]
    references: dict[str, str]
    derivable: dict[str, str]  # column -> reference column whose record carries it
    grades: tuple[str, ...]
    dates: tuple[str, ...]
    emails: tuple[str, ...]
    unique_emails: tuple[str, ...]
    vocab: dict[str, str]
    optional: bool


@dataclass(frozen=True)
class Vocabulary:
    """Accepted spellings (normalised) -> the value written, and how bad a value outside it is."""

    name: str
    severity: Severity
    lookup: dict[str, str] = field(default_factory=dict)


def normalise_token(text: str) -> str:
    """The comparison form of a header, file name or vocabulary value: lower-case letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


@cache
def _raw_spec() -> dict[str, Any]:
    return tomllib.loads(resource("hub_spec.toml").read_text(encoding="utf-8"))


@cache
def kind_spec(kind: str) -> KindSpec:
    if kind not in HUB_KINDS:
        raise KeyError(f"not a hub file kind: {kind!r}")
    raw = _raw_spec()[kind]
    return KindSpec(
        kind=kind,
        noun=raw.get("noun", kind),
        file=raw["file"],
        columns=tuple(raw["columns"]),
        id_column=raw.get("id"),
        required=tuple(raw.get("required", ())),
        recommended=tuple(raw.get("recommended", ())),
        references=dict(raw.get("references", {})),
        derivable=dict(raw.get("derivable", {})),
        grades=tuple(raw.get("grades", ())),
        dates=tuple(raw.get("dates", ())),
        emails=tuple(raw.get("emails", ())),
        unique_emails=tuple(raw.get("unique_emails", ())),
        vocab=dict(raw.get("vocab", {})),
        optional=bool(raw.get("optional", False)),
    )


HUB_KINDS: tuple[str, ...] = tuple(_raw_spec()["kinds"])
REQUIRED_KINDS: tuple[str, ...] = tuple(kind for kind in HUB_KINDS if not _raw_spec()[kind].get("optional"))


def hub_columns(kind: str) -> list[str]:
    """The exact hub headers of `kind`, in the hub's order."""
    return list(kind_spec(kind).columns)


def hub_file_name(kind: str) -> str:
    return kind_spec(kind).file


@cache
def grade_lookup() -> dict[str, str]:
    """Every accepted grade spelling (normalised) -> the hub's grade value."""
    lookup: dict[str, str] = {}
    for written, spellings in _raw_spec()["grades"].items():
        lookup[normalise_token(written)] = written
        for spelling in spellings:
            lookup[normalise_token(spelling)] = written
    return lookup


UNORDERED_GRADES = frozenset({"Ungraded", "Other"})


@cache
def grade_rank() -> dict[str, int]:
    """The hub's grades in school order (the spec lists them so, InfantToddler first); Ungraded and Other have
    no place in it."""
    return {grade: rank for rank, grade in enumerate(_raw_spec()["grades"]) if grade not in UNORDERED_GRADES}


@cache
def vocabulary(name: str) -> Vocabulary:
    raw = _raw_spec()["vocab"][name]
    lookup: dict[str, str] = {}
    for written, spellings in raw["values"].items():
        lookup[normalise_token(written)] = written
        for spelling in spellings:
            lookup[normalise_token(spelling)] = written
    return Vocabulary(name=name, severity=raw["severity"], lookup=lookup)


@cache
def _raw_synonyms() -> dict[str, Any]:
    return tomllib.loads(resource("roster_synonyms.toml").read_text(encoding="utf-8"))


@cache
def file_keywords() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(kind, file-name keywords) in the order they are tried."""
    raw = _raw_synonyms()["file_keywords"]
    return tuple((kind, tuple(normalise_token(word) for word in words)) for kind, words in raw.items())


@cache
def field_synonyms(kind: str) -> dict[str, tuple[str, ...]]:
    """Hub field of `kind` -> normalised header synonyms, best first; every field matches its own name first."""
    raw = _raw_synonyms()
    common = raw["common"]
    specific = raw.get(kind, {})
    result: dict[str, tuple[str, ...]] = {}
    for column in kind_spec(kind).columns:
        words = [normalise_token(column), *specific.get(column, ()), *common.get(column, ())]
        result[column] = tuple(dict.fromkeys(normalise_token(word) for word in words))
    return result
