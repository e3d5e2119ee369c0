"""What a vendor import run says to the admin, as data: the counts (in the import file's terms), whether the
import file was written and why not, and every warning. The command line prints `lines()`; the wizard's
vendor page shows the same `issues` and the same `issue_line` texts, so neither knows something the other
hides.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from wizard.roster.vendor import outcomes as oc
from wizard.roster.vendor.files import IMPORT_FILE, REPORT_FILE, VendorOutputs
from wizard.roster.vendor.import_file import kept_accounts
from wizard.roster.vendor.result import MatchCounts, MatchResult
from wizard.wording import counted

VALIDATION_REPORT = "validation_report.csv"  # where the students' own errors are listed


def issue_line(issue: oc.VendorIssue) -> str:
    """One warning or error in words, as the command line prints it and the wizard lists it."""
    where = f" (row {issue.row}, {issue.column})" if issue.row else ""
    return f"{issue.severity} {issue.code}{where}: {issue.message}"


@dataclass(frozen=True)
class VendorSummary:
    title: str  # the vendor's name, "Symphony Math"
    counts: MatchCounts
    keeps_unlinked: bool  # the profile copies unlinked accounts into the import unchanged
    kept: int  # of which this many are in the import file
    out_dir: Path
    import_rows: int | None  # rows of the import file written; None when it was not written
    upstream_errors: int  # students with errors in the students export
    removed: bool  # an import file from an earlier run was removed
    issues: tuple[oc.VendorIssue, ...]

    @property
    def import_written(self) -> bool:
        return self.import_rows is not None

    @property
    def warnings(self) -> tuple[oc.VendorIssue, ...]:
        return tuple(issue for issue in self.issues if issue.severity == "warning")

    @property
    def errors(self) -> tuple[oc.VendorIssue, ...]:
        return tuple(issue for issue in self.issues if issue.severity == "error")

    def todo(self) -> list[str]:
        """What keeps the import file from being written, in the order to do it."""
        steps = []
        if self.counts.needs_decision:
            steps.append(
                f"decide the open matches (fill in the decision column of {REPORT_FILE} and pass it with "
                "--vendor-decisions)"
            )
        with_errors = self.upstream_errors or self.counts.left_out
        if with_errors:
            steps.append(f"fix the {counted(with_errors, 'student')} with errors in {VALIDATION_REPORT}")
        return steps

    def count_lines(self) -> list[str]:
        counts = self.counts
        lines = [
            f"{self.title} import:",
            f"  linked to existing accounts: {counts.linked:,}",
            f"  new accounts: {counts.new:,}",
            f"  students needing your decision: {counts.needs_decision:,}",
        ]
        if counts.left_out:
            lines.append(f"  students left out for errors: {counts.left_out:,}")
        lines.append(
            f"  existing accounts left unlinked: {counts.would_unlink:,}"
            + (" (copied into the import unchanged)" if self.keeps_unlinked else "")
        )
        return lines

    def file_lines(self) -> list[str]:
        counts = self.counts
        if self.import_rows is not None:
            kept = f", plus {counted(self.kept, 'existing account')} copied unchanged" if self.kept else ""
            return [
                f"Wrote {self.out_dir / IMPORT_FILE}: {counted(counts.linked + counts.new, 'student')} "
                f"({counts.linked:,} linked, {counts.new:,} new){kept}"
            ]
        lines = [
            f"{IMPORT_FILE} NOT written: {' and '.join(self.todo())}, or use --allow-errors to leave those "
            "students out."
        ]
        if self.removed:
            lines.append(
                f"Removed the {IMPORT_FILE} an earlier run left in {self.out_dir}: it no longer matches this "
                "run's match report, so it must not be imported."
            )
        return lines

    def lines(self, max_issues: int | None = None) -> list[str]:
        """The whole summary; with `max_issues`, only that many issues are spelled out."""
        shown = self.issues if max_issues is None else self.issues[:max_issues]
        lines = [*self.count_lines(), *self.file_lines()]
        lines += [f"  {issue_line(issue)}" for issue in shown]
        if len(self.issues) > len(shown):
            lines.append(f"  … and {len(self.issues) - len(shown)} more")
        lines.append(f"Match report: {self.out_dir / REPORT_FILE}")
        return lines


def summarize(
    result: MatchResult, outputs: VendorOutputs, out_dir: Path, *, upstream_errors: int = 0
) -> VendorSummary:
    """The run's summary, from the match and what `write_vendor_outputs` wrote."""
    frame = outputs.import_frame
    kept = int(kept_accounts(result).sum()) if frame is not None else 0
    return VendorSummary(
        title=result.profile.title,
        counts=result.counts,
        keeps_unlinked=result.profile.unlinked_accounts == "keep",
        kept=kept,
        out_dir=out_dir,
        import_rows=len(frame) if frame is not None else None,
        upstream_errors=upstream_errors,
        removed=bool(outputs.removed),
        issues=tuple(outputs.issues),
    )
