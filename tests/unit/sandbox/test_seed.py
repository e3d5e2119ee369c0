from __future__ import annotations

import csv
import random
from pathlib import Path

from wizard.sandbox.catalog import sync_catalog
from wizard.sandbox.db import Database
from wizard.sandbox.seed import DEMO_SEED, demo_tables, seed_demo, write_demo_vendor_roster
from wizard.sandbox.settings import HubSettings
from wizard.sandbox.store import district_for_admin_token, load_roster


def test_demo_district_is_created_once_with_connected_apps(tmp_path: Path) -> None:
    db = Database(tmp_path / "hub.sqlite3")
    sync_catalog(db)
    first = seed_demo(db, HubSettings())
    again = seed_demo(db, HubSettings())
    assert first.district_id == again.district_id and first.admin_token != again.admin_token
    with db.read() as conn:
        assert conn.execute("SELECT count(*) FROM districts").fetchone()[0] == 1
        assert district_for_admin_token(conn, again.admin_token) == first.district_id
        statuses = dict(conn.execute("SELECT app_id, status FROM connections").fetchall())
        roster = load_roster(conn, first.district_id)
    assert statuses == {"symphony-math": "connected", "amplify-curriculum": "connected"}
    names = {school["name"] for school in roster.records["schools"].values()}
    assert "Cedar Middle" in names and len(names) == 4
    assert roster.count("students") > 200 and roster.count("teachers") > 20 and roster.count("sections") > 40
    assert set(again.credentials) == {"symphony-math", "amplify-curriculum"}


def test_demo_vendor_roster_breaks_links_at_cedar_middle(tmp_path: Path) -> None:
    path = write_demo_vendor_roster(tmp_path / "symphony.csv")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    students = demo_tables(random.Random(DEMO_SEED))["students"]
    sis_ids = {row["Student_id"] for row in students}
    cedar = [row for row in rows if row["School"] == "Cedar Middle"]
    linked = [row for row in cedar if row["ExternalID"] in sis_ids]
    cedar_students = sum(1 for row in students if row["School_id"] == "201")
    assert 0 < len(linked) < cedar_students
    assert any(row["ExternalID"] == "" for row in cedar)
    elementary = [row for row in rows if row["School"] == "Maple Valley Elementary"]
    assert elementary and all(row["ExternalID"] in sis_ids for row in elementary)
    assert not any(row["School"] == "Lakeside High" for row in rows)
