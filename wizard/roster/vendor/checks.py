"""Checks on a match result: open decisions, grades the vendor lacks, blank required fields, weak passwords.

Issues are summarised (one per problem, with a count and a few examples) so a district of 250,000 students
gets a readable list, not a quarter of a million lines.
"""

from __future__ import annotations

import pandas as pd

from wizard.roster.vendor import outcomes as oc
from wizard.roster.vendor.import_file import importable, translate_grades
from wizard.roster.vendor.normalise import text, without_formulas
from wizard.roster.vendor.passwords import looks_like_birth_date
from wizard.roster.vendor.result import MatchResult

EXAMPLES = 5


def _examples(ids: pd.Series) -> str:
    shown = ", ".join(str(value) for value in ids.head(EXAMPLES))
    return shown + (", …" if len(ids) > EXAMPLES else "")


def check_match(result: MatchResult) -> list[oc.VendorIssue]:
    return [
        *_open_decisions(result),
        *_grades_without_equivalent(result),
        *_blank_required(result),
        *_birth_date_passwords(result),
        *_blank_existing_passwords(result),
        *_mangled_external_ids(result),
        *_formula_names(result),
    ]


def _open_decisions(result: MatchResult) -> list[oc.VendorIssue]:
    waiting = result.students[result.students["needs_decision"]]
    if waiting.empty:
        return []
    return [
        oc.VendorIssue(
            "error",
            "vendor_decision_needed",
            "students.csv",
            None,
            "Student_id",
            _examples(waiting["Student_id"]),
            f"{len(waiting):,} students could be more than one existing account (or the other way round) and "
            "are left out of the import until you decide: fill in the decision column of "
            "vendor_match_report.csv (or pick in the wizard).",
        )
    ]


def _grades_without_equivalent(result: MatchResult) -> list[oc.VendorIssue]:
    if (
        not any(column.vocabulary == "grades" for column in result.profile.columns)
        or "Grade" not in result.sis
    ):
        return []
    sis = result.sis[importable(result)]
    grades = text(sis["Grade"])
    missing = (translate_grades(grades, result.profile) == "") & (grades != "")
    issues = []
    for grade, count in grades[missing].value_counts().items():
        ids = text(sis.loc[missing & (grades == grade), "Student_id"])
        issues.append(
            oc.VendorIssue(
                "warning",
                "vendor_grade_unknown",
                "students.csv",
                None,
                "Grade",
                str(grade),
                f"{result.profile.title} has no grade {grade!r}: {count:,} students get an empty grade "
                f"({_examples(ids)}). Set their grade in the vendor's panel after the import.",
            )
        )
    return issues


def _blank_required(result: MatchResult) -> list[oc.VendorIssue]:
    sis = result.sis[importable(result)]
    issues = []
    for column in result.profile.columns:
        table, _, hub_column = column.source.partition(".")
        if not column.required or table != "students":
            continue
        values = text(sis[hub_column]) if hub_column in sis else pd.Series("", index=sis.index)
        blank = values == ""
        if blank.any():
            issues.append(
                oc.VendorIssue(
                    "warning",
                    "vendor_required_blank",
                    "students.csv",
                    None,
                    hub_column,
                    "",
                    f"{int(blank.sum()):,} students have no {hub_column}, which {result.profile.title} needs "
                    f"in {column.header} ({_examples(text(sis.loc[blank, 'Student_id']))}); the vendor may "
                    "reject those rows.",
                )
            )
    return issues


