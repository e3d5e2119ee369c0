"""Users -> students, teachers and staff: roles, the school each person is listed under, and demographics
(see wizard/roster/oneroster.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from wizard.roster import standards
from wizard.roster.arrowtext import arrow, empty_text, isin, lookup
from wizard.roster.oneroster_set import KIND_COLUMNS, PERSON_COLUMNS, StandardSet, first_of_list, take
from wizard.roster.staging import Staged, build_staged


def _role_kind(roles: pd.Series) -> pd.Series:
    """The hub kind of each role ("" for roles the hub set has no place for)."""
    tokens = roles.str.lower().str.replace(r"[^0-9a-z]", "", regex=True)
    table = standards.role_kinds()
    return lookup(
        tokens,
        pd.Series(list(table), dtype="str"),
        pd.Series(list(table.values()), dtype="str"),
    )


def report_other_roles(bundle: StandardSet, key: str, roles: pd.Series, kinds: pd.Series) -> None:
    """One line per role with no place in the hub set (parents, guardians, ...): how many were left out."""
    other = (kinds == "") & (roles != "")
    if not other.any():
        return
    noun = "enrollment" if key == "enrollments" else "role"
    for role, count in roles[other].value_counts().items():
        where = "sections" if key == "enrollments" else "students, teachers or staff"
        bundle.log.add(
            "not_hub_records",
            bundle.name(key),
            f"{count:,} {noun}(s) in {bundle.name(key)} have the role {role!r}, which has no place among the "
            f"hub's {where}; they were left out.",
            column=bundle.header(key, "role"),
            value=str(role),
        )


@dataclass
class Memberships:
    """Who is what where: one row per (user, kind), the chosen org and grade, and the row it came from."""

    user: pd.Series
    kind: pd.Series
    role: pd.Series
    org: pd.Series
    grade: pd.Series
    file: str
    row: np.ndarray


def _memberships_from_users(bundle: StandardSet, school_ids: pd.Series) -> Memberships:
    """OneRoster 1.1: each user's one role; the first of its orgs that is a school (or its first org)."""
    active = bundle.active("users")
    roles = bundle.column("users", "role").str.lower()[active]
    kinds = _role_kind(roles)
    report_other_roles(bundle, "users", roles, kinds)
    orgs = bundle.column("users", "orgSourcedIds")[active]
    home = _home_school(orgs, school_ids)
    only_schools = _home_school(orgs, school_ids, fallback_to_first=False)
    home = home.where(kinds != "staff", only_schools)
    keep = (kinds != "").to_numpy()
    frame = bundle.raws["users"].frame
    return Memberships(
        user=bundle.column("users", "sourcedId")[active][keep],
        kind=kinds[keep],
        role=roles[keep],
        org=home[keep],
        grade=empty_text(int(keep.sum())),
        file=bundle.name("users"),
        row=frame.index[active][keep].to_numpy(),
    )


def _memberships_from_roles(bundle: StandardSet, school_ids: pd.Series) -> Memberships:
    """OneRoster 1.2 / SDS v2.1: roles.csv. Per user and hub kind the best role: one at a school before one
    elsewhere, then the primary role (roleType primary / isPrimary true), then the user's primaryOrgSourcedId,
    then file order. A student or teacher with roles at several schools is told which school was kept."""
    active = bundle.active("roles")
    frame = bundle.raws["roles"].frame
    roles = bundle.column("roles", "role")[active]
    kinds = _role_kind(roles)
    report_other_roles(bundle, "roles", roles, kinds)
    users = bundle.column("roles", "userSourcedId")[active]
    orgs = bundle.column("roles", "orgSourcedId")[active]
    primary = (
        (bundle.column("roles", "roleType").str.lower() == "primary")
        | (bundle.column("roles", "isPrimary").str.lower().isin(("true", "1", "yes", "y")))
    )[active]
    primary_org = lookup(
        users, bundle.column("users", "sourcedId"), bundle.column("users", "primaryOrgSourcedId")
    )
    table = pd.DataFrame(
        {
            "user": users.to_numpy(),
            "kind": kinds.to_numpy(),
            "role": roles.to_numpy(),
            "org": orgs.to_numpy(),
            "grade": bundle.column("roles", "grade")[active].to_numpy(),
            "row": frame.index[active].to_numpy(),
            "not_school": ~isin(orgs, school_ids),
            "not_primary": ~primary.to_numpy(dtype=bool),
            "not_primary_org": (orgs != primary_org).to_numpy(),
        }
    )
    table = table[(table["kind"] != "") & (table["user"] != "")]
    table = table.sort_values(["not_school", "not_primary", "not_primary_org", "row"], kind="stable")
    chosen = table.drop_duplicates(["user", "kind"], keep="first")
    _report_several_schools(bundle, table, chosen)
    chosen = chosen.sort_values("row", kind="stable")
    org = chosen["org"].where(~(chosen["not_school"] & (chosen["kind"] == "staff")), "")
    return Memberships(
        user=pd.Series(chosen["user"].to_numpy(), dtype="str"),
        kind=pd.Series(chosen["kind"].to_numpy(), dtype="str"),
        role=pd.Series(chosen["role"].to_numpy(), dtype="str"),
        org=pd.Series(org.to_numpy(), dtype="str"),
        grade=pd.Series(chosen["grade"].to_numpy(), dtype="str"),
        file=bundle.name("roles"),
        row=chosen["row"].to_numpy(),
    )


