from __future__ import annotations

import sqlite3
from pathlib import Path

from wizard.sandbox.db import MIGRATIONS, Database


def test_schema_is_created_in_wal_mode_and_reopening_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "hub.sqlite3"
    db = Database(path)
    assert db.schema_version == len(MIGRATIONS)
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO apps (id, name, data, client_id, secret_hash) VALUES ('a', 'A', '{}', 'c', 'h')"
        )
    again = Database(path)
    with again.read() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM apps").fetchone()[0] == 1


def test_a_failed_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    db = Database(tmp_path / "hub.sqlite3")
    try:
        with db.transaction() as conn:
            conn.execute(
                "INSERT INTO apps (id, name, data, client_id, secret_hash) VALUES ('a', 'A', '{}', 'c', 'h')"
            )
            conn.execute(
                "INSERT INTO apps (id, name, data, client_id, secret_hash) VALUES ('a', 'A', '{}', 'c', 'h')"
            )
    except sqlite3.IntegrityError:
        pass
    with db.read() as conn:
        assert conn.execute("SELECT count(*) FROM apps").fetchone()[0] == 0


def test_an_older_database_is_migrated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    conn.execute(
        "INSERT INTO districts (id, name, state, nces_id, sis_vendor, admin_name, admin_email, admin_phone, created)"
        " VALUES ('d1', 'Old District', 'CA', '', 'X', 'A', 'a@b.org', '5550000000', 'then')"
    )
    conn.commit()
    conn.close()
    db = Database(path)
    assert db.schema_version == len(MIGRATIONS) >= 2
    with db.read() as conn2:
        assert conn2.execute("SELECT name, roster_version FROM districts").fetchone()[:] == (
            "Old District",
            0,
        )


def test_unusable_database_files_give_a_clear_error(tmp_path: Path) -> None:
    import pytest

    from wizard.sandbox.db import HubDatabaseError

    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database, just some text " * 100)
    with pytest.raises(HubDatabaseError) as caught:
        Database(garbage)
    assert "Move that file aside" in str(caught.value)
    newer = tmp_path / "newer.sqlite3"
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    with pytest.raises(HubDatabaseError) as newer_error:
        Database(newer)
    assert "newer version" in str(newer_error.value)
