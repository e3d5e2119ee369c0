"""Reading what one district shares with the app, page by page, cancellable, patient with rate limits.

The transport already waits out a 429 a few times; when the hub keeps saying "slow down" we wait what it
asks and resume the listing after the last record we got (the Data API sorts by id), so a busy hub makes
the run slower, never wrong.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from wizard.hub.dataapi import (
    DataApiClient,
    DataDistrict,
    DataSchool,
    DataSection,
    DataTerm,
    DataUser,
    DistrictData,
    DistrictToken,
)
from wizard.hub.errors import AuthError, RateLimited
from wizard.tasks import CancelToken, ProgressCallback, no_progress

# The Data API resources a support run reads, in order (`users` once, split by role afterwards).
RESOURCES = ("districts", "schools", "users", "sections", "terms")
# Without these the checks mean nothing; the others may be refused by the app's scopes and are then skipped.
REQUIRED = frozenset({"districts", "users"})
MAX_RATE_LIMIT_RESUMES = 20
MAX_RATE_LIMIT_WAIT = 120.0
T = TypeVar("T")


@dataclass(frozen=True)
class ConnectedDistrict:
    """A district that authorized the app: its token and what /v3.0/districts says about its sync."""

    token: DistrictToken
    district: DataDistrict

    @property
    def id(self) -> str:
        return self.district.id or self.token.district_id

    @property
    def name(self) -> str:
        return self.district.name or self.token.district_id


@dataclass(frozen=True)
class DistrictSnapshot:
    """Everything the district shares with the app, as read at one moment."""

    district: DataDistrict
    schools: tuple[DataSchool, ...]
    users: tuple[DataUser, ...]
    sections: tuple[DataSection, ...]
    terms: tuple[DataTerm, ...]
    requests: int  # pages read, for the summary ("read in 14 requests")
    unreadable: tuple[str, ...] = ()  # resources the app's scopes do not let it read (403)

    @functools.cached_property
    def students(self) -> tuple[DataUser, ...]:
        return tuple(u for u in self.users if u.has_role("student"))

    @functools.cached_property
    def teachers(self) -> tuple[DataUser, ...]:
        return tuple(u for u in self.users if u.has_role("teacher"))

    @functools.cached_property
    def _school_names(self) -> dict[str, str]:
        return {school.id: school.name for school in self.schools}

    def school_name(self, school_id: str | None) -> str:
        if school_id in self._school_names:
            return self._school_names[school_id]
        return "(no school)" if not school_id else f"(school {school_id} not shared)"


def patiently(
    call: Callable[[], T],
    cancel: CancelToken,
    sleep: Callable[[float], None],
    on_wait: Callable[[float], None] = lambda seconds: None,
) -> T:
    """`call()`, waiting and trying again when the hub still says "slow down" after the transport's retries."""
    for _ in range(MAX_RATE_LIMIT_RESUMES):
        try:
            return call()
        except RateLimited as busy:
            wait = min(max(busy.retry_after, 1.0), MAX_RATE_LIMIT_WAIT)
            on_wait(wait)
            cancel.raise_if_cancelled()
            sleep(wait)
    return call()


def _first_district(data: DistrictData) -> DataDistrict | None:
    return next(data.districts(), None)


def connected_districts(
    client: DataApiClient,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> list[ConnectedDistrict]:
    """The districts using the app (GET /oauth/tokens?owner_type=district), each with /v3.0/districts."""
    cancel = cancel or CancelToken()
    progress(0, 1, "Listing the districts that use your app…")
    tokens = patiently(client.district_tokens, cancel, sleep)
    found = []
    for done, token in enumerate(tokens):
        cancel.raise_if_cancelled()
        progress(done, len(tokens), f"Reading district {done + 1} of {len(tokens)}…")
        district = patiently(
            functools.partial(_first_district, client.for_district(token, cancel=cancel)), cancel, sleep
        )
        found.append(ConnectedDistrict(token, district or DataDistrict.from_json({"id": token.district_id})))
    progress(len(tokens), len(tokens), f"{len(tokens)} connected district(s).")
    return sorted(found, key=lambda d: d.name.casefold())


class _Pager:
    """Counts pages and resumes a listing after a rate limit the transport could not wait out."""

    def __init__(
        self,
        data: DistrictData,
        progress: ProgressCallback,
        cancel: CancelToken,
        sleep: Callable[[float], None],
    ) -> None:
        self.data = data
        self.progress = progress
        self.cancel = cancel
        self.sleep = sleep
        self.requests = 0
        self.step = 0

    def records(self, resource: str) -> Iterator[dict[str, Any]]:
        last_id: str | None = None
        resumes = 0
        while True:
            params = {"starting_after": last_id} if last_id else {}
            try:
                for page in self.data.pages(resource, **params):
                    self.cancel.raise_if_cancelled()
                    self.requests += 1
                    for record in page:
                        last_id = str(record.get("id", last_id))
                        yield record
                    self.progress(
                        self.step, len(RESOURCES), f"Reading {resource}: page {self.requests} read…"
                    )
                return
            except RateLimited as busy:
                resumes += 1
                if resumes > MAX_RATE_LIMIT_RESUMES:
                    raise
                wait = min(max(busy.retry_after, 1.0), MAX_RATE_LIMIT_WAIT)
                self.progress(
                    self.step, len(RESOURCES), f"The hub asked us to slow down; waiting {wait:.0f} s…"
                )
                self.cancel.raise_if_cancelled()
                self.sleep(wait)


def read_district(
    data: DistrictData,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> DistrictSnapshot:
    """Read every record the district shares with the app (schools, users, sections, terms)."""
    pager = _Pager(data, progress, cancel or CancelToken(), sleep)
    read: dict[str, list[dict[str, Any]]] = {}
    unreadable = []
    for step, resource in enumerate(RESOURCES):
        pager.step = step
        progress(step, len(RESOURCES), f"Reading {resource}…")
        try:
            read[resource] = list(pager.records(resource))
        except AuthError as refused:
            if resource in REQUIRED or refused.status != 403:
                raise
            read[resource] = []
            unreadable.append(resource)
    progress(len(RESOURCES), len(RESOURCES), f"Read the district's data in {pager.requests} requests.")
    districts = [DataDistrict.from_json(d) for d in read["districts"]]
    return DistrictSnapshot(
        district=districts[0] if districts else DataDistrict.from_json({}),
        schools=tuple(DataSchool.from_json(d) for d in read["schools"]),
        users=tuple(DataUser.from_json(d) for d in read["users"]),
        sections=tuple(DataSection.from_json(d) for d in read["sections"]),
        terms=tuple(DataTerm.from_json(d) for d in read["terms"]),
        requests=pager.requests,
        unreadable=tuple(unreadable),
    )
