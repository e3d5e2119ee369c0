"""`python main.py support`: the support view's checks, headless.

    python main.py support --hub URL --client-id ID [--district ID] [--vendor-roster FILE] --out DIR

The client secret comes from standard input with --secret-stdin (one line, for scripts:
`pass show hub/app | python main.py support --secret-stdin ...`), else from the keyring (saved there by the
support view or by an earlier run), else it is asked for without echo; it is never a command-line argument.
Without a system keyring it is kept for this run only (one notice line says so). Writes counts-by-school.csv, data-warnings.csv,
login-links.csv and not-linked.csv (with --vendor-roster) and diagnostic-report.html, and prints a summary
on stderr. The report is redacted (ids hashed, names left out) unless --include-names; the check CSVs name
students, because the district or vendor needs them to fix the records, unless --redact.

Exit 0: checks ran, nothing to fix. 1: checks ran and found students who will not be linked or data warnings.
2: the command, the roster file or the output folder cannot be used. 3: the hub cannot be reached or refuses
the app's credentials. 130: interrupted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from wizard.support.run import SupportRun
    from wizard.support.troubleshoot import LoginDiagnosis, PortalLookup

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_HUB = 0, 1, 2, 3
DEFAULT_HUB = "http://127.0.0.1:8765"


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "support",
        help="check a district's data and login links with an app's credentials",
        description="Run the support view's checks for one district connected to your app: shared counts by "
        "school, data warnings, the login-link check against the vendor's roster export, and a diagnostic "
        "report. The client secret is read from stdin (--secret-stdin), the keyring, or asked for; never give it "
        "on the command line. "
        "Exit 0: nothing to fix; 1: problems found; 2: unusable command or files; 3: hub unreachable or "
        "credentials refused.",
    )
    parser.add_argument(
        "--hub", default=DEFAULT_HUB, metavar="URL", help=f"hub base URL (default {DEFAULT_HUB})"
    )
    parser.add_argument("--client-id", required=True, metavar="ID", help="the app's OAuth client id")
    parser.add_argument(
        "--district", metavar="ID", help="district id or name (needed when several use the app)"
    )
    parser.add_argument(
        "--vendor-roster", type=Path, metavar="FILE", help="the vendor's roster export (CSV/XLSX)"
    )
    parser.add_argument(
        "--vendor-profile",
        default="symphony-math",
        metavar="NAME",
        help="which vendor's roster columns to expect (default symphony-math)",
    )
    parser.add_argument(
        "--secret-stdin",
        action="store_true",
        help="read the client secret from the first line of standard input (for scripts and pipes)",
    )
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the files")
    parser.add_argument(
        "--lookup",
        action="append",
        default=[],
        metavar="WHO",
        help="troubleshoot one login: hub id, SIS id, name or email (repeatable)",
    )
    parser.add_argument(
        "--include-names",
        action="store_true",
        help="show names, emails and ids in the diagnostic report (default: redacted)",
    )
    parser.add_argument(
        "--redact",
        action="store_true",
        help="hash ids and leave out names in the check CSVs too (default: they name students, for the "
        "district or vendor who fixes the records)",
    )
    parser.add_argument(
        "--as-of", metavar="YYYY-MM-DD", help="judge terms and launch dates as of this day (default today)"
    )
    parser.set_defaults(handler=run)


NO_KEYRING_NOTE = (
    "note: no system keyring on this computer, so the client secret is not saved between runs; "
    "pipe it in with --secret-stdin or type it when asked."
)


def _secret(hub_url: str, client_id: str, *, from_stdin: bool, stream: TextIO) -> tuple[str, bool]:
    """(secret, came_from_keyring)."""
    from wizard.credentials import default_store
    from wizard.errors import UsageError

    if from_stdin:
        secret = sys.stdin.readline().strip()
        if not secret:
            raise UsageError(
                "No client secret on standard input (--secret-stdin reads its first line).",
                "Pipe the app's client secret into the command, one line.",
            )
        return secret, False
    store = default_store()
    stored = store.app_secret(hub_url, client_id)
    if stored:
        return stored, True
    if not sys.stdin.isatty():
        where = "in the keyring" if store.persistent else "saved (this computer has no system keyring)"
        raise UsageError(
            f"No client secret for {client_id} at {hub_url} is {where}, and there is no terminal to ask.",
            "Pipe it in with --secret-stdin (for example `pass show hub/app | python main.py support "
            "--secret-stdin ...`), or run this command in a terminal to be asked for it.",
        )
    secret = getpass.getpass(f"Client secret for {client_id}: ", stream=stream).strip()
    if not secret:
        raise UsageError("No client secret given.", "Enter the app's client secret from the hub's dashboard.")
    return secret, False


def _today(text: str | None) -> dt.date:
    from wizard.errors import UsageError

    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--as-of {text!r} is not a date.", "Write it as YYYY-MM-DD.") from None


def _portal(hub_url: str, district_id: str) -> PortalLookup | None:
    """The portal preview, when this computer keeps the district's admin token (hub staff, or the same
    machine that onboarded the district): it tells "in the roster but not shared" from "not in the roster"."""
    from wizard.credentials import default_store
    from wizard.hub.onboarding import OnboardingClient

    token = default_store().admin_token(hub_url, district_id)
    if not token:
        return None
    client = OnboardingClient(hub_url, token)
    return lambda sis_id: client.portal(district_id, sis_id)


def run(args: argparse.Namespace) -> int:
    from wizard.cli.progress import StderrProgress
    from wizard.credentials import default_store
    from wizard.errors import UserFacingError
    from wizard.hub.dataapi import DataApiClient
    from wizard.hub.errors import HubError
    from wizard.hub.onboarding import VendorClient
    from wizard.hub.transport import checked_base_url
    from wizard.support.report import report_key
    from wizard.support.run import run_support_checks, write_outputs

    started = time.monotonic()
    try:
        hub_url = checked_base_url(args.hub)
        today = _today(args.as_of)
        if not default_store().persistent:
            print(NO_KEYRING_NOTE, file=sys.stderr)
        secret, from_keyring = _secret(
            hub_url, args.client_id, from_stdin=args.secret_stdin, stream=sys.stderr
        )
    except UserFacingError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    client = DataApiClient(hub_url, args.client_id, secret)
    vendor = VendorClient(hub_url, args.client_id, secret)
    progress = StderrProgress(sys.stderr)
    try:
        support = run_support_checks(
            client,
            vendor,
            district_id=args.district,
            roster_path=args.vendor_roster,
            today=today,
            profile_name=args.vendor_profile,
            progress=progress,
        )
        if not from_keyring:
            default_store().set_app_secret(hub_url, args.client_id, secret)
        portal = _portal(hub_url, support.district.id) if args.lookup else None
        diagnoses = tuple(support.explain(query, today=today, portal=portal) for query in args.lookup)
        written = write_outputs(
            support,
            args.out,
            generated=dt.datetime.now(dt.UTC),
            include_names=args.include_names,
            redact_csvs=args.redact,
            diagnoses=diagnoses,
            hash_key=report_key(default_store(), support.district.id),
        )
    except HubError as error:
        progress.finish()
        print(f"error: {error}", file=sys.stderr)
        return EXIT_HUB
    except UserFacingError as error:
        progress.finish()
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        client.close()
        vendor.close()
    progress.finish()
    print_summary(support, diagnoses, written, time.monotonic() - started, sys.stderr)
    print_privacy(written, include_names=args.include_names, redacted_csvs=args.redact, stream=sys.stderr)
    found = support.health.findings or (support.links is not None and support.links.not_linked)
    return EXIT_FINDINGS if found else EXIT_OK


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def print_summary(
    support: SupportRun,
    diagnoses: tuple[LoginDiagnosis, ...],
    written: list[Path],
    seconds: float,
    stream: TextIO,
) -> None:
    from wizard.support.linkcheck import LINKS_OUTCOME_ORDER, PLAIN_WORDS, WHO_ACTS
    from wizard.support.run import NOT_LINKED_FILE

    health = support.health
    totals = health.totals
    lines = [
        f"{health.district_name} ({health.district_id}) — {support.app_title}",
        f"  sync {health.sync_state or 'unknown'}, last sync {health.last_sync or 'never'}, "
        f"launch {health.launch_date or 'not set'}",
    ]
    if support.onboarding is not None:
        lines.append(f"  onboarding: {support.onboarding.note}")
    lines.append(
        f"  shared: {_n(totals['schools'], 'school')}, {_n(totals['teachers'], 'teacher')}, "
        f"{_n(totals['sections'], 'section')}, {_n(totals['students'], 'student')} "
        f"(read in {_n(support.snapshot.requests, 'request')})"
    )
    if health.unreadable:
        lines.append(f"  not checked (your app may not read them): {', '.join(health.unreadable)}")
    for finding in health.findings:
        lines.append(f"  warning: {finding.title.lower()}: {finding.count:,} ({finding.actor} must act)")
    links = support.links
    if links is not None:
        lines.append(
            f"Login links against {links.roster_path.name}: {links.linked:,} linked, "
            f"{links.not_linked:,} not linked, {_n(len(links.accounts), 'account')} no shared student points to"
        )
        for school in links.schools:
            unclaimed = (
                f", {_n(school.unclaimed_accounts, 'account')} unclaimed" if school.unclaimed_accounts else ""
            )
            if not school.not_linked_total:
                lines.append(f"  {school.school}: all {school.shared:,} students linked{unclaimed}")
                continue
            lines.append(
                f"  {school.school}: {school.not_linked_total:,} of {school.shared:,} students will not be linked"
                + unclaimed
            )
            for outcome in LINKS_OUTCOME_ORDER:
                if school.not_linked.get(outcome):
                    lines.append(
                        f"    {school.not_linked[outcome]:>4,}  {PLAIN_WORDS[outcome]} ({WHO_ACTS[outcome]} must act)"
                    )
    for diagnosis in diagnoses:
        lines.append(f"Lookup {diagnosis.query!r}: {diagnosis.headline}")
        lines += [f"  - [{r.actor}] {r.text}" for r in diagnosis.reasons]
    not_linked = next((path for path in written if path.name == NOT_LINKED_FILE), None)
    if links is not None and links.not_linked and not_linked is not None:
        lines.append(f"Who will not be linked, why, and what to do for each: {not_linked}")
    lines.append("Files:")
    lines += [f"  {path}" for path in written]
    lines.append(f"Done in {seconds:.1f} s.")
    stream.write("\n".join(lines) + "\n")


def print_privacy(written: list[Path], *, include_names: bool, redacted_csvs: bool, stream: TextIO) -> None:
    """Which files are safe to attach to a ticket and which name students."""
    from wizard.support.run import FILES_NAMING_STUDENTS, REPORT_FILE

    naming = [path.name for path in written if path.name in FILES_NAMING_STUDENTS and not redacted_csvs]
    redacted = [path.name for path in written if path.name in FILES_NAMING_STUDENTS and redacted_csvs]
    if include_names:
        naming.append(REPORT_FILE)
    else:
        redacted.append(REPORT_FILE)
    if redacted:
        stream.write(f"Redacted: {', '.join(redacted)} (ids hashed, names left out).\n")
    if naming:
        hint = " (--redact hashes the CSVs)" if not redacted_csvs and len(naming) > include_names else ""
        stream.write(
            f"Contain student names and ids: {', '.join(naming)} — for the district or the vendor who fixes "
            f"the records, not for a ticket{hint}.\n"
        )
