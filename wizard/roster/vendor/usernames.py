"""Usernames for students who have no vendor account yet.

Built from the profile's pattern (e.g. first initial + last name), lower-case ASCII, then digits when the
plain name is taken. A generated name never equals (ignoring case) an existing roster username nor another
generated one. Done in two passes: a vectorised pass that numbers repeats of the same name, then a small
loop over the few names that still collide.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from wizard.roster.vendor.normalise import ascii_letters, text, without_formulas
from wizard.roster.vendor.profiles import UsernameRule

_TOKEN = re.compile(r"{(\w+)}")


def generate_usernames(students: pd.DataFrame, rule: UsernameRule, taken: Iterable[str]) -> pd.Series:
    """One new username per row of `students` (hub columns), aligned on its index.

    `taken` are the usernames already in the vendor's roster; they are compared ignoring case.
    """
    if students.empty:
        return pd.Series([], index=students.index, dtype="string")
    taken_folded = set(text(pd.Series(list(taken), dtype="string")).str.casefold()) - {""}
    base = _base_names(students, rule)
    order = text(students["Student_id"]).sort_values(kind="stable").index
    base = base.loc[order]
    repeat = base.groupby(base, sort=False).cumcount()
    candidate = _with_suffix(base, repeat, rule)
    # Object arrays: pandas' hash-table isin is far faster than the Arrow string path for big sets.
    clash = candidate.astype(object).isin(list(taken_folded)) | candidate.duplicated(keep="first")
    if clash.any():
        candidate = _resolve_clashes(candidate, base, clash, rule, taken_folded)
    return candidate.reindex(students.index)


def _parts(students: pd.DataFrame) -> dict[str, pd.Series]:
    # A value that looks like a spreadsheet formula is never part of a username (the checks report it).
    first = ascii_letters(without_formulas(students["First_name"]))
    last = ascii_letters(without_formulas(students["Last_name"]))
    middle = (
        ascii_letters(without_formulas(students["Middle_name"]))
        if "Middle_name" in students
        else first.str.slice(0, 0)
    )
    sis_id = text(students["Student_id"]).str.lower().str.replace(r"[^a-z0-9]+", "", regex=True)
    return {
        "first": first,
        "first_initial": first.str.slice(0, 1),
        "last": last,
        "last_initial": last.str.slice(0, 1),
        "middle_initial": middle.str.slice(0, 1),
        "sis_id": sis_id,
    }


def _render(pattern: str, parts: dict[str, pd.Series], index: pd.Index) -> tuple[pd.Series, pd.Series]:
    """The pattern filled in, and whether every field it needs (the middle initial is optional) was there."""
    result = pd.Series("", index=index, dtype="string")
    complete = pd.Series(True, index=index)
    position = 0
    for match in _TOKEN.finditer(pattern):
        result = result + pattern[position : match.start()].lower()
        value = parts[match.group(1)]
        result = result + value
        if match.group(1) != "middle_initial":
            complete &= value != ""
        position = match.end()
    return result + pattern[position:].lower(), complete


def _base_names(students: pd.DataFrame, rule: UsernameRule) -> pd.Series:
    parts = _parts(students)
    wanted, complete = _render(rule.pattern, parts, students.index)
    fallback, _ = _render(rule.fallback, parts, students.index)
    base = wanted.where(complete, fallback)
    return base.str.slice(0, rule.max_length)


def _with_suffix(base: pd.Series, repeat: pd.Series, rule: UsernameRule) -> pd.Series:
    suffix = (repeat + rule.first_suffix - 1).astype("string").where(repeat > 0, "")
    room = rule.max_length - suffix.str.len()
    result = base.copy()
    for length in room.unique():
        rows = room == length
        result[rows] = base[rows].str.slice(0, int(length)) + suffix[rows]
    return result


def _resolve_clashes(
    candidate: pd.Series, base: pd.Series, clash: pd.Series, rule: UsernameRule, taken: set[str]
) -> pd.Series:
    """The residue: renumber every name group that hit a taken name, in order, skipping taken names."""
    regroup = base.astype(object).isin(base[clash].unique().tolist())
    used = taken | set(candidate[~regroup])
    next_number: dict[str, int] = {}
    resolved = candidate.copy()
    for row in candidate.index[regroup]:
        stem = str(base[row])
        number = next_number.get(stem, rule.first_suffix - 1)
        name = stem
        while name in used:
            number += 1
            suffix = str(number)
            name = stem[: rule.max_length - len(suffix)] + suffix
        next_number[stem] = number
        used.add(name)
        resolved[row] = name
    return resolved
