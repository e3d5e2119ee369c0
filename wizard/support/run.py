"""A whole support run, as the CLI and the GUI both do it: sign in, pick the district, read, check, write.

client = DataApiClient(hub_url, client_id, secret)
run = run_support_checks(client, vendor, district_id=None, roster_path=path, today=date.today())
paths = write_outputs(run, out_dir, generated=datetime.now(UTC))
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wizard.errors import UserFacingError
from wizard.hub.dataapi import DataApiClient
from wizard.hub.onboarding import OnboardingClient, VendorClient
from wizard.roster.vendor.profiles import load_profile
from wizard.support.export import write_report_csv, write_text_atomically
from wizard.support.health import HealthReport, assess_health
from wizard.support.linkcheck import (
    CSV_COLUMNS,
    DEFAULT_PROFILE,
    REDACTED_NAME,
    LinkCheck,
    check_login_links,
    csv_rows,
)
from wizard.support.linkcheck import read_vendor_roster as read_roster
from wizard.support.onboarding_state import OnboardingState, onboarding_state
from wizard.support.reading import ConnectedDistrict, DistrictSnapshot, connected_districts, read_district
from wizard.support.report import ReportContext, hashed, render_report
from wizard.support.troubleshoot import LoginDiagnosis, PortalLookup, explain_login
from wizard.tasks import CancelToken, ProgressCallback, no_progress

LINKS_FILE = "login-links.csv"
NOT_LINKED_FILE = "not-linked.csv"
WARNINGS_FILE = "data-warnings.csv"
COUNTS_FILE = "counts-by-school.csv"
REPORT_FILE = "diagnostic-report.html"
WARNING_COLUMNS = ("warning", "title", "who_must_act", "hub_id", "sis_id", "name", "school")
# The check CSVs name students (the district or vendor needs them to fix records); the report does not.
FILES_NAMING_STUDENTS = (WARNINGS_FILE, LINKS_FILE, NOT_LINKED_FILE)


class NoDistrict(UserFacingError):
    """No connected district, or not the one asked for, or several to choose from."""


@dataclass(frozen=True)
class SupportRun:
    hub_url: str
    client_id: str
    app_title: str
    district: ConnectedDistrict
    snapshot: DistrictSnapshot
    health: HealthReport
    onboarding: OnboardingState | None
    links: LinkCheck | None

    def explain(self, query: str, *, today: dt.date, portal: PortalLookup | None = None) -> LoginDiagnosis:
        """Why the user named by `query` would or would not see the app, from what this run read."""
        return explain_login(
            self.snapshot,
            query,
            today=today,
            app=self.app_title,
            links=self.links,
            onboarding=self.onboarding,
            portal=portal,
        )


def choose_district(districts: list[ConnectedDistrict], wanted: str | None) -> ConnectedDistrict:
    if not districts:
        raise NoDistrict(
            "No district has connected your app yet.",
            "A district must add and authorize the app, and you must accept it, before its data can be checked.",
        )
    if wanted:
        for district in districts:
            if (
                wanted in {district.id, district.token.district_id}
                or wanted.casefold() == district.name.casefold()
            ):
                return district
        # Part of a name ("Maple Valley" for "Maple Valley Unified School District"), when only one has it.
        partial = [d for d in districts if " ".join(wanted.casefold().split()) in d.name.casefold()]
        if len(partial) == 1:
            return partial[0]
        raise NoDistrict(
            f"District {wanted!r} is not connected to your app.",
            "Connected: " + "; ".join(f"{d.name} ({d.id})" for d in districts) + ".",
        )
    if len(districts) > 1:
        raise NoDistrict(
            f"{len(districts)} districts use your app.",
            "Choose one with --district: " + "; ".join(f"{d.name} ({d.id})" for d in districts) + ".",
        )
    return districts[0]


def _stage(progress: ProgressCallback, start: int, width: int) -> ProgressCallback:
    """Map a step's own progress onto its share of the whole run (0-100)."""

    def report(done: int, total: int, message: str = "") -> None:
        share = done / total if total else 0.0
        progress(start + round(width * min(share, 1.0)), 100, message)

    return report


