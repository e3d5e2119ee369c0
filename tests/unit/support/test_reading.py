from __future__ import annotations

import random

import pytest

from tests.unit.support.conftest import TODAY, Demo
from wizard.hub.errors import AuthError
from wizard.sandbox.seed import demo_tables
from wizard.sandbox.settings import FaultRule
from wizard.support.health import assess_health
from wizard.support.reading import DistrictSnapshot, connected_districts, read_district
from wizard.tasks import Cancelled, CancelToken

SYMPHONY_SCHOOLS = {"101", "102", "201"}


def expected_students() -> set[str]:
    tables = demo_tables(random.Random(2026))
    return {s["Student_id"] for s in tables["students"] if s["School_id"] in SYMPHONY_SCHOOLS}


def test_connected_districts_name_sync_state_and_last_sync(demo: Demo) -> None:
    client = demo.client()
    [district] = connected_districts(client)
    assert district.id == demo.seed.district_id
    assert district.name == "Maple Valley Unified School District"
    assert district.district.state == "success" and district.district.last_sync
    assert district.district.launch_date == "2026-09-01"


def test_wrong_secret_is_an_auth_error(demo: Demo) -> None:
    client = demo.client()
    client._secret = "not-the-secret"  # the secret is private; the test needs a wrong one
    with pytest.raises(AuthError):
        connected_districts(client)


def test_reads_exactly_what_is_shared(snapshot: DistrictSnapshot) -> None:
    assert {s.sis_id for s in snapshot.schools} == SYMPHONY_SCHOOLS
    assert {s.sis_id for s in snapshot.students} == expected_students()
    assert len(snapshot.teachers) == 21 and len(snapshot.sections) == 39
    assert snapshot.district.name.startswith("Maple Valley")


def test_small_pages_give_the_same_records_with_progress(demo: Demo, snapshot: DistrictSnapshot) -> None:
    client = demo.client()
    [district] = connected_districts(client)
    reports: list[tuple[int, int, str]] = []
    paged = read_district(
        client.for_district(district.token, page_size=40),
        lambda done, total, message="": reports.append((done, total, message)),
        sleep=demo.clock.sleep,
    )
    assert paged.requests >= snapshot.requests + len(snapshot.users) // 40
    assert [u.id for u in paged.users] == [u.id for u in snapshot.users]
    assert [s.id for s in paged.sections] == [s.id for s in snapshot.sections]
    assert reports[-1][0] == reports[-1][1] and "requests" in reports[-1][2]


def test_cancel_stops_between_pages(demo: Demo) -> None:
    client = demo.client()
    [district] = connected_districts(client)
    cancel = CancelToken()
    pages = 0

    def progress(done: int, total: int, message: str = "") -> None:
        nonlocal pages
        if "page" in message:
            pages += 1
            if pages == 2:
                cancel.cancel()

    with pytest.raises(Cancelled):
        read_district(client.for_district(district.token, page_size=20), progress, cancel)
    assert pages == 2


def test_a_district_before_launch(demo: Demo) -> None:
    amplify = demo.client(demo.seed.credentials["amplify-curriculum"])
    [district] = connected_districts(amplify)
    assert district.name.startswith("Maple Valley") and district.district.launch_date is None
    snapshot = read_district(amplify.for_district(district.token), sleep=demo.clock.sleep)
    assert {s.subject for s in snapshot.sections} == {"english/language arts", "science"}


def test_resources_the_app_may_not_read_are_skipped_and_named(demo: Demo, snapshot: DistrictSnapshot) -> None:
    client = demo.client()
    [district] = connected_districts(client)
    demo.hub.set_faults([FaultRule("/v3.1/terms", error_rate=1.0, error_status=403)])
    try:
        partial = read_district(client.for_district(district.token), sleep=demo.clock.sleep)
        demo.hub.set_faults([FaultRule("/v3.1/users", error_rate=1.0, error_status=403)])
        with pytest.raises(AuthError):
            read_district(client.for_district(district.token), sleep=demo.clock.sleep)
    finally:
        demo.hub.set_faults([])
    assert partial.unreadable == ("terms",) and partial.terms == ()
    assert [u.id for u in partial.users] == [u.id for u in snapshot.users]
    assert assess_health(partial, TODAY).unreadable == ("terms",)