def _birth_date_passwords(result: MatchResult) -> list[oc.VendorIssue]:
    issues = []
    rule = result.profile.password
    dob = text(result.sis["DOB"]) if "DOB" in result.sis else pd.Series("", index=result.sis.index)
    if rule.policy == "column" and rule.column and rule.column in result.sis:
        dated = looks_like_birth_date(result.sis[rule.column], dob)
        if dated.any():
            issues.append(
                oc.VendorIssue(
                    "warning",
                    "password_looks_like_birth_date",
                    "students.csv",
                    None,
                    rule.column,
                    "",
                    f"{int(dated.sum()):,} passwords in {rule.column} look like birth dates "
                    f"({_examples(text(result.sis.loc[dated, 'Student_id']))}). A birth date is no secret: "
                    "new accounts get generated passwords instead.",
                )
            )
    if rule.existing == "from_roster" and not result.accounts.empty and not result.sis.empty:
        accounts = result.accounts
        linked = accounts["student"] >= 0
        student_dob = pd.Series(dob.to_numpy()[accounts["student"].clip(lower=0)], index=accounts.index)
        dated = looks_like_birth_date(accounts["password"], student_dob.where(linked, "")) & linked
        if dated.any():
            issues.append(
                oc.VendorIssue(
                    "warning",
                    "password_looks_like_birth_date",
                    result.roster_name,
                    None,
                    result.profile.roster_header("password") or "Password",
                    "",
                    f"{int(dated.sum()):,} existing accounts have a password that looks like a birth date "
                    f"({_examples(accounts.loc[dated, 'username'])}). They are kept so those students can "
                    f"still sign in; reset them in {result.profile.title}.",
                )
            )
    return issues


def _blank_existing_passwords(result: MatchResult) -> list[oc.VendorIssue]:
    """A required password column that stays empty for kept accounts (the export had no passwords)."""
    required = any(c.source == "password" and c.required for c in result.profile.columns)
    accounts = result.accounts
    blank = (accounts["student"] >= 0) & (text(accounts["password"]) == "")
    if not required or not blank.any():
        return []
    return [
        oc.VendorIssue(
            "warning",
            "vendor_password_blank",
            result.roster_name,
            None,
            result.profile.roster_header("password") or "Password",
            "",
            f"{int(blank.sum()):,} existing accounts get an empty password in the import "
            f"({_examples(accounts.loc[blank, 'username'])}): the roster export does not show their "
            f"passwords. Ask {result.profile.title} whether an empty password keeps the current one; "
            "students signing in through the hub do not need it.",
        )
    ]


def _mangled_external_ids(result: MatchResult) -> list[oc.VendorIssue]:
    """ExternalIDs a spreadsheet rewrote ("1.23E+05", "12345.0"): they no longer name a SIS id."""
    ids = text(result.accounts["external_id"])
    mangled = ids.str.fullmatch(r"\d+(\.\d+)?[eE][+-]?\d+|\d+\.0+")
    if not mangled.any():
        return []
    return [
        oc.VendorIssue(
            "warning",
            "vendor_external_id_mangled",
            result.roster_name,
            None,
            result.profile.roster_header("external_id") or "ExternalID",
            _examples(ids[mangled]),
            f"{int(mangled.sum()):,} ExternalIDs look rewritten by a spreadsheet "
            f"({_examples(result.accounts.loc[mangled, 'username'])}), so they cannot be matched by id. Export "
            f"the roster from {result.profile.title} again and give the file without opening it in a spreadsheet.",
        )
    ]


def _formula_names(result: MatchResult) -> list[oc.VendorIssue]:
    """Names that start like a spreadsheet formula (`=HYPERLINK(…)`): never made into an initial or a username."""
    sis = result.sis[importable(result)]
    issues = []
    for column in ("First_name", "Middle_name", "Last_name"):
        if column not in sis:
            continue
        values = text(sis[column])
        flagged = (values != "") & (without_formulas(sis[column]) == "")
        if flagged.any():
            issues.append(
                oc.VendorIssue(
                    "warning",
                    "vendor_name_looks_like_formula",
                    "students.csv",
                    None,
                    column,
                    _examples(values[flagged]),
                    f"{int(flagged.sum()):,} students have a {column} that starts like a spreadsheet formula "
                    f"({_examples(text(sis.loc[flagged, 'Student_id']))}). It is not used for the middle "
                    "initial or a new username; correct it in the SIS.",
                )
            )
    return issues
