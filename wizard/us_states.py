"""The US states, DC and territories a district can be in (resources/us_states.json), for the sign-up form
and the hub's sign-up check alike."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

US_STATES_FILE = Path(__file__).resolve().parents[1] / "resources" / "us_states.json"


@cache
def us_states() -> dict[str, str]:
    """Two-letter code -> name, in the order the form lists them."""
    data = json.loads(US_STATES_FILE.read_text(encoding="utf-8"))
    return {str(entry["code"]): str(entry["name"]) for entry in data["states"]}


def is_us_state(code: str) -> bool:
    """True for a known two-letter code (any case, surrounding spaces ignored)."""
    return code.strip().upper() in us_states()