def _report_several_schools(bundle: StandardSet, table: pd.DataFrame, chosen: pd.DataFrame) -> None:
    at_schools = table[~table["not_school"] & table["kind"].isin(("students", "teachers"))]
    schools = at_schools.drop_duplicates(["user", "kind", "org"])
    counts = schools.groupby(["user", "kind"], sort=False)["org"].transform("size")
    extra = schools[(counts > 1).to_numpy()]
    kept = chosen.set_index(["user", "kind"])["org"]
    keys = pd.MultiIndex.from_frame(extra[["user", "kind"]])
    kept_org = pd.Series(kept.reindex(keys).to_numpy(), dtype="str")
    extra = extra[(extra["org"].to_numpy() != kept_org.to_numpy())]
    if extra.empty:
        return
    kept_org = pd.Series(
        kept.reindex(pd.MultiIndex.from_frame(extra[["user", "kind"]])).to_numpy(), dtype="str"
    )
    noun = pd.Series(np.where(extra["kind"] == "students", "student", "teacher"), dtype="str")
    user = pd.Series(extra["user"].to_numpy(), dtype="str")
    org = pd.Series(extra["org"].to_numpy(), dtype="str")
    bundle.log.add_bulk(
        "several_schools",
        file=bundle.name("roles"),
        rows=extra["row"].to_numpy(),
        column=bundle.header("roles", "orgSourcedId"),
        values=org,
        messages=(noun + " " + user + " also has a role at school " + org + "; the hub lists a " + noun)
        .add(" under one school, so it is listed under " + kept_org + " (its primary school)")
        .add(
            pd.Series(np.where(noun == "teacher", ", and may still teach sections there.", "."), dtype="str")
        ),
    )


def _home_school(org_lists: pd.Series, school_ids: pd.Series, *, fallback_to_first: bool = True) -> pd.Series:
    """The first org of each user that is a school; else the first org, so the reference gets reported
    (or "" for district staff, whose School_id is optional)."""
    exploded = org_lists.str.split(",").explode().fillna("").str.strip()
    schools = exploded[isin(exploded, school_ids)]
    first_school = schools[~schools.index.duplicated(keep="first")]
    fallback = first_of_list(org_lists) if fallback_to_first else ""
    return first_school.reindex(org_lists.index).fillna(fallback).astype("str")


