"""Vendor roster import files (Symphony Math and the like), Qt-free.

profile = load_profile("symphony-math")
result = match_roster(students, schools, roster, profile, decisions)
result.counts                     # linked, new, needs_decision, would_unlink
frame = build_import(result)      # the vendor's "Import Students" file
outputs = write_vendor_outputs(result, out_dir)
summarize(result, outputs, out_dir).lines()   # what the CLI prints; .issues is what the wizard lists
"""

from wizard.roster.vendor.files import (
    IMPORT_FILE,
    REPORT_FILE,
    VendorOutputs,
    read_vendor_roster,
    write_vendor_outputs,
)
from wizard.roster.vendor.import_file import build_import
from wizard.roster.vendor.matching import match_roster
from wizard.roster.vendor.outcomes import (
    ALL_OUTCOMES,
    DECISION_NEW,
    DecisionError,
    Outcome,
    RosterFileError,
    VendorIssue,
)
from wizard.roster.vendor.profiles import ProfileError, VendorProfile, list_profiles, load_profile
from wizard.roster.vendor.report import build_report, read_decisions
from wizard.roster.vendor.result import MatchCounts, MatchResult
from wizard.roster.vendor.summary import VendorSummary, issue_line, summarize

__all__ = [
    "ALL_OUTCOMES",
    "DECISION_NEW",
    "IMPORT_FILE",
    "REPORT_FILE",
    "DecisionError",
    "MatchCounts",
    "MatchResult",
    "Outcome",
    "ProfileError",
    "RosterFileError",
    "VendorIssue",
    "VendorOutputs",
    "VendorProfile",
    "VendorSummary",
    "build_import",
    "build_report",
    "issue_line",
    "list_profiles",
    "load_profile",
    "match_roster",
    "read_decisions",
    "read_vendor_roster",
    "summarize",
    "write_vendor_outputs",
]
