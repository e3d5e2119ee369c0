"""The one place that sends HTTP requests to a hub: URL policy, timeouts, retries, error mapping.

- HTTPS certificates are verified; plain http is only allowed to this machine (the embedded hub).
- Every call has a timeout. Idempotent calls (GET, PUT, DELETE, and POSTs carrying an Idempotency-Key) are
  retried with exponential backoff on dropped connections, timeouts and 502/503/504. A 429 is retried by any
  method (the hub did not act on it), after the wait that `Retry-After` or `X-RateLimit-Reset` asks for.
- Credentials travel only in headers and are never put into logs, exception texts or reprs.
"""

from __future__ import annotations

import io
import ipaddress
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import SplitResult, urljoin, urlsplit

import pydantic
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from wizard.hub.errors import (
    AuthError,
    Conflict,
    HubError,
    HubUnavailable,
    InsecureHubUrl,
    NotFound,
    RateLimited,
    TooLarge,
    ValidationFailed,
    malformed,
)
from wizard.redact import install_url_redaction
from wizard.tasks import CancelToken, ProgressCallback

if TYPE_CHECKING:
    from wizard.hub.ratelimit import TokenLimit

log = logging.getLogger(__name__)
install_url_redaction()  # urllib3 logs request lines at DEBUG: no OAuth code or token in them

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES = frozenset({502, 503, 504})
USER_AGENT = "district-onboarding-wizard/0.1"


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: attempts in all, the backoff base, and the longest wait we accept from a 429."""

    attempts: int = 4
    backoff: float = 0.5
    max_backoff: float = 8.0
    max_rate_limit_wait: float = 60.0
    connect_timeout: float = 5.0
    read_timeout: float = 30.0


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def checked_base_url(url: str) -> str:
    """The base URL without a trailing slash. The one check of a hub address (CLI, GUI, clients): refuses
    what would send credentials in the clear, and a user:password@, query or #fragment part (a password
    in the address would show in messages and logs; the others make every path built on it wrong)."""
    parts = _checked_parts(url)
    if parts.query or parts.fragment or url.strip().endswith(("?", "#")):
        raise InsecureHubUrl(
            f"The hub address {parts.scheme}://{parts.netloc}{parts.path} must not end in a ?query or #part.",
            "Enter only the hub's address, e.g. https://api.example.com.",
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")


def _checked_parts(url: str) -> SplitResult:
    parts = urlsplit(url.strip())
    if "@" in parts.netloc or (not parts.netloc and "@" in url):
        raise InsecureHubUrl(
            "The hub address contains a user name or password (user:password@…).",
            "Remove that part: enter only the hub's address, e.g. https://api.example.com; "
            "the wizard asks for credentials separately and keeps them in the system keyring.",
        )
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InsecureHubUrl(
            f"{url!r} is not a hub address.",
            "Enter the hub's address starting with https://, e.g. https://api.example.com.",
        )
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise InsecureHubUrl(
            f"The hub address {parts.scheme}://{parts.netloc} is not encrypted.",
            "Use its https:// address: plain http is only allowed for the embedded hub on this computer.",
        )
    return parts


def next_link(links: Any) -> str | None:
    """The `rel: next` URI of a paged answer's `links`, or None on the last page."""
    for link in links if isinstance(links, list) else []:
        if isinstance(link, dict) and link.get("rel") == "next" and link.get("uri"):
            return str(link["uri"])
    return None


Answer = TypeVar("Answer", bound=pydantic.BaseModel)


def read_answer(response: requests.Response, model: type[Answer], what: str) -> Answer:
    """The answer's body as `model` (a `wizard.wire` body); anything else is a malformed answer."""
    try:
        return model.model_validate_json(response.content)
    except pydantic.ValidationError:
        log.debug("malformed %s answer from the hub", what)  # never the body: it may hold a token
        raise malformed(what) from None


def new_idempotency_key() -> str:
    return str(uuid.uuid4())


