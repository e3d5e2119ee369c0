"""The diagnostic report: one self-contained HTML file a support agent attaches to a ticket.

By default it names no one: student and teacher names, emails and ids become short keyed hashes. The key is
the agent's own (kept in the keyring, one per district), so the same id gives the same hash in every report the
agent writes, while whoever reads the ticket cannot recompute them from a list of likely SIS ids.
`include_names=True` is the agent's explicit choice to show them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from html import escape

from wizard.credentials import SERVICE_PREFIX, CredentialStore
from wizard.support.health import HealthReport
from wizard.support.linkcheck import PLAIN_WORDS, SHORT_WORDS, WHO_ACTS, LinkCheck
from wizard.support.onboarding_state import OnboardingState
from wizard.support.troubleshoot import LoginDiagnosis

EXAMPLES_PER_FINDING = 25
REPORT_KEY_SERVICE = f"{SERVICE_PREFIX}:support-report-key"
STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:60em;color:#1d2430}
h1{font-size:1.5em;margin-bottom:.2em} h2{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #d6dce5}
table{border-collapse:collapse;margin:.5em 0;font-size:.92em} th,td{border:1px solid #d6dce5;padding:.25em .6em;
text-align:left} th{background:#f2f5f9} td.n{text-align:right} .muted{color:#5b6575} .warn{color:#9a3412}
.ok{color:#166534} svg text{fill:#1d2430}
"""


@dataclass(frozen=True)
class ReportContext:
    hub_url: str
    client_id: str
    app_title: str
    generated: dt.datetime
    include_names: bool = False
    hash_key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)


def hashed(value: str, key: bytes) -> str:
    """A short pseudonym for an id: stable for one key, not recomputable without it."""
    if not value:
        return ""
    return "#" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:12]


def report_key(store: CredentialStore, district_id: str) -> bytes:
    """The agent's hashing key for one district's reports, created on first use and kept in the keyring."""
    stored = store.get_secret(REPORT_KEY_SERVICE, district_id)
    if stored:
        return bytes.fromhex(stored)
    key = secrets.token_bytes(32)
    store.set_secret(REPORT_KEY_SERVICE, district_id, key.hex())
    return key


class _Redactor:
    def __init__(self, key: bytes, include_names: bool) -> None:
        self.key = key
        self.include_names = include_names

    def id(self, value: str) -> str:
        return value if self.include_names else hashed(value, self.key)

    def name(self, value: str) -> str:
        return value if self.include_names else "(redacted)"


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f"<th>{escape(h)}</th>" for h in headers) if any(headers) else ""
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=n' if i in numeric else ''}>{escape(cell)}</td>" for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table>{f'<tr>{head}</tr>' if head else ''}{body}</table>"


def bar_chart_svg(labels: list[str], values: list[int], second: list[int] | None = None) -> str:
    """Horizontal bars (and an optional orange second series), as inline SVG: no scripts, no files."""
    peak = max([*values, *(second or []), 1])
    label_width, bar_width, bar, gap = 190, 380, 14, 8
    series = [(values, "#0b5cad")] + ([(second, "#c2410c")] if second is not None else [])
    row = bar * len(series) + gap
    parts = []
    for index, label in enumerate(labels):
        y = index * row
        middle = y + (bar * len(series)) / 2 + 4
        parts.append(f'<text x="0" y="{middle:.0f}" font-size="12">{escape(label[:28])}</text>')
        for number, (numbers, colour) in enumerate(series):
            top = y + number * bar
            width = round(bar_width * numbers[index] / peak)
            parts.append(
                f'<rect x="{label_width}" y="{top}" width="{width}" height="{bar - 2}" fill="{colour}"/>'
                f'<text x="{label_width + width + 5}" y="{top + bar - 3}" font-size="11">{numbers[index]}</text>'
            )
    height = max(len(labels) * row, row)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_width + bar_width + 60}" height="{height}" '
        f'role="img" aria-label="bar chart">{"".join(parts)}</svg>'
    )


def _onboarding_html(state: OnboardingState | None, health: HealthReport) -> str:
    rows = [
        ["District", health.district_name or health.district_id],
        ["Sync state", health.sync_state or "unknown"],
        ["Last sync", health.last_sync or "never"],
        ["Launch date", health.launch_date or "not launched"],
    ]
    if state is not None:
        rows.append(["Onboarding", state.note])
        if state.connection is not None:
            for event in state.connection.history[-5:]:
                rows.append([f"History {event.at}", f"{event.actor} {event.action}: {event.message}".strip()])
    return _table(["", ""], rows)


