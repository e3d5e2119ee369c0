"""A busy hub (429s injected by the embedded hub's fault injection) makes the run slower, never wrong."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.unit.support.conftest import TODAY, Demo
from wizard.hub.transport import RetryPolicy
from wizard.sandbox.settings import FaultRule
from wizard.support.health import assess_health
from wizard.support.reading import DistrictSnapshot, connected_districts, read_district


@pytest.fixture
def busy_hub(demo: Demo) -> Iterator[FaultRule]:
    """The next twelve Data API calls answer 429 (Retry-After: 3); then the hub is fine again."""
    rule = FaultRule("/v3.1/*", rate_limit_rate=1.0, retry_after=3, times=12)
    demo.hub.set_faults([rule])
    demo.clock.sleeps.clear()
    yield rule
    demo.hub.set_faults([])


def _read(demo: Demo, policy: RetryPolicy) -> DistrictSnapshot:
    client = demo.client(policy=policy)
    [district] = connected_districts(client, sleep=demo.clock.sleep)
    return read_district(client.for_district(district.token, page_size=30), sleep=demo.clock.sleep)


def test_transport_waits_out_the_429s(demo: Demo, snapshot: DistrictSnapshot, busy_hub: FaultRule) -> None:
    busy = _read(demo, RetryPolicy(attempts=13, backoff=0.001))  # the transport alone absorbs them all
    # every injected 429 was waited out as the hub asked (in half-second steps, so Cancel can stop a wait)
    assert sum(demo.clock.sleeps) == pytest.approx(3.0 * 12) and max(demo.clock.sleeps) <= 0.5
    assert assess_health(busy, TODAY).totals == assess_health(snapshot, TODAY).totals
    assert [u.id for u in busy.users] == [u.id for u in snapshot.users]


def test_listing_resumes_after_the_transport_gives_up(demo: Demo, snapshot: DistrictSnapshot) -> None:
    demo.hub.set_faults([FaultRule("/v3.1/*", rate_limit_rate=0.4, retry_after=3, times=12)])
    demo.clock.sleeps.clear()
    refused: list[str] = []
    client = demo.client(policy=RetryPolicy(attempts=1))  # every 429 reaches the reader
    client._transport.session.hooks["response"].append(  # watch the wire: which calls were refused
        lambda response, *args, **kwargs: (
            refused.append(response.url) if response.status_code == 429 else None
        )
    )
    try:
        [district] = connected_districts(client, sleep=demo.clock.sleep)
        busy = read_district(client.for_district(district.token, page_size=30), sleep=demo.clock.sleep)
    finally:
        demo.hub.set_faults([])
    assert demo.clock.sleeps == [3.0] * len(refused) and len(refused) == 12
    assert any("starting_after" in url for url in refused)  # some were refused in the middle of a listing
    assert [u.id for u in busy.users] == [u.id for u in snapshot.users]  # no record twice, none missing
    assert [s.id for s in busy.sections] == [s.id for s in snapshot.sections]
    assert assess_health(busy, TODAY) == assess_health(snapshot, TODAY)
