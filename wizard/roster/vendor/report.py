"""The match report: every SIS student and every existing roster account, with its outcome in plain words.

A linked account and its student share one row. The `decision` column is for the admin: on a student row
write the username to keep (or "new"); on an account row write the SIS id of its student. The filled-in
report is read back by `read_decisions`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wizard.roster.readers import UnreadableFile, read_table
from wizard.roster.vendor import outcomes as oc
from wizard.roster.vendor.import_file import importable, kept_accounts
from wizard.roster.vendor.keys import school_names
from wizard.roster.vendor.normalise import text, unneutralise
from wizard.roster.vendor.result import MatchResult

REPORT_COLUMNS = [
    "record",
    "outcome",
    "needs_decision",
    "Student_id",
    "First_name",
    "Last_name",
    "Grade",
    "School",
    "roster_row",
    "roster_username",
    "roster_ExternalID",
    "import_username",
    "candidates",
    "note",
    "decision",
]

LEFT_OUT_NOTE = "Left out of the import until this student's errors (see validation_report.csv) are fixed."
DROPPED_NOTES = {
    oc.Outcome.NO_SIS_ID: "This student has no SIS id, so no account can be linked to them: left out of the import.",
    oc.Outcome.SIS_ID_NOT_UNIQUE: "This student's SIS id repeats an earlier row's: left out of the import.",
}
KEPT_NOTE = " It is copied into the import file unchanged, so the vendor does not remove it."


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return text(frame[name]) if name in frame.columns else pd.Series("", index=frame.index, dtype="string")


def build_report(result: MatchResult) -> pd.DataFrame:
    """One row per SIS student (with its linked account, if any), then one per account left unlinked."""
    sis, students, accounts = result.sis, result.students, result.accounts
    school = school_names(sis, result.schools)
    school = school.where(school != "", _column(sis, "School_id"))
    linked = students["account"].to_numpy() >= 0
    account_of = accounts.reindex(students["account"].where(linked, -1).to_numpy())
    with_account = pd.Series(linked, index=students.index)
    # Accounts waiting for a decision keep their own row; a student's import name is known only when decided.
    importing = importable(result)
    left_out = students["left_out"]
    student_rows = pd.DataFrame(
        {
            "record": pd.Series("SIS student", index=students.index).where(
                ~with_account, "roster account + SIS student"
            ),
            "outcome": result.report_outcomes(),
            "needs_decision": students["needs_decision"].map({True: "yes", False: ""}),
            "Student_id": students["Student_id"],
            "First_name": _column(sis, "First_name"),
            "Last_name": _column(sis, "Last_name"),
            "Grade": _column(sis, "Grade"),
            "School": school,
            "roster_row": _text_or_blank(
                account_of["roster_row"].fillna(0).to_numpy(dtype="int64"), linked, students.index
            ),
            "roster_username": _text_or_blank(account_of["username"].to_numpy(), linked, students.index),
            "roster_ExternalID": _text_or_blank(account_of["external_id"].to_numpy(), linked, students.index),
            "import_username": text(students["username"]).where(importing, ""),
            "candidates": students["candidates"],
            "note": students["note"].where(
                ~left_out, LEFT_OUT_NOTE + " Once they are, the match is: " + students["note"]
            ),
            "decision": "",
        }
    )
    unlinked = accounts[accounts["student"] < 0]
    kept = kept_accounts(result)[unlinked.index]
    account_rows = pd.DataFrame(
        {
            "record": "roster account",
            "outcome": unlinked["outcome"],
            "needs_decision": unlinked["needs_decision"].map({True: "yes", False: ""}),
            "Student_id": "",
            "First_name": unlinked["first_name"],
            "Last_name": unlinked["last_name"],
            "Grade": "",
            "School": "",
            "roster_row": unlinked["roster_row"].astype(str),
            "roster_username": unlinked["username"],
            "roster_ExternalID": unlinked["external_id"],
            "import_username": text(unlinked["username"]).where(kept, ""),
            "candidates": unlinked["candidates"],
            "note": unlinked["note"].where(~kept, unlinked["note"] + KEPT_NOTE),
            "decision": "",
        }
    )
    parts = (
        [student_rows, _dropped_rows(result), account_rows]
        if len(result.dropped)
        else [student_rows, account_rows]
    )
    report = pd.concat(parts, ignore_index=True)
    return report[REPORT_COLUMNS].astype("string").fillna("")


def _dropped_rows(result: MatchResult) -> pd.DataFrame:
    """The students of the input that cannot be matched (no SIS id, or a repeated one): listed, not imported."""
    dropped = result.dropped
    return pd.DataFrame(
        {
            "record": "SIS student",
            "outcome": dropped["outcome"].to_numpy(),
            "needs_decision": "",
            "Student_id": dropped["Student_id"].to_numpy(),
            "First_name": dropped["First_name"].to_numpy(),
            "Last_name": dropped["Last_name"].to_numpy(),
            "Grade": dropped["Grade"].to_numpy(),
            "School": dropped["School_id"].to_numpy(),
            "roster_row": "",
            "roster_username": "",
            "roster_ExternalID": "",
            "import_username": "",
            "candidates": "",
            "note": dropped["outcome"].map(DROPPED_NOTES).to_numpy(),
            "decision": "",
        }
    )


def _text_or_blank(values: object, keep: object, index: pd.Index) -> pd.Series:
    series = pd.Series(values, index=index).astype("string").fillna("")
    return series.where(pd.Series(keep, index=index), "")


def read_decisions(path: Path) -> dict[str, str]:
    """Decisions from a filled-in match report (CSV or XLSX), or any table with `Student_id` and `decision`.

    Student rows: decision = the roster username to keep, or "new". Account rows (no Student_id): decision =
    the SIS id of the student the account belongs to.
    """
    try:
        frame = read_table(path).frame  # also after a spreadsheet re-saved it (other encodings, XLSX)
    except UnreadableFile as error:
        raise oc.DecisionError(f"The decisions file cannot be used: {error.message}", error.hint) from error
    if not {"Student_id", "decision"} <= set(frame.columns):
        raise oc.DecisionError(
            f"The decisions file {path.name} needs the columns Student_id and decision.",
            "Fill in the decision column of vendor_match_report.csv and give that file.",
        )
    sid = unneutralise(frame["Student_id"]).str.strip()
    decision = unneutralise(frame["decision"]).str.strip()
    account = (
        unneutralise(frame["roster_username"]).str.strip()
        if "roster_username" in frame
        else pd.Series("", index=frame.index, dtype="string")
    )
    decisions: dict[str, str] = {}
    for row in frame.index[decision != ""]:
        if sid[row]:
            key, value = str(sid[row]), str(decision[row])
        elif account[row]:
            key, value = str(decision[row]), str(account[row])
        else:
            continue
        if decisions.get(key, value) != value:
            raise oc.DecisionError(
                f"The decisions file gives SIS id {key} two different accounts ({decisions[key]} and {value}).",
                "Keep one decision per student.",
            )
        decisions[key] = value
    return decisions
