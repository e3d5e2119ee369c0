"""Issue 11, "a secret scan after a full journey": walk the whole onboarding against the embedded hub over
HTTP and SFTP (the session controllers, the hub clients and the command line, as the GUI pages call them),
with every logger captured at DEBUG; then look for every token, password and secret issued in the run in
every file the product and the hub wrote (the hub's database, read as raw bytes with its WAL, its SFTP and
work folders, the wizard's state, settings, logs and temporary folder, the exports and reports) and in the
captured logs. Zero hits, and the files holding student data or tokens are user-only.

The secrets are not listed by hand: every answer on the wire is read for them (admin and staff tokens, the
SFTP password, app secrets, district-app tokens, OAuth codes and user tokens), so a secret a new route
hands out is looked for too.
"""

from __future__ import annotations

import logging
import sqlite3
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
import requests

from tests.e2e.secret_scan import Hit, LogCapture, Secrets, WireRecorder, files_under, scan
from tests.hub_support import FAST, SIGNUP_ADMIN, SIGNUP_DISTRICT, FakeClock, small_roster, write_roster
from tests.unit.test_credentials import MemoryKeyring
from wizard import credentials
from wizard.app import main
from wizard.hub.dataapi import DataApiClient
from wizard.hub.models import SharingSettings
from wizard.hub.onboarding import OnboardingClient, VendorClient
from wizard.hub.sftp import KnownHosts
from wizard.logs import configure_logging
from wizard.sandbox.server import RunningHub, SftpOptions, start_hub
from wizard.sandbox.settings import HubSettings
from wizard.session import sftp_sync
from wizard.session.context import WizardContext
from wizard.state import DistrictForm, OnboardingState, data_dir
from wizard.support.linkcheck import read_vendor_roster
from wizard.support.rehearsal import rehearse_instant_login
from wizard.tasks import CancelToken
from wizard.wire.vocab import StaffRole

SIMULATED_APP = "symphony-math"  # the hub's simulated vendor asks a question, then accepts
VENDOR_APP = "amplify-curriculum"  # accepted by the vendor itself, signing in with the app secret


@pytest.fixture
def journey_hub(tmp_path: Path, clock: FakeClock) -> Iterator[RunningHub]:
    settings = HubSettings(vendor_delay=30.0, clock=clock, random_seed=7)
    options = SftpOptions(port=0, quiet_seconds=0.3)
    with start_hub(tmp_path / "hub" / "hub.sqlite3", settings=settings, sftp=options) as running:
        yield running


@pytest.fixture
def every_log() -> Iterator[LogCapture]:
    """Every logger at DEBUG, captured (the levels set before are restored)."""
    capture = LogCapture()
    root = logging.getLogger()
    loggers = [
        root,
        *(lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)),
    ]
    levels = {lg: lg.level for lg in loggers}
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
    root.addHandler(capture)
    try:
        yield capture
    finally:
        root.removeHandler(capture)
        for lg, level in levels.items():
            lg.setLevel(level)


def _all_debug() -> None:
    """After the command line configured logging (INFO), every logger back at DEBUG."""
    for lg in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
        if isinstance(lg, logging.Logger):
            lg.setLevel(logging.DEBUG)