def stage_people(bundle: StandardSet, school_ids: pd.Series) -> dict[str, Staged]:
    from_roles = bundle.family == "sds" or bundle.format.id == standards.ONEROSTER_12
    if from_roles and not bundle.has("roles") and bundle.has_column("users", "role"):
        bundle.log.add(
            "nonconformant_input",
            bundle.name("users"),
            f"The set has no roles.csv, but {bundle.name('users')} has a role column as in OneRoster 1.1; "
            "each user's role and school were read from it.",
        )
        from_roles = False
    if from_roles and not bundle.has("roles"):
        bundle.log.add(
            "missing_file",
            "roles.csv",
            f"{bundle.format.name} gives each user's role and school in roles.csv, and the set has none, so no "
            "student, teacher or staff member can be placed. Export the set again with roles.csv.",
        )
        return {}
    memberships = (
        _memberships_from_roles(bundle, school_ids)
        if from_roles
        else _memberships_from_users(bundle, school_ids)
    )
    active = bundle.active("users") if from_roles else np.ones(len(bundle.raws["users"].frame), dtype=bool)
    user_ids = bundle.column("users", "sourcedId")
    if from_roles:
        _report_roles_without_users(bundle, memberships, user_ids, active)
        _report_users_without_roles(bundle, memberships, user_ids, active)
    frame = bundle.raws["users"].frame
    active_positions = np.flatnonzero(active)
    active_ids = user_ids[active]
    people: dict[str, Staged] = {}
    for kind, (id_column, extra) in KIND_COLUMNS.items():
        mine = (memberships.kind == kind).to_numpy()
        if kind == "staff" and not mine.any():
            continue
        found = pc.index_in(arrow(memberships.user[mine]), value_set=arrow(active_ids).combine_chunks())
        index = np.asarray(found.to_numpy(zero_copy_only=False))
        located = ~pd.isna(index)
        positions = active_positions[index[located].astype(np.int64)]
        order = np.argsort(positions, kind="stable")
        positions = positions[order]

        chosen = np.flatnonzero(located)[order]  # membership rows, in the order of `positions`

        def picked(values: pd.Series, chosen: np.ndarray = chosen) -> pd.Series:
            return take(values, chosen)

        columns: dict[str, pd.Series] = {
            "School_id": picked(memberships.org[mine]),
            id_column: take(user_ids, positions),
        }
        mapping = {
            "School_id": "role's orgSourcedId" if from_roles else bundle.header("users", "orgSourcedIds"),
            id_column: bundle.header("users", "sourcedId"),
        }
        for header, target in (PERSON_COLUMNS | extra).items():
            columns[target] = take(bundle.column("users", header), positions)
            mapping[target] = bundle.header("users", header)
        if kind == "students":
            grades = take(first_of_list(bundle.column("users", "grades")), positions)
            role_grade = picked(memberships.grade[mine])
            columns["Grade"] = grades.where(grades != "", role_grade)
            mapping["Grade"] = (
                bundle.header("users", "grades") if bundle.has_column("users", "grades") else "grade"
            )
        if kind == "staff":
            columns["Role"] = picked(memberships.role[mine])
            mapping["Role"] = "role"
        table = build_staged(
            kind,
            columns,
            file=bundle.name("users"),
            rows=frame.index[positions].to_numpy(),
            source_columns=mapping,
        )
        if kind == "students" and bundle.has("demographics"):
            _add_demographics(table, bundle)
        people[kind] = table
    return people


def _report_roles_without_users(
    bundle: StandardSet, memberships: Memberships, user_ids: pd.Series, active: np.ndarray
) -> None:
    unknown = ~isin(memberships.user, user_ids)
    if not unknown.any():
        return
    users = memberships.user[unknown]
    bundle.log.add_bulk(
        "unknown_reference",
        file=memberships.file,
        rows=memberships.row[unknown],
        column=bundle.header("roles", "userSourcedId"),
        values=users,
        messages=("userSourcedId '" + users).add(
            f"' names no user in {bundle.name('users')}; the role is left out. Add the user or correct the id."
        ),
    )


def _report_users_without_roles(
    bundle: StandardSet, memberships: Memberships, user_ids: pd.Series, active: np.ndarray
) -> None:
    roles = bundle.column("roles", "userSourcedId")
    without = active & ~isin(user_ids, roles)
    if not without.any():
        return
    ids = user_ids[without]
    bundle.log.add_bulk(
        "user_without_role",
        file=bundle.name("users"),
        rows=bundle.raws["users"].frame.index[without].to_numpy(),
        column=bundle.header("users", "sourcedId"),
        values=ids,
        messages=("user " + ids).add(
            f" has no role in {bundle.name('roles')}, so it is not a student, teacher or staff member in the hub "
            "set. Add its role if it should be."
        ),
    )


