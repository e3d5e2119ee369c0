from __future__ import annotations

import re

from wizard.us_states import fips_codes, is_us_state, nces_state_problem, us_states


def test_the_list_holds_the_states_dc_and_territories_once_each() -> None:
    states = us_states()
    assert len(states) == 56  # 50 states, DC and 5 territories
    assert all(re.fullmatch(r"[A-Z]{2}", code) and name.strip() for code, name in states.items())
    assert len(set(states.values())) == len(states)
    assert (states["CA"], states["DC"], states["PR"]) == ("California", "District of Columbia", "Puerto Rico")


def test_codes_are_checked_in_any_case() -> None:
    assert is_us_state(" ca ") and is_us_state("WY")
    assert not is_us_state("XX") and not is_us_state("") and not is_us_state("California")


def test_every_state_has_its_own_two_digit_fips_code() -> None:
    codes = fips_codes()
    assert codes.keys() == us_states().keys()
    assert len(set(codes.values())) == len(codes)
    assert (codes["CA"], codes["OR"], codes["PR"]) == ("06", "41", "72")


def test_an_nces_id_must_start_with_the_state_fips_code() -> None:
    assert nces_state_problem("0601234", "CA") is None
    assert nces_state_problem("4101234", "or") is None
    problem = nces_state_problem("0601234", "OR")
    assert problem is not None and "California" in problem and "41" in problem
    assert "no state" in (nces_state_problem("9901234", "OR") or "")
    assert nces_state_problem("06012", "OR") is None  # the length is checked on its own