def _seconds_until(header: str, now: float) -> float | None:
    """Parse Retry-After (seconds or an HTTP date) or X-RateLimit-Reset (epoch seconds)."""
    header = header.strip()
    if not header:
        return None
    try:
        value = float(header)
    except ValueError:
        try:
            return max(parsedate_to_datetime(header).timestamp() - now, 0.0)
        except (TypeError, ValueError):
            return None
    return max(value - now, 0.0) if value > 1_000_000_000 else max(value, 0.0)


def rate_limit_wait(response: requests.Response, now: float) -> float:
    for name in ("Retry-After", "X-RateLimit-Reset"):
        wait = _seconds_until(response.headers.get(name, ""), now)
        if wait is not None:
            return wait
    return 1.0


def _error_details(response: requests.Response) -> tuple[str, str, dict[str, str]]:
    """(code, message, fields) from any of the hub's error shapes."""
    try:
        body = response.json()
    except ValueError:
        return "", "", {}
    if not isinstance(body, dict):
        return "", "", {}
    error = body.get("error")
    if isinstance(error, dict):
        raw_fields = error.get("fields")
        fields: dict[str, Any] = raw_fields if isinstance(raw_fields, dict) else {}
        return (
            str(error.get("code", "")),
            str(error.get("message", "")),
            {str(k): str(v) for k, v in fields.items()},
        )
    if isinstance(error, str):
        return error, str(body.get("error_description", "")), {}
    return "", str(body.get("message", "")), {}


HINTS: dict[int, str] = {
    401: "Sign in again (or check the app's client id and secret).",
    403: "Ask the district's hub administrator for access.",
    404: "Reload: it may have been removed, or belong to another district.",
    409: "Reload to see the current state, then try again.",
    413: "Ask for fewer records at once.",
    400: "Correct the highlighted fields and try again.",
    422: "Correct the highlighted fields and try again.",
}
DEFAULT_MESSAGES: dict[int, str] = {
    401: "The hub did not accept your sign-in while trying to {what}.",
    403: "You are not allowed to {what}.",
    404: "The hub could not find what is needed to {what}.",
    409: "Could not {what}: it clashes with the current state.",
    413: "Could not {what}: the request is too large.",
    400: "The hub rejected the request to {what}.",
    422: "The hub rejected the request to {what}.",
}
ERROR_TYPES: dict[int, type[HubError]] = {
    401: AuthError, 403: AuthError, 404: NotFound, 409: Conflict, 413: TooLarge,
}  # fmt: skip


def error_for(response: requests.Response, what: str) -> HubError:
    """The typed error for a failed answer; `what` names the action in the admin's words."""
    status = response.status_code
    code, message, fields = _error_details(response)
    if status == 429:
        return RateLimited(
            f"The hub is busy and asked us to slow down while trying to {what}.",
            "Wait a minute, then try again.",
            retry_after=rate_limit_wait(response, time.time()),
        )
    if status >= 500:
        return HubUnavailable(
            f"The hub had a problem while trying to {what} (HTTP {status}).",
            "Try again in a few minutes; if it keeps failing, contact hub support.",
            status=status,
            code=code,
        )
    text = f"Could not {what}: {message}" if message else DEFAULT_MESSAGES.get(status, "").format(what=what)
    hint = HINTS.get(status, "")
    if status in {400, 422}:
        return ValidationFailed(text, hint, status=status, code=code, fields=fields)
    if status in ERROR_TYPES:
        return ERROR_TYPES[status](text, hint, status=status, code=code)
    return HubError(
        text or f"Unexpected answer from the hub while trying to {what} (HTTP {status}).",
        status=status,
        code=code,
    )


