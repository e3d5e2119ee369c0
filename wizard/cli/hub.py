"""`python main.py hub`: the embedded hub as a standalone server, optionally with a demo district."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.cli import arguments, hub_mail

if TYPE_CHECKING:
    from wizard.sandbox.server import RunningHub


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "hub",
        help="run the embedded hub as a standalone server",
        description="Serve the embedded hub (onboarding API, Data API, Instant Login) until Ctrl+C. "
        "Fault injection for testing (off by default): --faults or WIZARD_HUB_FAULTS.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=arguments.port,
        default=8765,
        help="port to listen on (default 8765; 0 = any free port)",
    )
    parser.add_argument(
        "--sftp-port",
        type=arguments.port,
        default=8722,
        help="port for the hub's SFTP file sync, on the same address (default 8722; 0 = any free port)",
    )
    parser.add_argument(
        "--sftp-quiet-seconds",
        type=arguments.seconds,
        default=300.0,
        metavar="SECONDS",
        help="process a district's SFTP files once its folder has been quiet this long (default 300, "
        "as the real hub)",
    )
    parser.add_argument(
        "--db", type=Path, default=None, help="SQLite file (default: in the user data folder)"
    )
    parser.add_argument("--seed", choices=["demo"], help="create the demo district and print its credentials")
    parser.add_argument(
        "--vendor-delay",
        type=arguments.seconds,
        default=None,
        help="seconds the simulated vendors take to answer (default 20)",
    )
    parser.add_argument(
        "--hold-threshold",
        type=arguments.share,
        default=None,
        help="share of records an upload may change before it is put on hold (default 0.25)",
    )
    parser.add_argument(
        "--faults",
        default="",
        metavar="SPEC",
        help="inject faults for testing, e.g. '/v3.*/*:error=0.2,latency=0.1;/api/v1/*:429=0.1' "
        "(added to WIZARD_HUB_FAULTS)",
    )
    parser.add_argument(
        "--new-app-secrets",
        action="store_true",
        help="issue and print new client secrets for every catalog app (the hub shows a secret only once)",
    )
    parser.add_argument(
        "--vendor-roster-out",
        type=Path,
        metavar="FILE",
        help="with --seed demo: also write Symphony Math's roster export for the demo district (CSV)",
    )
    hub_mail.add_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from wizard.sandbox.server import SftpOptions, default_hub_db, start_hub
    from wizard.sandbox.settings import HubSettings, parse_fault_rules

    settings = HubSettings.from_env(vendor_delay=args.vendor_delay)
    settings.faults += parse_fault_rules(args.faults)
    if args.hold_threshold is not None:
        settings.hold_threshold = args.hold_threshold
    db_path: Path = args.db or default_hub_db()
    if args.mailbox is not None:
        return hub_mail.show_mailbox(db_path, args.mailbox)
    sftp = SftpOptions(port=args.sftp_port, quiet_seconds=args.sftp_quiet_seconds)
    mail = hub_mail.mail_options(args)
    hub = start_hub(db_path, host=args.host, port=args.port, settings=settings, sftp=sftp, mail=mail)
    try:
        _announce(hub, db_path, args)
    except BaseException:
        hub.stop()  # e.g. the vendor roster cannot be written: stop serving before the error is shown
        raise
    print("Press Ctrl+C to stop.", flush=True)
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())  # `kill` stops it as cleanly as Ctrl+C
    try:
        stop.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
        hub.stop()
    return 0


def _announce(hub: RunningHub, db_path: Path, args: argparse.Namespace) -> None:
    """Print where the hub serves and the credentials it issued (seeding the demo first when asked)."""
    from wizard.sandbox.seed import write_demo_vendor_roster

    print(f"Embedded hub serving on {hub.base_url}  (database {db_path})")
    if hub.sftp is not None:
        print(
            f"SFTP file sync on {hub.sftp.host}:{hub.sftp.port}  host key {hub.sftp.fingerprint}  "
            f"(files processed {hub.sftp.quiet_seconds:g} s after the last change)"
        )
    if hub.mailer is not None:
        where = "its demo mail server" if hub.mailbox is not None else "the mail server"
        print(f"Email sent through {where} on {hub.mailer.settings.address}", end="")
        print(f"  (read it with: main.py hub --db {db_path} --mailbox)" if hub.mailbox is not None else "")
    credentials = dict(hub.issued_credentials)  # shown once: the hub keeps only a hash of each secret
    if args.new_app_secrets:
        credentials = {app_id: hub.reset_app_secret(app_id) for app_id in hub.app_ids()}
    if args.seed == "demo":
        demo = hub.seed_demo()
        credentials.update(demo.credentials)  # the demo issues fresh secrets for its connected apps
        print(f"Demo district: {demo.district_name} (id {demo.district_id})")
        print(f"  district admin token: {demo.admin_token}")
        print(f"  try: curl -H 'Authorization: Bearer {demo.admin_token}' {hub.base_url}/api/v1/session")
        if args.vendor_roster_out:
            print(f"  Symphony Math roster export: {write_demo_vendor_roster(args.vendor_roster_out)}")
    for app in credentials.values():
        print(f"  app {app.app_id}: client id {app.client_id}, secret {app.client_secret}")
    if not credentials:
        print("  app secrets were shown when first issued; --new-app-secrets issues new ones")
    else:
        app = next(iter(credentials.values()))
        print(
            f"  try: curl -u {app.client_id}:{app.client_secret} '{hub.base_url}/oauth/tokens?owner_type=district'"
        )
