"""A district's settings: how its roster syncs and where its users sign in (staff admins: `routes.staff`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from enum import StrEnum

from fastapi import APIRouter

from wizard.sandbox.deps import API_ERRORS, Context, District, invalid_fields
from wizard.sandbox.store import district_row, set_sso_provider, set_sync_method
from wizard.sandbox.views import district_view
from wizard.wire.onboarding import DistrictOut, SsoIn, SyncIn
from wizard.wire.vocab import SsoProvider, SyncMethod, choices

router = APIRouter(prefix="/api/v1", responses=API_ERRORS, tags=["districts"])


@router.put("/districts/{district_id}/sync")
def set_sync(district_id: District, body: SyncIn, context: Context) -> DistrictOut:
    return _save(context, district_id, "method", body.method, SyncMethod, set_sync_method)


@router.put("/districts/{district_id}/sso")
def set_sso(district_id: District, body: SsoIn, context: Context) -> DistrictOut:
    return _save(context, district_id, "provider", body.provider, SsoProvider, set_sso_provider)


def _save(
    context: Context,
    district_id: str,
    field: str,
    value: str,
    vocabulary: type[StrEnum],
    store: Callable[[sqlite3.Connection, str, str], None],
) -> DistrictOut:
    """Check `value` is one of `vocabulary` (a 422 naming `field` if not), store it, answer the district."""
    if value not in set(vocabulary):
        raise invalid_fields({field: f"Choose one of: {choices(vocabulary)}."})
    with context.db.transaction() as conn:
        store(conn, district_id, value)
        row = district_row(conn, district_id)
        assert row is not None
        return district_view(conn, row)