class HubTransport:
    """A requests.Session bound to one hub base URL, with the policy described in the module docstring."""

    def __init__(
        self,
        base_url: str,
        *,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = checked_base_url(base_url)
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self._clock = clock
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.verify = True
        host = urlsplit(self.base_url).hostname or ""
        if is_loopback(host):
            self.session.trust_env = False  # no proxy between us and the embedded hub
        # Connection-level retries (refused before sending) are always safe; status retries are ours below.
        adapter = HTTPAdapter(
            max_retries=Retry(
                total=2,
                connect=2,
                read=0,
                status=0,
                other=0,
                backoff_factor=0.1,
                respect_retry_after_header=False,  # 429 and 503 waits are decided in `request`
            )
        )
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url!r})"

    def url(self, path_or_uri: str) -> str:
        if path_or_uri.startswith(("http://", "https://")):
            target = _checked_parts(path_or_uri)  # a next-page link keeps its query
            if target.netloc != urlsplit(self.base_url).netloc:
                raise InsecureHubUrl("The hub pointed us at another server.", "Report this to hub support.")
            return path_or_uri
        return urljoin(self.base_url + "/", path_or_uri.lstrip("/"))

    def request(
        self,
        method: str,
        path: str,
        what: str,
        *,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Any = None,
        body: Callable[[], Any] | None = None,
        idempotency_key: str | None = None,
        expected: frozenset[int] = frozenset({200, 201, 202, 204}),
        allow_redirects: bool = True,
        limit: TokenLimit | None = None,
    ) -> requests.Response:
        """Send one logical request, retrying as the policy allows; raise a typed HubError on failure.

        With a `limit` (the client-side rate limiter bound to the caller's token), every attempt first takes
        its place in the token's window, every answer tells the limiter where the token stands, and a 429 is
        waited out by the limiter (cancellable) rather than by a plain sleep.
        """
        method = method.upper()
        all_headers = dict(headers or {})
        if idempotency_key:
            all_headers["Idempotency-Key"] = idempotency_key
        retry_safe = method in IDEMPOTENT_METHODS or bool(idempotency_key)
        url = self.url(path)
        policy = self.policy
        for attempt in range(1, policy.attempts + 1):
            last = attempt == policy.attempts
            if limit is not None:
                limit.before()
            try:
                response = self.session.request(
                    method,
                    url,
                    headers=all_headers,
                    auth=auth,
                    params=params,
                    json=json,
                    data=body() if body is not None else data,  # a fresh body (stream) per attempt
                    timeout=(policy.connect_timeout, policy.read_timeout),
                    allow_redirects=allow_redirects,
                )
            except (
                requests.ConnectionError,
                requests.Timeout,
                requests.exceptions.ChunkedEncodingError,
            ) as error:
                log.info(
                    "%s %s failed (%s), attempt %d", method, urlsplit(url).path, type(error).__name__, attempt
                )
                if last or not retry_safe:
                    raise HubUnavailable(
                        f"Could not reach the hub at {self.base_url} to {what}.",
                        "Check your internet connection (or that the hub is running) and try again.",
                    ) from None
                self._sleep(self._backoff(attempt))
                continue
            log.debug("%s %s -> %d", method, urlsplit(url).path, response.status_code)
            if limit is not None:
                limit.after(response.status_code, response.headers)
            if response.status_code in expected:
                return response
            if response.status_code == 429 and not last:
                wait = rate_limit_wait(response, self._clock())
                if wait <= policy.max_rate_limit_wait:
                    if limit is None:
                        self._sleep(wait)
                    continue  # with a limiter, its `before` waits until the window the hub named
            if response.status_code in RETRY_STATUSES and retry_safe and not last:
                self._sleep(self._backoff(attempt))
                continue
            raise error_for(response, what)
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    def _backoff(self, attempt: int) -> float:
        return float(min(self.policy.backoff * (2 ** (attempt - 1)), self.policy.max_backoff))

    def close(self) -> None:
        self.session.close()


class ProgressStream(io.RawIOBase):
    """A request body read in chunks, reporting progress and honouring Cancel between chunks."""

    CHUNK = 64 * 1024

    def __init__(self, payload: bytes, progress: ProgressCallback, cancel: CancelToken | None) -> None:
        super().__init__()
        self._payload = payload
        self._sent = 0
        self._progress = progress
        self._cancel = cancel

    def __len__(self) -> int:  # requests sends Content-Length instead of chunked encoding
        return len(self._payload)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._cancel is not None:
            self._cancel.raise_if_cancelled()
        size = self.CHUNK if size is None or size < 0 else min(size, self.CHUNK)
        chunk = self._payload[self._sent : self._sent + size]
        self._sent += len(chunk)
        self._progress(self._sent, len(self._payload), "Uploading roster files")
        return chunk
