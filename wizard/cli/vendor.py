"""The vendor part of `python main.py prepare`: --vendor-profile, --vendor-roster, --vendor-decisions, --target.

    prepare exports/ --out out --vendor-profile symphony-math --vendor-roster symphony_export.csv
    prepare --students students.csv --out out --target vendor --vendor-profile symphony-math

Exit codes follow prepare: 0 all written; 1 problems (see the reports) and vendor_import.csv written only
with --allow-errors, without the students concerned; 2 the command or a file cannot be used.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Literal, TextIO

import pandas as pd

from wizard.cli.progress import StderrProgress
from wizard.errors import UsageError, UserFacingError
from wizard.roster.issues import issues_to_frame, sort_issues
from wizard.roster.pipeline import REPORT_NAME, PrepareResult, write_report
from wizard.roster.vendor.files import read_vendor_roster, write_vendor_outputs
from wizard.roster.vendor.matching import match_roster
from wizard.roster.vendor.outcomes import RosterFileError
from wizard.roster.vendor.profiles import VendorProfile, list_profiles, load_profile
from wizard.roster.vendor.report import read_decisions
from wizard.roster.vendor.summary import summarize
from wizard.wording import counted

Target = Literal["hub", "vendor", "both"]
EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2
SHOWN_ISSUES = 10


def add_vendor_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("vendor import file (for apps without the hub's Secure Sync)")
    group.add_argument(
        "--vendor-profile",
        metavar="NAME",
        help=f"write the vendor's import file in this shape: {', '.join(list_profiles())} (or a .toml file)",
    )
    group.add_argument(
        "--vendor-roster",
        type=Path,
        metavar="FILE",
        help="the vendor's current roster export: existing usernames are kept and gain the SIS id",
    )
    group.add_argument(
        "--vendor-decisions",
        type=Path,
        metavar="FILE",
        help="vendor_match_report.csv with its decision column filled in (username or 'new' per student)",
    )
    group.add_argument(
        "--target",
        action="append",
        choices=["hub", "oneroster", "sds", "vendor", "both"],
        help="which files to write, repeatable: the hub's set; beside it a OneRoster 1.1 bulk zip (oneroster, "
        "for ClassLink) and/or a Microsoft SDS v2.1 folder (sds); the vendor's import file (vendor; both = hub "
        "and vendor). Default: hub, plus vendor with --vendor-profile; the vendor files need only the students "
        "export",
    )


def resolve_target(args: argparse.Namespace) -> Target:
    """Which outputs to write; refuses vendor options that make no sense together, before any work."""
    target = vendor_target(args.target, bool(args.vendor_profile))
    if target != "hub" and not args.vendor_profile:
        raise UsageError(
            f"--target {target} needs --vendor-profile.",
            f"Name the vendor's profile: {', '.join(list_profiles())}.",
        )
    if target == "hub" and (args.vendor_profile or args.vendor_roster or args.vendor_decisions):
        raise UsageError(
            "--vendor-profile, --vendor-roster and --vendor-decisions are used only for the vendor's import file, "
            "which --target hub does not write.",
            "Use --target both (with --vendor-profile NAME) to write the hub files and the vendor's.",
        )
    if args.vendor_profile:
        load_profile(args.vendor_profile)  # a bad name fails now, not after the roster is prepared
    for option, path in (
        ("--vendor-roster", args.vendor_roster),
        ("--vendor-decisions", args.vendor_decisions),
    ):
        if path is not None and not path.is_file():
            raise UsageError(f"The {option} file {path} does not exist.", "Check the path and try again.")
    return target


def vendor_target(requested: list[str] | None, has_profile: bool) -> Target:
    """--target given any number of times -> hub, vendor or both (oneroster and sds come with the hub set)."""
    if not requested:
        return "both" if has_profile else "hub"
    chosen = set(requested)
    if "both" in chosen or ("vendor" in chosen and chosen - {"vendor"}):
        return "both"
    return "vendor" if chosen == {"vendor"} else "hub"


def for_vendor_only(result: PrepareResult) -> PrepareResult:
    """With --target vendor the students export suffices: other missing hub files are not problems."""
    frame = result.issue_frame
    other_missing = (frame["code"] == "missing_file") & (frame["file"] != "students.csv")
    return dataclasses.replace(result, issue_frame=frame[~other_missing].reset_index(drop=True))


def run_vendor_only(args: argparse.Namespace, result: PrepareResult, stream: TextIO) -> int:
    """--target vendor: the validation report of the students, then the vendor files."""
    result = for_vendor_only(result)
    args.out.mkdir(parents=True, exist_ok=True)
    write_report(result.issue_frame, args.out / REPORT_NAME)
    code = EXIT_ERRORS if result.error_count else EXIT_OK
    stream.write(
        f"Students export: {counted(result.error_count, 'error')}, {counted(result.warning_count, 'warning')} "
        f"(report: {args.out / REPORT_NAME})\n"
    )
    return max(code, run_vendor_target(args, result, stream))


def run_vendor_target(args: argparse.Namespace, result: PrepareResult, stream: TextIO) -> int:
    """Match, write vendor_import.csv and vendor_match_report.csv next to the hub files; print a summary."""
    try:
        return _run(args, result, load_profile(args.vendor_profile), stream)
    except UserFacingError as error:
        stream.write(f"error: {error}\n")
        return EXIT_USAGE


def _run(args: argparse.Namespace, result: PrepareResult, profile: VendorProfile, stream: TextIO) -> int:
    if "students" not in result.tables:
        raise RosterFileError(
            f"The {profile.title} import file needs the students export, and none is among the inputs.",
            "Add it (or name it with --students FILE).",
        )
    tables = result.tables
    students = tables["students"]
    # Students with errors are matched (their accounts are not leavers) but not imported. A repeated id's
    # first row is fine: only ids with no row free of errors are left out.
    left_out = set(result.left_out_ids("students"))
    roster = read_vendor_roster(args.vendor_roster) if args.vendor_roster else None
    decisions = read_decisions(args.vendor_decisions) if args.vendor_decisions else None
    progress = StderrProgress(stream)
    match = match_roster(
        students,
        tables.get("schools"),
        roster,
        profile,
        decisions,
        roster_name=args.vendor_roster.name if args.vendor_roster else "vendor roster",
        left_out=left_out,
        progress=progress,
    )
    progress.finish()
    student_errors = len(result.error_rows.get("students", []))
    outputs = write_vendor_outputs(
        match, args.out, allow_errors=bool(args.allow_errors), upstream_errors=student_errors
    )
    summary = summarize(match, outputs, args.out, upstream_errors=student_errors)
    # The vendor's issues join the students' in validation_report.csv.
    combined = pd.concat([result.issue_frame, issues_to_frame(outputs.issues)], ignore_index=True)
    write_report(sort_issues(combined), args.out / REPORT_NAME)
    stream.write("\n".join(["", *summary.lines(max_issues=SHOWN_ISSUES)]) + "\n")
    return EXIT_ERRORS if outputs.has_errors or student_errors else EXIT_OK
