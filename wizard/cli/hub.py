"""`python main.py hub`: the embedded hub as a standalone server, optionally with a demo district."""

from __future__ import annotations

import argparse
import threading
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "hub",
        help="run the embedded hub as a standalone server",
        description="Serve the embedded hub (onboarding API, Data API, Instant Login) until Ctrl+C. "
        "Fault injection for testing: set WIZARD_HUB_FAULTS, e.g. '/v3.0/*:error=0.2,latency=0.1,429=0.1'.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8765, help="port to listen on (default 8765; 0 = any free port)"
    )
    parser.add_argument(
        "--db", type=Path, default=None, help="SQLite file (default: in the user data folder)"
    )
    parser.add_argument("--seed", choices=["demo"], help="create the demo district and print its credentials")
    parser.add_argument(
        "--vendor-delay",
        type=float,
        default=None,
        help="seconds the simulated vendors take to answer (default 20)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from wizard.sandbox.seed import seed_demo
    from wizard.sandbox.server import default_hub_db, start_hub
    from wizard.sandbox.settings import HubSettings

    settings = HubSettings.from_env(vendor_delay=args.vendor_delay)
    db_path: Path = args.db or default_hub_db()
    hub = start_hub(db_path, host=args.host, port=args.port, settings=settings)
    print(f"Embedded hub serving on {hub.base_url}  (database {db_path})")
    for credentials in hub.issued_credentials.values():
        print(
            f"  app {credentials.app_id}: client id {credentials.client_id}, secret {credentials.client_secret}"
        )
    if args.seed == "demo":
        demo = seed_demo(hub.context.db, settings)
        print(f"Demo district: {demo.district_name} (id {demo.district_id})")
        print(f"  district admin token: {demo.admin_token}")
        for credentials in demo.credentials.values():
            print(
                f"  app {credentials.app_id}: client id {credentials.client_id}, secret {credentials.client_secret}"
            )
        print(f"Try: curl -u CLIENT_ID:SECRET '{hub.base_url}/oauth/tokens?owner_type=district'")
    print("Press Ctrl+C to stop.", flush=True)
    try:
        threading.Event().wait()
    finally:
        hub.stop()
    return 0