def _wait(condition: object, what: str, clock: FakeClock | None = None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def _no_progress(done: int, total: int, message: str) -> None:
    return None


def test_a_full_journey_leaves_no_secret_in_any_file_or_log(
    journey_hub: RunningHub,
    clock: FakeClock,
    tmp_path: Path,
    isolated_user_dirs: Path,
    every_log: LogCapture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hub = journey_hub
    scratch = tmp_path / "tmp"  # the product's temporary files land here, to be scanned too
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    keyring = MemoryKeyring()
    store = credentials.CredentialStore(keyring)
    monkeypatch.setattr(credentials, "_default_store", store)
    secrets = Secrets()
    # A connection held open keeps the hub's write-ahead log on disk (SQLite removes it when the last
    # connection closes), so what was written through it is scanned as the WAL's raw bytes too.
    with closing(sqlite3.connect(hub.context.db.path)) as keeper:
        keeper.execute("SELECT count(*) FROM sqlite_master").fetchone()
        with WireRecorder(secrets) as wire:
            _journey(hub, clock, tmp_path, store, secrets)
        for value in keyring.secrets.values():  # what the wizard keeps in the keyring: token, SFTP password
            secrets.add("keyring", value)
        files = files_under([tmp_path, isolated_user_dirs])
        hits = scan(secrets, files, every_log.text)
    _all_debug()

    issued = set(secrets.names())
    assert {
        "admin_token",
        "password",
        "staff_token",
        "client secret",
        "access_token",
        "oauth code",
    } <= issued, issued
    names = {path.name for path in files}
    assert {"hub.sqlite3", "hub.sqlite3-wal", "wizard.log", "summary.json", "students.csv"} <= names, names
    print(
        f"secret scan: {len(secrets.values)} secrets, {len(files)} files, {len(every_log.lines)} log records, "
        f"{wire.responses} HTTP answers, {len(hits)} hits; secrets: {', '.join(secrets.names())}"
    )
    assert hits == [], "\n".join(str(hit) for hit in hits)
    open_to_others = _readable_by_others(tmp_path, isolated_user_dirs)
    assert not open_to_others, "\n".join(open_to_others)


def _journey(
    hub: RunningHub, clock: FakeClock, tmp_path: Path, store: credentials.CredentialStore, secrets: Secrets
) -> None:
    configure_logging(verbose=True, to_file=True)  # as the GUI does: the log file in the user's data folder
    _all_debug()
    # Sign up (Welcome → Sign up), as the sign-up page does through the session.
    ctx = WizardContext(OnboardingState(), embedded_hub=hub, credentials=store)
    form = DistrictForm(
        SIGNUP_DISTRICT["name"],
        SIGNUP_DISTRICT["state"],
        SIGNUP_DISTRICT["nces_id"],
        SIGNUP_DISTRICT["sis_vendor"],
        SIGNUP_ADMIN["name"],
        SIGNUP_ADMIN["email"],
        SIGNUP_ADMIN["phone"],
    )
    ctx.state.district_form = form
    district = ctx.sign_up(form, "journey-signup-1")
    token = ctx.take_fresh_token()
    assert token
    ctx.state.district_id = district.id
    ctx.save()
    session = ctx.district_hub()

    # Identity and sync: Google sign-in, file upload over SFTP with a password the hub makes.
    session.set_sso("google")
    session.set_sync("sftp")
    ctx.state.identity_provider, ctx.state.sync_method = "google", "sftp"
    account = ctx.state.sftp
    sftp_sync.use_hub_account(account, sftp_sync.fetch_account(session))
    sftp_sync.new_hub_password(session, store, account)
    assert sftp_sync.has_password(store, account)
    ctx.save()

    client = requests.Session()

    # Prepare (the command line, with the OneRoster and SDS sets beside the hub's).
    sis = tmp_path / "sis"
    write_roster(sis, small_roster())
    out = tmp_path / "out"
    assert main.main(["-v", "prepare", str(sis), "--format", "hub", "--date-order", "mdy", "--out", str(out),
                      "--target", "oneroster", "--target", "sds"]) == 0  # fmt: skip
    configure_logging(verbose=True, to_file=True)
    _all_debug()
    ctx.state.roster.export_dir = str(out)
    hub_files = sorted(out.glob("*.csv"))
    hub_files = [path for path in hub_files if path.name != "validation_report.csv"]

    # Upload over HTTP, then over SFTP (the prepare page's two ways).
    upload = session.upload(hub_files, _no_progress, CancelToken())
    _wait(lambda: session.upload_status(upload.id).status != "processing", "the HTTP upload")
    assert session.upload_status(upload.id).status == "succeeded"
    known_hosts = KnownHosts(tmp_path / "known_hosts")
    sftp_sync.send(
        store, account, hub_files, _no_progress, CancelToken(), known_hosts=known_hosts, hub=session
    )

    def sftp_done() -> bool:
        found = sftp_sync.find_processed(session, account)
        return found is not None and found.status != "processing"

    _wait(sftp_done, "the SFTP upload")
    assert sftp_sync.find_processed(session, account).status == "succeeded"  # type: ignore[union-attr]
    ctx.save()

    schools = [school.id for school in session.directory().schools]
    lead = session._client.add_staff_admin(
        district.id, "Sam Ortiz", "sam.ortiz@riverside.k12.ca.us", "Tech lead",
        role=StaffRole.SCHOOL_TECH_LEAD, school_ids=schools[:1],
    )  # fmt: skip
    assert lead.staff_token
    with OnboardingClient(hub.base_url, lead.staff_token, policy=FAST) as staff:
        assert staff.staff_session()

    # An app the hub's simulated vendor handles: it asks, the district replies, it accepts.
    connection = session.add_connection(SIMULATED_APP)
    session.authorize(connection.id, _scopes(ctx, SIMULATED_APP))
    clock.advance(hub.settings.vendor_delay + 1)
    if session.connection(connection.id).status == "vendor_requested_info":
        session.reply(connection.id, "Imported with the SIS id in ExternalID.")
        clock.advance(hub.settings.vendor_delay + 1)
    assert session.connection(connection.id).status == "connected"
    session.save_sharing(connection.id, SharingSettings("schools", school_ids=tuple(schools[:1])))
    ctx.state.app.app_id, ctx.state.app.connection_id = SIMULATED_APP, connection.id

    # The vendor of another app accepts for itself, signing in with its app secret; it reads the data.
    hub.settings.simulate_vendors = False
    second = session.add_connection(VENDOR_APP)
    session.authorize(second.id, _scopes(ctx, VENDOR_APP))
    app_credentials = hub.reset_app_secret(VENDOR_APP)
    secrets.add("app secret", app_credentials.client_secret)
    vendor = VendorClient(hub.base_url, app_credentials.client_id, app_credentials.client_secret, policy=FAST)
    assert [c.id for c in vendor.connections()] == [second.id]
    vendor.decide(second.id, "accept")
    vendor.close()
    session.save_sharing(second.id, SharingSettings("district"))
    api = DataApiClient(hub.base_url, app_credentials.client_id, app_credentials.client_secret, policy=FAST)
    [district_token] = api.district_tokens()
    assert next(api.for_district(district_token).districts()).id == district.id

    # Instant Login: the authorization-code flow as a vendor runs it, and the hub's own rehearsal.
    student = session.shared_users(second.id, "student")[0]
    callback = f"{hub.base_url}/vendor-apps/{VENDOR_APP}/callback"
    redirect = client.get(
        f"{hub.base_url}/oauth/authorize",
        params={"response_type": "code", "client_id": app_credentials.client_id, "district_id": district.id,
                "login_hint": student.sis_id, "redirect_uri": callback},
        allow_redirects=False, timeout=10,
    )  # fmt: skip
    assert redirect.status_code == 302, redirect.text
    code = redirect.headers["location"].split("code=", 1)[1].split("&", 1)[0]
    tokens = client.post(
        f"{hub.base_url}/oauth/tokens",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": callback},
        auth=(app_credentials.client_id, app_credentials.client_secret), timeout=10,
    )  # fmt: skip
    assert tokens.status_code == 200, tokens.text
    me = client.get(f"{hub.base_url}/v3.1/me", headers={"Authorization": f"Bearer {tokens.json()['access_token']}"}, timeout=10)  # fmt: skip
    assert me.status_code == 200, me.text
    roster_file = tmp_path / "vendor_roster.csv"
    roster_file.write_text(
        f"Username,ExternalID,FirstName,LastName\nacct1,{student.sis_id},A,B\n", encoding="utf-8"
    )
    hub.reset_app_secret(SIMULATED_APP)
    simulated = session.shared_users(connection.id, "student")[0]
    rehearse_instant_login(session._client, district.id, SIMULATED_APP, simulated, read_vendor_roster(roster_file))  # fmt: skip

    # Validate: the counts, a warning's affected rows, the link check.
    validation = session.validation(connection.id)
    assert validation.counts["students"].hub > 0
    for warning in validation.warnings[:1]:
        session.warning_csv(connection.id, warning.code)
    ctx.login_check(None)

    # Roll out: the launch date and a student's portal.
    session.launch(connection.id, date.today().isoformat())
    session.portal(simulated.sis_id)
    ctx.state.launched = True
    ctx.save()
    ctx.close()
    client.close()
    assert (data_dir() / "logs" / "wizard.log").is_file()


def _scopes(ctx: WizardContext, app_id: str) -> list[str]:
    """All the scopes the app asks for, as the Add app page authorizes them."""
    return [scope.name for scope in ctx.hub.get_app(ctx.hub_base_url(), app_id).scopes]


TEST_MADE = {"sis", "vendor_roster.csv", "tmp", "cache", "config", "state"}  # the test's inputs and folders


def _readable_by_others(*roots: Path) -> list[str]:
    """What the product wrote that another user could read: a file with any group or other permission, or a
    folder open to others that is not inside a user-only folder (the test's own inputs and folders aside)."""
    problems = []
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.relative_to(root).parts[0] in TEST_MADE or path.is_symlink():
                continue
            mode = stat.S_IMODE(path.lstat().st_mode)
            if not mode & 0o077:
                continue
            enclosed = any(
                not stat.S_IMODE(parent.stat().st_mode) & 0o077
                for parent in path.parents
                if parent.is_relative_to(root) and parent != root
            )
            if path.is_file() or not enclosed:
                problems.append(f"{oct(mode)} {path}")
    return problems


def test_the_scanner_finds_a_planted_secret_in_a_file_a_database_and_the_logs(tmp_path: Path) -> None:
    """The scan can fail: a secret planted as text, inside a binary file, URL-quoted and in a log is found."""
    secrets = Secrets()
    secrets.add("admin_token", "tok_9f8e7d6c5b4a3210")
    secrets.add("password", "p@ss/word+with=signs")
    secrets.add("short", "abc")  # too short to be a secret: ignored
    assert secrets.names() == ["admin_token", "password"]
    (tmp_path / "clean.txt").write_text("nothing here", encoding="utf-8")
    (tmp_path / "hub.sqlite3-wal").write_bytes(b"\x00\x01SQLite" + b"tok_9f8e7d6c5b4a3210" + b"\xff")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "state.json").write_text('{"u": "p%40ss%2Fword%2Bwith%3Dsigns"}', encoding="utf-8")
    logs = "2026-01-01 DEBUG urllib3: sending password=p@ss/word+with=signs"
    hits = scan(secrets, files_under([tmp_path]), logs)
    assert sorted(map(str, hits)) == sorted(
        [
            str(Hit("admin_token #1", str(tmp_path / "hub.sqlite3-wal"))),
            str(Hit("password #2", str(tmp_path / "sub" / "state.json"))),
            str(Hit("password #2", "log")),
        ]
    )
    assert scan(secrets, [tmp_path / "clean.txt"]) == []


def test_secrets_on_the_wire_are_collected(tmp_path: Path) -> None:
    secrets = Secrets()
    secrets.harvest_json({"data": [{"admin_token": "a" * 20, "code": "district_already_registered"}]})
    secrets.harvest_json({"sftp": {"password": "b" * 16}, "client_secret": "c" * 30})
    assert sorted(secrets.values.values()) == ["a" * 20, "b" * 16, "c" * 30]