def run_support_checks(
    client: DataApiClient,
    vendor: VendorClient | None,
    *,
    district_id: str | None,
    roster_path: Path | None,
    today: dt.date,
    profile_name: str = DEFAULT_PROFILE,
    page_size: int = 1000,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SupportRun:
    """Every check for one district, read through the Data API (and the onboarding API when the hub has it)."""
    cancel = cancel or CancelToken()
    roster = (
        read_roster(roster_path, load_profile(profile_name)) if roster_path else None
    )  # fail fast on a bad file
    district = choose_district(
        connected_districts(client, _stage(progress, 0, 10), cancel, sleep=sleep), district_id
    )
    cancel.raise_if_cancelled()
    onboarding = None
    if vendor is not None:
        with OnboardingClient(client.base_url) as catalog:  # the app catalog is public
            onboarding = onboarding_state(vendor, district.id, catalog.app)
    snapshot = read_district(
        client.for_district(district.token, page_size=page_size, cancel=cancel),
        _stage(progress, 10, 80),
        cancel,
        sleep=sleep,
    )
    health = assess_health(snapshot, today)
    links = check_login_links(snapshot, roster, _stage(progress, 90, 10), cancel) if roster else None
    app_title = (
        onboarding.connection.app_name
        if onboarding and onboarding.connection and onboarding.connection.app_name
        else (roster.app_title if roster else "the app")
    )
    progress(100, 100, "Checks done.")
    return SupportRun(
        client.base_url, client.client_id, app_title, district, snapshot, health, onboarding, links
    )


def warning_rows(
    health: HealthReport, *, pseudonym: Callable[[str], str] | None = None
) -> list[dict[str, str]]:
    """One row per record behind a warning; with `pseudonym`, ids are replaced by it and names left out."""
    key = pseudonym or (lambda value: value)
    return [
        {
            "warning": finding.code,
            "title": finding.title,
            "who_must_act": finding.actor,
            "hub_id": key(hub_id),
            "sis_id": key(sis_id),
            "name": REDACTED_NAME if pseudonym and label else label,
            "school": school,
        }
        for finding in health.findings
        for hub_id, sis_id, label, school in finding.records
    ]


def write_links_csv(
    links: LinkCheck,
    path: Path,
    *,
    only_problems: bool = False,
    pseudonym: Callable[[str], str] | None = None,
) -> Path:
    """Every shared student and unclaimed account; or, with `only_problems`, just those that will not link."""
    rows = csv_rows(links, pseudonym=pseudonym)
    if only_problems:
        rows = [row for row in rows if row["will_link"] != "yes"]
    return write_report_csv(rows, CSV_COLUMNS, path)


def write_report(
    run: SupportRun,
    path: Path,
    *,
    generated: dt.datetime,
    include_names: bool = False,
    diagnoses: tuple[LoginDiagnosis, ...] = (),
    hash_key: bytes | None = None,
) -> Path:
    """The HTML report; ids are hashed with `hash_key` (see `report.report_key`), else a one-off key."""
    context = ReportContext(run.hub_url, run.client_id, run.app_title, generated, include_names)
    if hash_key is not None:
        context = dataclasses.replace(context, hash_key=hash_key)
    html = render_report(context, run.health, onboarding=run.onboarding, links=run.links, diagnoses=diagnoses)
    return write_text_atomically(html, path)


def write_outputs(
    run: SupportRun,
    out: Path,
    *,
    generated: dt.datetime,
    include_names: bool = False,
    redact_csvs: bool = False,
    diagnoses: tuple[LoginDiagnosis, ...] = (),
    hash_key: bytes | None = None,
) -> list[Path]:
    """The run's files in `out`: counts, data warnings, login links (when checked) and the HTML report. The
    report is redacted unless `include_names`; the CSVs name students unless `redact_csvs` (ids hashed with
    the report's key, so both match)."""
    key = hash_key if hash_key is not None else secrets.token_bytes(32)
    pseudonym: Callable[[str], str] | None = (lambda value: hashed(value, key)) if redact_csvs else None
    paths = [
        write_report_csv(
            (
                {
                    "school": s.name,
                    "teachers": str(s.teachers),
                    "sections": str(s.sections),
                    "students": str(s.students),
                }
                for s in run.health.by_school
            ),
            ("school", "teachers", "sections", "students"),
            out / COUNTS_FILE,
        ),
        write_report_csv(
            warning_rows(run.health, pseudonym=pseudonym),
            WARNING_COLUMNS,
            out / WARNINGS_FILE,
        ),
    ]
    if run.links is not None:
        paths.append(write_links_csv(run.links, out / LINKS_FILE, pseudonym=pseudonym))
        paths.append(
            write_links_csv(run.links, out / NOT_LINKED_FILE, only_problems=True, pseudonym=pseudonym)
        )
    paths.append(
        write_report(
            run,
            out / REPORT_FILE,
            generated=generated,
            include_names=include_names,
            diagnoses=diagnoses,
            hash_key=key,
        )
    )
    return paths
