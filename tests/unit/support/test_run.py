from __future__ import annotations

import pytest

from wizard.hub.dataapi import DataDistrict, DistrictToken
from wizard.support.reading import ConnectedDistrict
from wizard.support.run import NoDistrict, choose_district


def connected(district_id: str, name: str) -> ConnectedDistrict:
    token = DistrictToken("t-" + district_id, district_id, "", (), "secret-token")
    return ConnectedDistrict(token, DataDistrict.from_json({"id": district_id, "name": name}))


def test_choose_district_by_id_or_name_and_when_it_is_the_only_one() -> None:
    one, two = connected("d1", "Maple Valley"), connected("d2", "Riverside")
    assert choose_district([one], None) is one
    assert choose_district([one, two], "d2") is two
    assert choose_district([one, two], "riverside") is two
    assert (
        choose_district(
            [one, connected("d3", "Maple Valley Unified School District")], "maple  valley unified"
        )
        is not one
    )
    with pytest.raises(NoDistrict, match="'Maple' is not connected"):
        choose_district([one, connected("d3", "Maple Valley Unified")], "Maple")  # two have it: which?
    with pytest.raises(NoDistrict, match="2 districts use your app") as several:
        choose_district([one, two], None)
    assert "Maple Valley (d1)" in several.value.hint and "secret-token" not in str(several.value)
    with pytest.raises(NoDistrict, match="No district has connected"):
        choose_district([], None)
