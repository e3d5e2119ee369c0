"""Cursor paging shared by the Data API and the onboarding API's directory lists.

Records are sorted by id; a page holds `limit` of them (the hub's default when absent, at most its maximum,
else 413) and the next page starts after the last id, given by a `rel: next` link.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from wizard.sandbox.deps import ApiError
from wizard.sandbox.settings import HubSettings

Item = TypeVar("Item", bound=Mapping[str, Any])


def page_size(settings: HubSettings, limit: int | None) -> int:
    """The page size asked for: the hub's default when absent, 413 past its maximum, 400 below one."""
    size = settings.default_page_size if limit is None else limit
    if size > settings.max_page_size:
        raise ApiError(413, "limit_too_large", f"limit may be at most {settings.max_page_size}.")
    if size < 1:
        raise ApiError(400, "bad_limit", "limit must be a positive number.")
    return size


def page_links(
    path: str,
    size: int,
    starting_after: str | None,
    next_after: str | None,
    extra: Mapping[str, str] | None = None,
) -> list[dict[str, str]]:
    """A page's `self` link, and its `next` link when more records follow the one with id `next_after`."""
    query = {**(extra or {}), "limit": str(size)}
    cursor = {"starting_after": starting_after} if starting_after else {}
    links = [{"rel": "self", "uri": f"{path}?{urlencode({**query, **cursor})}"}]
    if next_after is not None:
        links.append({"rel": "next", "uri": f"{path}?{urlencode({**query, 'starting_after': next_after})}"})
    return links


def page_of(
    settings: HubSettings,
    records: Sequence[Item],
    path: str,
    limit: int | None,
    starting_after: str | None,
    ending_before: str | None = None,
    extra: Mapping[str, str] | None = None,
) -> tuple[list[Item], list[dict[str, str]]]:
    """One page of `records` (sorted by id) and its `self`/`next` links."""
    size = page_size(settings, limit)
    ordered = sorted(records, key=lambda r: str(r["id"]))
    if starting_after:
        ordered = [r for r in ordered if str(r["id"]) > starting_after]
    if ending_before:
        ordered = [r for r in ordered if str(r["id"]) < ending_before][-size:]
    page, more = ordered[:size], len(ordered) > size
    return page, page_links(path, size, starting_after, str(page[-1]["id"]) if more and page else None, extra)
