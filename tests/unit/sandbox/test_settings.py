from __future__ import annotations

import pytest

from wizard.errors import UsageError
from wizard.sandbox.settings import FAULTS_ENV, FaultRule, HubSettings, parse_fault_rules


def test_fault_rules_parse_from_text() -> None:
    rules = parse_fault_rules(
        "/v3.0/*:error=0.2,status=502,latency=0.05; /api/v1/*:429=1,retry_after=3,times=2"
    )
    assert rules[0] == FaultRule("/v3.0/*", error_rate=0.2, error_status=502, latency=0.05)
    assert rules[1].rate_limit_rate == 1.0 and rules[1].retry_after == 3 and rules[1].times == 2
    assert rules[0].matches("/v3.0/users") and not rules[0].matches("/api/v1/apps")


@pytest.mark.parametrize("text", ["/x:bogus=1", "/x:error=lots"])
def test_bad_fault_rules_say_what_is_wrong(text: str) -> None:
    with pytest.raises(UsageError):
        parse_fault_rules(text)


def test_faults_come_from_the_environment_and_are_off_by_default() -> None:
    assert HubSettings.from_env({}).faults == []
    settings = HubSettings.from_env({FAULTS_ENV: "/v3.0/*:drop=0.5"}, vendor_delay=0)
    assert settings.faults[0].drop_rate == 0.5 and settings.vendor_delay == 0


def test_times_caps_how_often_a_fault_fires() -> None:
    settings = HubSettings(random_seed=1)
    rule = FaultRule("*", error_rate=1.0, times=2)
    assert [settings.roll(rule.error_rate) and settings.take_fault(rule) for _ in range(4)] == [
        True,
        True,
        False,
        False,
    ]