def _health_html(health: HealthReport, redact: _Redactor) -> str:
    totals = health.totals
    parts = [
        _table(
            ["schools", "teachers", "sections", "students"],
            [[str(totals[k]) for k in ("schools", "teachers", "sections", "students")]],
            {0, 1, 2, 3},
        ),
        _table(
            ["school", "teachers", "sections", "students"],
            [[s.name, str(s.teachers), str(s.sections), str(s.students)] for s in health.by_school],
            {1, 2, 3},
        ),
        bar_chart_svg([s.name for s in health.by_school], [s.students for s in health.by_school]),
        "<h2>Data warnings</h2>",
    ]
    if health.unreadable:
        parts.append(
            f'<p class="warn">Not checked: the app may not read {escape(", ".join(health.unreadable))}.</p>'
        )
    if not health.findings:
        parts.append('<p class="ok">No data problems found.</p>')
    for finding in health.findings:
        parts.append(
            f'<h3 class="warn">{escape(finding.title)}: {finding.count}</h3><p>{escape(finding.explanation)} '
            f"Who must act: <b>{escape(finding.actor)}</b>.</p>"
        )
        personal = not finding.code.startswith(("terms_", "sections_"))  # sections and terms name no one
        rows = [
            [
                redact.id(hub_id) if personal else hub_id,
                redact.id(sis_id) if personal else sis_id,
                redact.name(label) if personal else label,
                school,
            ]
            for hub_id, sis_id, label, school in finding.records[:EXAMPLES_PER_FINDING]
        ]
        parts.append(_table(["hub id", "SIS id", "name", "school"], rows))
        if finding.count > EXAMPLES_PER_FINDING:
            parts.append(f'<p class="muted">… and {finding.count - EXAMPLES_PER_FINDING} more.</p>')
    return "".join(parts)


def _links_html(links: LinkCheck, redact: _Redactor) -> str:
    outcomes = sorted({o for s in links.schools for o in s.not_linked})
    headers = [
        "school",
        "shared students",
        "linked",
        "not linked",
        *(SHORT_WORDS[o] for o in outcomes),
        "accounts no student points to",
    ]
    rows = [
        [s.school, str(s.shared), str(s.linked), str(s.not_linked_total)]
        + [str(s.not_linked.get(o, 0)) for o in outcomes]
        + [str(s.unclaimed_accounts)]
        for s in links.schools
    ]
    parts = [
        f"<p>Checked against <b>{escape(links.roster_path.name)}</b> ({escape(links.app_title)}): "
        f"{links.linked} linked, {links.not_linked} not linked, {len(links.accounts)} accounts unclaimed.</p>",
        _table(headers, rows, set(range(1, len(headers)))),
        bar_chart_svg(
            [s.school for s in links.schools],
            [s.linked for s in links.schools],
            [s.not_linked_total for s in links.schools],
        ),
        '<p class="muted">Blue: linked. Orange: not linked.</p>',
        _table(
            ["outcome", "meaning", "who must act"],
            [[SHORT_WORDS[o], PLAIN_WORDS[o], WHO_ACTS[o]] for o in outcomes],
        ),
    ]
    not_linked = [s for s in links.students if not s.linked][:EXAMPLES_PER_FINDING]
    if not_linked:
        parts.append("<h3>Examples of students who will not be linked</h3>")
        parts.append(
            _table(
                ["school", "hub id", "SIS id", "name", "outcome"],
                [
                    [
                        s.school,
                        redact.id(s.student.id),
                        redact.id(s.student.sis_id or ""),
                        redact.name(s.student.name),
                        SHORT_WORDS[s.outcome],
                    ]
                    for s in not_linked
                ],
            )
        )
    return "".join(parts)


def _diagnosis_html(diagnosis: LoginDiagnosis, redact: _Redactor) -> str:
    user = diagnosis.user
    who = (
        f"{redact.name(user.name)} — hub id {redact.id(user.id)}, SIS id {redact.id(user.sis_id or '')}"
        if user
        else "(no single match)"
    )

    def hide(text: str) -> str:
        if redact.include_names:
            return text
        for secret in (diagnosis.person, diagnosis.query.strip(), *diagnosis.mentions):
            if secret:
                text = text.replace(secret, "this user")
        return text

    headline = hide(diagnosis.headline)
    rows = [[r.actor, "blocks" if r.blocking else "note", hide(r.text)] for r in diagnosis.reasons]
    return (
        f"<h3>{escape(headline)}</h3><p class=muted>Looked up: {escape(redact.name(diagnosis.query))}; {escape(who)}</p>"
        + (_table(["who must act", "", "why"], rows) if rows else "")
    )


def render_report(
    context: ReportContext,
    health: HealthReport,
    *,
    onboarding: OnboardingState | None = None,
    links: LinkCheck | None = None,
    diagnoses: tuple[LoginDiagnosis, ...] = (),
) -> str:
    """The whole report as one HTML document (inline CSS and SVG; no scripts, no external files)."""
    redact = _Redactor(context.hash_key, context.include_names)
    privacy = (
        "Names, emails and ids are shown (the agent chose to include them)."
        if context.include_names
        else "Student and teacher names, emails and ids are redacted: ids appear as stable hashes."
    )
    sections = [
        f"<h1>Diagnostic report: {escape(health.district_name or health.district_id)}</h1>",
        f'<p class="muted">{escape(context.app_title)} · hub {escape(context.hub_url)} · client id '
        f"{escape(context.client_id)} · generated {escape(context.generated.isoformat(timespec='seconds'))} · "
        f"data as of {escape(health.today.isoformat())}</p><p>{escape(privacy)}</p>",
        "<h2>Onboarding state</h2>",
        _onboarding_html(onboarding, health),
        "<h2>Shared with the app</h2>",
        _health_html(health, redact),
        "<h2>Login-link check</h2>",
        _links_html(links, redact) if links else '<p class="muted">Not run: no vendor roster was given.</p>',
    ]
    if diagnoses:
        sections.append("<h2>Troubleshooting</h2>")
        sections += [_diagnosis_html(d, redact) for d in diagnoses]
    title = escape(f"Diagnostic report: {health.district_name or health.district_id}")
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{STYLE}</style></head><body>{''.join(sections)}</body></html>\n"
    )
