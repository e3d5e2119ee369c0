"""The vocabularies of wizard.wire are the ones the hub speaks: every member accepted, nothing else."""

from __future__ import annotations

import pytest

from tests.hub_support import SignedUp
from wizard.hub.errors import ValidationFailed
from wizard.hub.models import UPLOAD_DONE
from wizard.wire.vocab import SsoProvider, SyncMethod, UploadStatus, choices


def test_every_sync_method_and_provider_is_accepted_by_the_hub(district: SignedUp) -> None:
    client, district_id = district.client, district.district_id
    for method in SyncMethod:
        assert client.set_sync_method(district_id, method).sync_method == method
    for provider in SsoProvider:
        assert client.set_identity_provider(district_id, provider).sso_provider == provider


@pytest.mark.parametrize(
    ("setter", "vocabulary"), [("set_sync_method", SyncMethod), ("set_identity_provider", SsoProvider)]
)
def test_anything_else_is_refused_naming_the_members(
    district: SignedUp, setter: str, vocabulary: type[SyncMethod] | type[SsoProvider]
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        getattr(district.client, setter)(district.district_id, "carrier_pigeon")
    assert choices(vocabulary) in str(refused.value.fields)


def test_an_upload_is_done_in_every_status_but_processing() -> None:
    assert {status for status in UploadStatus if status.done} == UPLOAD_DONE
    assert UploadStatus.PROCESSING not in UPLOAD_DONE
    assert UploadStatus.SUPERSEDED in UPLOAD_DONE
