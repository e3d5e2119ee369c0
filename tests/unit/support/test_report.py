from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tests.unit.support.conftest import TODAY, Demo
from tests.unit.test_credentials import MemoryKeyring
from wizard.credentials import CredentialStore
from wizard.roster.vendor import Outcome
from wizard.support import linkcheck as lc
from wizard.support.health import assess_health
from wizard.support.onboarding_state import onboarding_state
from wizard.support.reading import DistrictSnapshot
from wizard.support.report import ReportContext, hashed, render_report, report_key
from wizard.support.troubleshoot import explain_login

GENERATED = dt.datetime(2026, 11, 2, 15, 30, tzinfo=dt.UTC)
KEY = b"k" * 32


@pytest.fixture(scope="module")
def parts(demo: Demo, snapshot: DistrictSnapshot) -> dict[str, object]:
    links = lc.check_login_links(snapshot, lc.read_vendor_roster(demo.roster_path))
    lost = next(s for s in links.students if s.outcome == Outcome.EXTERNAL_ID_LOST_ZEROS)
    return {
        "health": assess_health(snapshot, TODAY),
        "onboarding": onboarding_state(demo.vendor(), demo.seed.district_id),
        "links": links,
        "diagnoses": (
            explain_login(snapshot, lost.student.sis_id or "", today=TODAY, app="Symphony Math", links=links),
        ),
    }


def _render(demo: Demo, parts: dict[str, object], include_names: bool) -> str:
    context = ReportContext(demo.hub.base_url, "client-1", "Symphony Math", GENERATED, include_names, KEY)
    return render_report(context, **parts)  # type: ignore[arg-type]


def test_redacted_report_names_no_one(
    demo: Demo, snapshot: DistrictSnapshot, parts: dict[str, object]
) -> None:
    html = _render(demo, parts, include_names=False)
    assert "<script" not in html and not re.search(r"\b(src|href)=", html)  # self-contained
    leaks = [
        value
        for user in snapshot.users
        for value in (user.name, user.email, user.sis_id, user.id)
        if value and re.search(rf"\b{re.escape(value)}\b", html)
    ]
    assert leaks == []
    assert "Cedar Middle" in html and "Login-link check" in html and "Onboarding state" in html
    assert "ExternalID lost its leading zeros" in html and "Sections with no students: 3" in html
    assert "S201-EMPTY" in html  # sections name no one: their ids stay readable
    assert hashed("x", KEY) == hashed("x", KEY) != hashed("x", b"another key")
    lost = next(s for s in parts["links"].students if s.outcome == Outcome.EXTERNAL_ID_LOST_ZEROS)  # type: ignore[attr-defined]
    assert hashed(lost.student.id, KEY) in html  # listed records appear as keyed hashes


def test_names_shown_when_the_agent_opts_in(demo: Demo, parts: dict[str, object], tmp_path: Path) -> None:
    html = _render(demo, parts, include_names=True)
    diagnosis = parts["diagnoses"][0]  # type: ignore[index]
    assert diagnosis.user.name in html and diagnosis.user.sis_id in html
    assert "redacted" not in html.split("<h2>")[0]


def test_the_hashing_key_is_the_agents_own_and_kept_per_district() -> None:
    store = CredentialStore(MemoryKeyring())
    first = report_key(store, "district-1")
    assert report_key(store, "district-1") == first and len(first) == 32
    assert report_key(store, "district-2") != first
    assert hashed("010162", first) != hashed(
        "010162", report_key(CredentialStore(MemoryKeyring()), "district-1")
    )
