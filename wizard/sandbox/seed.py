"""`--seed demo`: a demo district with a realistic roster and connected apps, for exploring and support.

The roster itself (`wizard.demo`) is shared with the wizard, which offers it as SIS files.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass, field

# The demo roster lives in one neutral place (wizard.demo), shared with the wizard; re-exported for callers here.
from wizard.demo import DEMO_SEED, demo_tables, demo_vendor_roster, write_demo_vendor_roster
from wizard.sandbox import connections as lifecycle
from wizard.sandbox.catalog import AppCredentials, reset_app_secret
from wizard.sandbox.db import Database, dumps
from wizard.sandbox.records import build_roster, hub_id
from wizard.sandbox.settings import HubSettings
from wizard.sandbox.sharing import Sharing
from wizard.sandbox.store import add_event, app_entry, app_row, iso, new_token, save_roster, token_hash

__all__ = [
    "DEMO_DISTRICT_ID",
    "DEMO_SEED",
    "DemoSeed",
    "demo_tables",
    "demo_vendor_roster",
    "seed_demo",
    "write_demo_vendor_roster",
]

DEMO_DISTRICT_ID = hub_id("demo", "district", "maple-valley")


@dataclass
class DemoSeed:
    district_id: str
    district_name: str
    admin_token: str = field(repr=False)
    credentials: dict[str, AppCredentials]


def seed_demo(db: Database, settings: HubSettings) -> DemoSeed:
    """Create the demo district once; every call issues a fresh admin token and fresh app secrets to print."""
    now = settings.clock()
    token = new_token()
    with db.transaction() as conn:
        exists = conn.execute("SELECT 1 FROM districts WHERE id = ?", (DEMO_DISTRICT_ID,)).fetchone()
        if not exists:
            _create_demo(conn, now)
        conn.execute(
            "INSERT INTO admin_tokens (token_hash, district_id) VALUES (?, ?)",
            (token_hash(token), DEMO_DISTRICT_ID),
        )
    credentials = {app_id: reset_app_secret(db, app_id) for app_id in ("symphony-math", "amplify-curriculum")}
    return DemoSeed(DEMO_DISTRICT_ID, "Maple Valley Unified School District", token, credentials)


def _create_demo(conn: sqlite3.Connection, now: float) -> None:
    stamp = iso(now)
    conn.execute(
        "INSERT INTO districts (id, name, state, nces_id, sis_vendor, admin_name, admin_email, admin_phone, "
        "sync_method, sso_provider, sync_state, last_sync, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            DEMO_DISTRICT_ID,
            "Maple Valley Unified School District",
            "CA",
            "0612345",
            "PowerSchool",
            "Dana Whitfield",
            "dana.whitfield@maplevalley.k12.ca.us",
            "(555) 201-7788",
            "sftp",
            "google",
            "success",
            stamp,
            stamp,
        ),
    )
    roster = build_roster(DEMO_DISTRICT_ID, demo_tables(random.Random(DEMO_SEED)), stamp)
    save_roster(conn, DEMO_DISTRICT_ID, roster)
    schools = {record["name"]: record_id for record_id, record in roster.records["schools"].items()}
    symphony_sharing = Sharing(
        "schools",
        school_ids=[
            schools["Maple Valley Elementary"],
            schools["Oak Ridge Elementary"],
            schools["Cedar Middle"],
        ],
    )
    science = sorted(
        i
        for i, s in roster.records["sections"].items()
        if s["subject"] in {"science", "english/language arts"}
    )
    amplify_sharing = Sharing("sections", section_ids=science)
    for app_id, sharing, launch in (
        ("symphony-math", symphony_sharing, "2026-09-01"),
        ("amplify-curriculum", amplify_sharing, None),
    ):
        connection_id = lifecycle.create(conn, DEMO_DISTRICT_ID, app_id, now)
        row = conn.execute("SELECT * FROM connections WHERE id = ?", (connection_id,)).fetchone()
        app = app_row(conn, app_id)
        assert app is not None
        scopes = [scope["name"] for scope in app_entry(app)["scopes"]]
        lifecycle.authorize(conn, row, scopes, now)
        lifecycle.accept(
            conn,
            row,
            now,
            "Welcome aboard! Your students are linked on ExternalID." if app_id == "symphony-math" else "",
        )
        conn.execute(
            "UPDATE connections SET sharing = ?, launch_date = ? WHERE id = ?",
            (dumps(sharing.as_dict()), launch, connection_id),
        )
        add_event(conn, connection_id, stamp, "district", "sharing_saved", f"Sharing set to {sharing.type}.")
