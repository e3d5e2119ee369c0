"""Vendor roster import files (Symphony Math and the like), Qt-free.

profile = load_profile("symphony-math")
result = match_roster(students, schools, roster, profile, decisions)
result.counts                     # linked, new, needs_decision, would_unlink
frame = build_import(result)      # the vendor's "Import Students" file
write_vendor_outputs(result, out_dir)
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
    "build_import",
    "build_report",
    "list_profiles",
    "load_profile",
    "match_roster",
    "read_decisions",
    "read_vendor_roster",
    "write_vendor_outputs",
]
