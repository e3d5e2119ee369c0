"""The US states, DC and territories a district can be in (the shipped us_states.json), for the sign-up form
and the hub's sign-up check alike."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from wizard.resources import resource


def _states() -> list[dict[str, Any]]:
    states: list[dict[str, Any]] = json.loads(resource("us_states.json").read_text(encoding="utf-8"))[
        "states"
    ]
    return states


@cache
def us_states() -> dict[str, str]:
    """Two-letter code -> name, in the order the form lists them."""
    return {str(entry["code"]): str(entry["name"]) for entry in _states()}


@cache
def fips_codes() -> dict[str, str]:
    """Two-letter code -> two-digit FIPS state code, which NCES district ids start with."""
    return {str(entry["code"]): str(entry["fips"]) for entry in _states()}


def nces_state_problem(nces_id: str, state_code: str) -> str | None:
    """Why a 7-digit NCES district id cannot belong to a district in `state_code`, or None when it can.

    NCES district ids start with the state's FIPS code (California 06…, Oregon 41…)."""
    nces_id, state_code = nces_id.strip(), state_code.strip().upper()
    expected = fips_codes().get(state_code)
    if expected is None or len(nces_id) != 7 or nces_id.startswith(expected):
        return None
    belongs_to = next((code for code, fips in fips_codes().items() if nces_id.startswith(fips)), None)
    where = f"a district in {us_states()[belongs_to]}" if belongs_to else "no state"
    return (
        f"{nces_id} is the id of {where}: NCES ids of {us_states()[state_code]} districts start with "
        f"{expected}. Check the id (nces.ed.gov) or the state."
    )


def is_us_state(code: str) -> bool:
    """True for a known two-letter code (any case, surrounding spaces ignored)."""
    return code.strip().upper() in us_states()
