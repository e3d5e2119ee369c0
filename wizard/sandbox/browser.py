"""The data browser: why one student or teacher is (or is not) shared with each of the district's apps.

It reads only the user's own records (their schools, their sections and those sections' terms and courses)
and answers with the sharing rule, school or section that brings them in, or the reason nothing does.
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.sandbox import sharing as share
from wizard.sandbox.records import Record, RosterData

ROLE_OF_KIND = {"students": "student", "teachers": "teacher"}


@dataclass(frozen=True)
class Verdict:
    shared: bool
    reason: str
    via_schools: tuple[str, ...] = ()  # school ids that bring the user in
    via_sections: tuple[str, ...] = ()  # section ids that bring the user in


def _names(records: dict[str, Record], ids: list[str] | set[str] | tuple[str, ...]) -> str:
    return ", ".join(sorted(str(records[i].get("name") or i) for i in ids if i in records)) or "(none)"


def explain(
    part: RosterData, kind: str, user: Record, user_sections: list[str], sharing: share.Sharing | None
) -> Verdict:
    """Whether `sharing` shares `user` (a record of `kind` in `part`, a roster holding at least the user,
    their schools, their sections and those sections' terms and courses) and why, in plain words."""
    role = ROLE_OF_KIND[kind]
    schools, sections = part.records["schools"], part.records["sections"]
    own_schools = sorted({str(s) for s in (user.get("roles", {}).get(role) or {}).get("schools", [])})
    mine = [i for i in user_sections if i in sections]
    if sharing is None:
        return Verdict(False, "Not shared: the district has not set this app's sharing yet.")
    if sharing.type == "district":
        return Verdict(
            True, "Shared: the district shares all its data with this app (district-wide sharing)."
        )
    if sharing.type == "schools":
        via = [s for s in own_schools if s in sharing.school_ids]
        if via:
            return Verdict(
                True, f"Shared through their school {_names(schools, via)} (sharing by school).", tuple(via)
            )
        return Verdict(
            False,
            f"Not shared: their school {_names(schools, own_schools)} is not among the "
            f"{len(sharing.school_ids)} school(s) chosen for this app.",
        )
    if sharing.type == "sections":
        via = [s for s in mine if s in sharing.section_ids]
        if via:
            return Verdict(
                True, f"Shared through section {_names(sections, via)} (sharing by section).", (), tuple(via)
            )
        return Verdict(
            False,
            f"Not shared: they are in {len(mine)} section(s), none of them among the "
            f"{len(sharing.section_ids)} chosen for this app.",
        )
    if sharing.type == "school_site":
        return _school_site(schools, sections, own_schools, mine, sharing)
    return _rules(part, kind, user, own_schools, mine, sharing)


def _school_site(
    schools: dict[str, Record],
    sections: dict[str, Record],
    own_schools: list[str],
    mine: list[str],
    sharing: share.Sharing,
) -> Verdict:
    chosen = [s for s in own_schools if s in sharing.school_ids]
    if not chosen:
        return Verdict(
            False,
            f"Not shared: their school {_names(schools, own_schools)} is not among the schools the district "
            "lets decide (school-site sharing).",
        )
    for school in chosen:
        if school in sharing.decisions and sharing.decisions[school] is None:
            return Verdict(
                True,
                f"Shared: the tech lead of {_names(schools, [school])} shares the whole school.",
                (school,),
            )
    for school in chosen:
        picks = sharing.decisions.get(school) or []
        via = [s for s in mine if s in picks]
        if via:
            return Verdict(
                True,
                f"Shared through section {_names(sections, via)}, chosen by the tech lead of "
                f"{_names(schools, [school])}.",
                (),
                tuple(via),
            )
    undecided = [s for s in chosen if s not in sharing.decisions]
    if undecided:
        return Verdict(
            False,
            f"Not shared yet: the tech lead of {_names(schools, undecided)} has not opted the school in.",
        )
    return Verdict(
        False,
        f"Not shared: the tech lead of {_names(schools, chosen)} shares only sections this person is not in.",
    )


def _rules(
    part: RosterData, kind: str, user: Record, own_schools: list[str], mine: list[str], sharing: share.Sharing
) -> Verdict:
    role = ROLE_OF_KIND[kind]
    by_type: dict[str, list[share.Rule]] = {}
    for rule in sharing.rules:
        by_type.setdefault(rule.record_type, []).append(rule)

    def first_failing(record: Record, rules: list[share.Rule]) -> share.Rule | None:
        return next((r for r in rules if not share.passes(part, record, [r])), None)

    def said(rule: share.Rule) -> str:
        return f"{rule.record_type} {rule.field} {rule.op.replace('_', ' ')} {rule.value!r}"

    schools = [s for s in own_schools if s in part.records["schools"]]
    passing = [
        s for s in schools if first_failing(part.records["schools"][s], by_type.get("school", [])) is None
    ]
    if not passing:
        failing = next(
            (first_failing(part.records["schools"][s], by_type.get("school", [])) for s in schools), None
        )
        why = f"the rule {said(failing)} leaves out their school" if failing else "they have no school"
        return Verdict(False, f"Not shared: {why}.")
    own_rule = first_failing(user, by_type.get(role, []))
    if own_rule is not None:
        actual = share.RULE_FIELDS[own_rule.record_type][own_rule.field](part, user) or "(empty)"
        return Verdict(
            False, f"Not shared: the rule {said(own_rule)} does not match ({own_rule.field} is {actual!r})."
        )
    if "section" in by_type:
        sections = part.records["sections"]
        via = [
            s
            for s in mine
            if sections[s]["school"] in passing and first_failing(sections[s], by_type["section"]) is None
        ]
        if not via:
            rules = " and ".join(said(r) for r in by_type["section"])
            return Verdict(False, f"Not shared: none of their {len(mine)} section(s) match {rules}.")
        return Verdict(
            True, f"Shared by the rules through section {_names(sections, via)}.", tuple(passing), tuple(via)
        )
    rules = " and ".join(said(r) for r in sharing.rules) or "the rules"
    return Verdict(True, f"Shared: they match {rules}.", tuple(passing))
