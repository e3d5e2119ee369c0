"""Issue 14: a Data API page costs its page, not the district. A connection that shares the whole district
is paged from an index in id order (keyset) and served from the stored JSON, never by loading the roster;
its pages hold exactly what the general path serves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from tests.hub_support import FAST, FakeClock, SignedUp, connect, small_roster
from wizard.hub.dataapi import DataApiClient
from wizard.hub.models import SharingSettings
from wizard.sandbox import keyset, store
from wizard.sandbox.routes import data as data_routes
from wizard.sandbox.server import RunningHub


def _pages(base: str, token: str, resource: str, **params: Any) -> list[dict[str, Any]]:
    """Every record of `resource`, following the `next` links."""
    records: list[dict[str, Any]] = []
    uri: str | None = f"/v3.0/{resource}"
    query: dict[str, Any] | None = params
    while uri:
        answer = requests.get(
            base + uri, params=query, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert "X-RateLimit-Remaining" in answer.headers
        records += [item["data"] for item in body["data"]]
        uri = next((link["uri"] for link in body["links"] if link["rel"] == "next"), None)
        query = None
    return records


def test_whole_district_pages_come_from_the_index_and_match_the_general_path(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials = connect(hub, clock, district, "amplify-curriculum", tmp_path, SharingSettings("district"))
    api = DataApiClient(hub.base_url, credentials.client_id, credentials.client_secret, policy=FAST)
    [district_token] = api.district_tokens()
    token = district_token.access_token
    resources = [("users", {}), ("users", {"role": "staff"}), ("users", {"role": "districtadmin"}),
                 ("sections", {}), ("schools", {}), ("terms", {}), ("courses", {})]  # fmt: skip
    # the general path: the roster loaded and filtered in memory
    monkeypatch.setattr(keyset, "shares_whole_district", lambda *_: False)
    general = {(r, str(p)): _pages(hub.base_url, token, r, limit=1000, **p) for r, p in resources}
    monkeypatch.undo()

    def no_roster(*_: object) -> None:
        raise AssertionError("a whole-district page loaded the district's roster")

    monkeypatch.setattr(data_routes, "collection", no_roster)
    monkeypatch.setattr(store, "load_roster", no_roster)
    for resource, params in resources:
        for limit in (1, 7, 1000):
            paged = _pages(hub.base_url, token, resource, limit=limit, **params)
            assert paged == general[(resource, str(params))], (resource, params, limit)
    some = general[("users", "{}")][3]
    one = requests.get(
        f"{hub.base_url}/v3.0/users/{some['id']}", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    assert one.status_code == 200 and one.json()["data"] == some
    before = general[("users", "{}")][10]["id"]
    answer = requests.get(
        f"{hub.base_url}/v3.0/users",
        params={"ending_before": before, "limit": 4},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ).json()
    assert [item["data"]["id"] for item in answer["data"]] == [
        u["id"] for u in general[("users", "{}")][6:10]
    ]


def test_a_page_query_reads_the_index_in_id_order_without_sorting_the_district(tmp_path: Path) -> None:
    from wizard.sandbox.db import Database

    db = Database(tmp_path / "hub.sqlite3")
    with db.read() as conn:
        for kinds in (("students", "teachers", "staff"), ("sections",)):
            marks = ", ".join("?" for _ in kinds)
            source = "records" if len(kinds) == 1 else "records INDEXED BY records_by_id"
            plan = " | ".join(
                str(row[3])
                for row in conn.execute(
                    f"EXPLAIN QUERY PLAN SELECT id, data FROM {source} WHERE district_id = ? AND kind IN ({marks}) "
                    "AND id > ? ORDER BY id ASC LIMIT ?",
                    ("d", *kinds, "", 100),
                )
            )
            assert "TEMP B-TREE" not in plan and "USING INDEX" in plan, plan


def test_onboarding_pages_of_a_whole_district_connection_never_load_the_district(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sharing, its preview and the validation page answer from totals kept with the data set, and say
    exactly what the general path (the roster loaded and filtered) says."""
    from wizard.sandbox import views
    from wizard.sandbox.routes import common, launch
    from wizard.sandbox.routes import sharing as sharing_routes

    connect(hub, clock, district, "amplify-curriculum", tmp_path, SharingSettings("district"))
    client, district_id = district.client, district.district_id
    [connection] = client.connections(district_id)

    def answers() -> tuple[object, ...]:
        return (
            client.sharing(district_id, connection.id),
            client.preview_sharing(district_id, connection.id, SharingSettings("district")),
            client.set_sharing(district_id, connection.id, SharingSettings("district")),
            client.validation(district_id, connection.id),
        )

    for module in (views, sharing_routes, launch):
        monkeypatch.setattr(module, "needs_roster", lambda _sharing: True)
    general = answers()
    monkeypatch.undo()

    def no_roster(*_: object) -> None:
        raise AssertionError("a whole-district onboarding page loaded the district's roster")

    for module in (store, common, sharing_routes, launch):
        monkeypatch.setattr(module, "load_roster", no_roster)
    assert answers() == general
    validation = general[3]
    assert validation.counts["students"].shared == len(small_roster()["students"])  # type: ignore[attr-defined]
