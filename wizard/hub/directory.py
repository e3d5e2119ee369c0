"""The onboarding client's calls on the district's directory (`/api/v1/districts/{d}/schools|sections|users`).

The wizard's pickers, login-link check and portal preview read these; every list pages like the Data API and
is followed to its end here. `OnboardingClient` inherits them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import islice
from typing import Any, TypeVar
from urllib.parse import urlencode

from wizard.hub.calls import HubCalls
from wizard.hub.dataapi import MAX_PAGE_SIZE
from wizard.hub.errors import HubError
from wizard.hub.models import RosterSchool, RosterSection, RosterUser
from wizard.hub.transport import next_link
from wizard.wire import directory

DEFAULT_PAGE_SIZE = 1000

DirectoryPage = TypeVar("DirectoryPage", directory.SchoolPage, directory.SectionPage, directory.UserPage)


class DirectoryCalls(HubCalls):
    """The directory lists, inherited by OnboardingClient."""

    def _each(
        self,
        model: type[DirectoryPage],
        path: str,
        what: str,
        params: Mapping[str, str] | None,
        page_size: int,
    ) -> Iterator[Any]:
        """Every row of a directory list (sorted by id), following the hub's `rel: next` links to the end."""
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise HubError(f"A page holds 1 to {MAX_PAGE_SIZE} records, not {page_size}.")
        query = {name: value for name, value in (params or {}).items() if value}
        uri: str | None = f"{path}?{urlencode({**query, 'limit': page_size})}"
        while uri is not None:
            page = self._call(model, "GET", uri, what)
            yield from page.data
            uri = next_link([link.model_dump() for link in page.links])

    def schools(self, district_id: str, *, page_size: int = DEFAULT_PAGE_SIZE) -> Iterator[RosterSchool]:
        """Every school of the district with its hub id and record counts, page by page."""
        path = f"/api/v1/districts/{district_id}/schools"
        for item in self._each(directory.SchoolPage, path, "list your schools", None, page_size):
            yield RosterSchool.from_wire(item)

    def sections(
        self, district_id: str, *, school_id: str = "", query: str = "", page_size: int = DEFAULT_PAGE_SIZE
    ) -> Iterator[RosterSection]:
        """The district's sections (of one school, or matching `query` in name, SIS id or teacher)."""
        params = {"school_id": school_id, "query": query}
        path = f"/api/v1/districts/{district_id}/sections"
        yield from self._each(directory.SectionPage, path, "list your sections", params, page_size)

    def users(
        self,
        district_id: str,
        *,
        role: str | None = None,
        query: str = "",
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Iterator[RosterUser]:
        """Students, teachers and staff (`role` narrows) whose SIS id, name or email contains `query`."""
        params = {"role": role or "", "query": query}
        path = f"/api/v1/districts/{district_id}/users"
        yield from self._each(directory.UserPage, path, "list your users", params, page_size)

    def find_users(
        self, district_id: str, query: str = "", *, role: str | None = None, limit: int = 100
    ) -> list[RosterUser]:
        """The first `limit` users whose SIS id, name or email contains `query` (one request)."""
        return list(islice(self.users(district_id, role=role, query=query, page_size=limit), limit))

    def shared_users(
        self,
        district_id: str,
        connection_id: str,
        *,
        role: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Iterator[RosterUser]:
        """Everyone the app can see, e.g. to check each shared student's SIS id against the vendor's roster."""
        path = f"/api/v1/districts/{district_id}/connections/{connection_id}/shared-users"
        yield from self._each(
            directory.UserPage, path, "list the users shared with the app", {"role": role or ""}, page_size
        )
