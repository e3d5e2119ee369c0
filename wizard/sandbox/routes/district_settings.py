"""A district's settings: how its roster syncs and where its users sign in (staff admins: `routes.staff`)."""

from __future__ import annotations

from fastapi import APIRouter

from wizard.sandbox.deps import API_ERRORS, Context, District, invalid_fields
from wizard.sandbox.store import district_row, set_sso_provider, set_sync_method
from wizard.sandbox.views import district_view
from wizard.wire.onboarding import DistrictOut, SsoIn, SyncIn
from wizard.wire.vocab import SsoProvider, SyncMethod, choices

router = APIRouter(prefix="/api/v1", responses=API_ERRORS, tags=["districts"])


@router.put("/districts/{district_id}/sync")
def set_sync(district_id: District, body: SyncIn, context: Context) -> DistrictOut:
    if body.method not in set(SyncMethod):
        raise invalid_fields({"method": f"Choose one of: {choices(SyncMethod)}."})
    with context.db.transaction() as conn:
        set_sync_method(conn, district_id, body.method)
        row = district_row(conn, district_id)
        assert row is not None
        return district_view(conn, row)


@router.put("/districts/{district_id}/sso")
def set_sso(district_id: District, body: SsoIn, context: Context) -> DistrictOut:
    if body.provider not in set(SsoProvider):
        raise invalid_fields({"provider": f"Choose one of: {choices(SsoProvider)}."})
    with context.db.transaction() as conn:
        set_sso_provider(conn, district_id, body.provider)
        row = district_row(conn, district_id)
        assert row is not None
        return district_view(conn, row)
