from __future__ import annotations

import re

from wizard.us_states import is_us_state, us_states


def test_the_list_holds_the_states_dc_and_territories_once_each() -> None:
    states = us_states()
    assert len(states) == 56  # 50 states, DC and 5 territories
    assert all(re.fullmatch(r"[A-Z]{2}", code) and name.strip() for code, name in states.items())
    assert len(set(states.values())) == len(states)
    assert (states["CA"], states["DC"], states["PR"]) == ("California", "District of Columbia", "Puerto Rico")


def test_codes_are_checked_in_any_case() -> None:
    assert is_us_state(" ca ") and is_us_state("WY")
    assert not is_us_state("XX") and not is_us_state("") and not is_us_state("California")
