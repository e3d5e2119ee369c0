"""Secrets never reach a log, even at DEBUG: the values of secret query parameters (an OAuth code, a token,
a password) in the URLs that HTTP libraries log are replaced by `[redacted]`.

urllib3 logs every request line at DEBUG ("GET /vendor-apps/x/callback?code=... HTTP/1.1") and every redirect
it follows, and uvicorn's access log names each path with its query: a filter on those loggers rewrites
the record before any handler formats it. `install_url_redaction()` is idempotent; the hub clients, the hub
and the logging set-up call it.
"""

from __future__ import annotations

import logging
import re

SECRET_PARAMETERS = (
    "code",
    "state",
    "access_token",
    "refresh_token",
    "id_token",
    "token",
    "client_secret",
    "password",
)
REDACTED = "[redacted]"
URL_LOGGERS = ("urllib3.connectionpool", "urllib3.poolmanager", "urllib3.util.retry", "uvicorn.access")
_PARAMETER = re.compile(r"([?&](?:" + "|".join(SECRET_PARAMETERS) + r")=)[^&#\s\"'<>]*", re.IGNORECASE)


def redact_url(text: str) -> str:
    """`text` with the value of every secret query parameter replaced by REDACTED."""
    return _PARAMETER.sub(lambda found: found.group(1) + REDACTED, text) if "=" in text else text


class UrlSecretFilter(logging.Filter):
    """Rewrites a record's message and string arguments with `redact_url`; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_url(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact_url(arg) if isinstance(arg, str) else arg for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                key: redact_url(value) if isinstance(value, str) else value
                for key, value in record.args.items()
            }
        return True


def install_url_redaction() -> None:
    """Put the filter on the loggers that log URLs (once each)."""
    for name in URL_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, UrlSecretFilter) for existing in logger.filters):
            logger.addFilter(UrlSecretFilter())
