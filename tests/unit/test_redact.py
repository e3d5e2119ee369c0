"""Secrets in logged URLs (issue 11, the secret scan): an OAuth code urllib3 logs at DEBUG is redacted."""

from __future__ import annotations

import logging

import pytest

from wizard.redact import REDACTED, install_url_redaction, redact_url


def test_secret_query_values_are_redacted_and_the_rest_kept() -> None:
    url = "/vendor-apps/x/callback?code=Jvrfd-VAmZ8c&state=vzFQ&district_id=d1&postal_code=90210"
    assert redact_url(url) == (
        f"/vendor-apps/x/callback?code={REDACTED}&state={REDACTED}&district_id=d1&postal_code=90210"
    )
    assert redact_url("/oauth/tokens?access_token=abc#x") == f"/oauth/tokens?access_token={REDACTED}#x"
    assert redact_url("no query here") == "no query here"


def test_a_request_line_urllib3_logs_reaches_no_handler_with_the_code(
    caplog: pytest.LogCaptureFixture,
) -> None:
    install_url_redaction()
    install_url_redaction()  # once is enough: a second call adds nothing
    logger = logging.getLogger("urllib3.connectionpool")
    assert len(logger.filters) == len({type(f) for f in logger.filters})
    with caplog.at_level(logging.DEBUG, logger="urllib3.connectionpool"):
        logger.debug('%s://%s:%s "%s %s %s" %s %s', "http", "127.0.0.1", 80, "GET",
                     "/cb?code=SECRETCODE123&state=s1", "HTTP/1.1", 200, 12)  # fmt: skip
    assert "SECRETCODE123" not in caplog.text
    assert f"/cb?code={REDACTED}" in caplog.text
