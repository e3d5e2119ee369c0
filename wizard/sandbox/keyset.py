"""Data API pages that cost their page, not the district: keyset paging over the records table.

When a connection shares the whole district, a page is `WHERE id > :starting_after ORDER BY id LIMIT :n` on
an index in id order, and the records go out as the JSON text they are stored as (no parsing, no model
building per record). Narrower sharing still needs the district's roster to know which records are shared
(wizard.sandbox.sharing), so those pages take the general path.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from fastapi import Response

from wizard.sandbox import app_access
from wizard.sandbox.db import loads
from wizard.sandbox.records import USER_KINDS, Record

Row = tuple[str, str]  # (id, the record's JSON text)
ROLE_KINDS: dict[str | None, tuple[str, ...]] = {
    None: tuple(USER_KINDS),
    "student": ("students",),
    "teacher": ("teachers",),
    "staff": ("staff", "teachers"),  # a teacher with a staff role is one user with both
    "districtadmin": (),
}


def shares_whole_district(conn: sqlite3.Connection, app_id: str, district_id: str) -> bool:
    row = app_access.grant(conn, app_id, district_id)
    sharing = loads(row["sharing"]) if row is not None else None
    return isinstance(sharing, dict) and sharing.get("type") == "district"


def kinds_of(resource: str, role: str | None) -> tuple[str, ...]:
    return ROLE_KINDS[role] if resource == "users" else (resource,)


def record_rows(
    conn: sqlite3.Connection,
    district_id: str,
    kinds: Sequence[str],
    *,
    role: str | None = None,
    starting_after: str | None = None,
    ending_before: str | None = None,
    limit: int,
    only_id: str | None = None,
) -> list[Row]:
    """Up to `limit` records of `kinds` in id order after `starting_after`, or the last `limit` before
    `ending_before`; each read from an index in id order, so the cost is the page's."""
    if not kinds:
        return []
    marks = ", ".join("?" for _ in kinds)
    # one kind: the primary key (district, kind, id) is in id order; several: the (district, id) index
    source = "records" if len(kinds) == 1 else "records INDEXED BY records_by_id"
    where = [f"district_id = ? AND kind IN ({marks})"]
    params: list[object] = [district_id, *kinds]
    if role == "staff":
        where.append("(kind = 'staff' OR json_type(data, '$.roles.staff') IS NOT NULL)")
    if only_id is not None:
        where.append("id = ?")
        params.append(only_id)
    if starting_after:
        where.append("id > ?")
        params.append(starting_after)
    if ending_before:
        where.append("id < ?")
        params.append(ending_before)
    order = "DESC" if ending_before else "ASC"
    rows = [
        (str(row[0]), str(row[1]))
        for row in conn.execute(
            f"SELECT id, data FROM {source} WHERE {' AND '.join(where)} ORDER BY id {order} LIMIT ?",
            (*params, limit),
        )
    ]
    return rows[::-1] if ending_before else rows


def merge(
    rows: list[Row], extra: Sequence[Record], starting_after: str | None, ending_before: str | None
) -> list[Row]:
    """`rows` with a few computed records (district admins) in their id places, within the cursors."""
    within = [
        (str(record["id"]), json.dumps(record, separators=(",", ":"), ensure_ascii=False))
        for record in extra
        if (not starting_after or str(record["id"]) > starting_after)
        and (not ending_before or str(record["id"]) < ending_before)
    ]
    return sorted([*rows, *within]) if within else rows


def list_response(
    path: str, rows: Sequence[Row], links: list[dict[str, str]], headers: dict[str, str]
) -> Response:
    """A RecordList answer written from the stored JSON texts."""
    items = ",".join(
        f'{{"data":{text},"uri":{json.dumps(f"{path}/{record_id}")}}}' for record_id, text in rows
    )
    body = f'{{"data":[{items}],"links":{json.dumps(links, separators=(",", ":"))}}}'
    return Response(body.encode(), media_type="application/json", headers=headers)


def one_response(path: str, text: str, headers: dict[str, str]) -> Response:
    """A RecordOne answer written from the stored JSON text."""
    links = json.dumps([{"rel": "self", "uri": path}], separators=(",", ":"))
    return Response(
        f'{{"data":{text},"links":{links}}}'.encode(), media_type="application/json", headers=headers
    )