_DEMOGRAPHIC_HEADERS = {
    "oneroster": {
        "DOB": "birthDate",
        "Gender": "sex",
        "Race": "race columns",
        "Hispanic_Latino": "hispanicOrLatinoEthnicity",
    },
    "sds": {"DOB": "birthDate", "Gender": "sex", "Race": "raceCodes", "Hispanic_Latino": "ethnicityCodes"},
}


def _demographics(bundle: StandardSet) -> tuple[pd.Series, pd.DataFrame, np.ndarray]:
    """(student ids, DOB / Gender / Race / Hispanic_Latino) from demographics.csv, in either family's shape."""
    keep = bundle.active("demographics")
    key = bundle.names("demographics_id")
    ids = bundle.column("demographics", key)[keep]
    race_columns = standards.race_codes()
    two_or_more = race_columns["Two or More Races"]
    single = {race: code for race, code in race_columns.items() if code != two_or_more}
    if bundle.family == "sds":
        codes = bundle.column("demographics", "raceCodes")[keep].str.lower().str.replace(" ", "")
        listed = "," + codes + ","
        flags = {
            race: listed.str.contains("," + code.lower() + ",", regex=False) for race, code in single.items()
        }
        many = listed.str.contains("," + two_or_more.lower() + ",", regex=False)
        ethnicity = bundle.column("demographics", "ethnicityCodes")[keep].str.lower()
        first = first_of_list(ethnicity).str.replace(r"[^0-9a-z]", "", regex=True)
        spellings = standards.ethnicity_spellings()
        hispanic = lookup(
            first, pd.Series(list(spellings), dtype="str"), pd.Series(list(spellings.values()), dtype="str")
        )
        sex = bundle.column("demographics", "sex")[keep]
        empty_sex = (
            sex.str.lower().str.replace(r"[^0-9a-z]", "", regex=True).isin(standards.empty_sex_values())
        )
        sex = sex.where(~empty_sex, "")
    else:
        flags = {
            race: bundle.column("demographics", code)[keep].str.lower() == "true"
            for race, code in single.items()
        }
        many = bundle.column("demographics", two_or_more)[keep].str.lower() == "true"
        answer = bundle.column("demographics", "hispanicOrLatinoEthnicity")[keep].str.lower()
        hispanic = answer.map({"true": "Y", "false": "N"}).fillna("").astype("str")
        sex = bundle.column("demographics", "sex")[keep]
    count = sum((flag.astype(int) for flag in flags.values()), pd.Series(0, index=ids.index))
    race = empty_text(len(ids), ids.index)
    for written, flag in flags.items():
        race = race.where(~(flag & (count == 1)), written)
    race = race.where(~((count > 1) | many), "Two or More Races")
    derived = pd.DataFrame(
        {
            "DOB": bundle.column("demographics", "birthDate")[keep].to_numpy(),
            "Gender": sex.to_numpy(),
            "Race": race.to_numpy(),
            "Hispanic_Latino": hispanic.to_numpy(),
        },
        dtype="str",
    )
    rows = bundle.raws["demographics"].frame.index[keep].to_numpy()
    return pd.Series(ids.to_numpy(), dtype="str"), derived, rows


def _add_demographics(students: Staged, bundle: StandardSet) -> None:
    """Birth date, sex, race and ethnicity, joined on the student's sourcedId."""
    derived_ids, derived, rows = _demographics(bundle)
    student_ids = students.frame["Student_id"]
    # a problem in a joined value names demographics.csv and its row (the student's own row if it has none)
    found = pc.index_in(arrow(student_ids), value_set=arrow(derived_ids).combine_chunks())
    position = np.asarray(found.to_numpy(zero_copy_only=False), dtype="float64")
    joined = ~np.isnan(position)
    own_rows = students.row.fillna(0).to_numpy(dtype=np.int64)
    joined_rows = rows[np.where(joined, position, 0).astype(np.int64)] if len(rows) else own_rows
    files = students.file.where(~joined, bundle.name("demographics"))
    origin_rows = pd.Series(pd.array(np.where(joined, joined_rows, own_rows), dtype="Int64"))
    for column in derived.columns:
        students.frame[column] = lookup(student_ids, derived_ids, derived[column])
        students.present.add(column)
        students.source_columns[column] = bundle.header(
            "demographics", _DEMOGRAPHIC_HEADERS[bundle.family][column]
        )
        students.cell_origins[column] = (files, origin_rows)
