"""Which records a connection shares with its app, and the data warnings shown on the validation page.

Five sharing types: `district` (everything), `schools` (everything in the chosen schools), `school_site`
(the district chooses the schools whose tech leads decide; each tech lead opts their school in, sharing the
whole school or chosen sections, and nothing of a school is shared before that), `sections` (the chosen
sections with their students and teachers) and `rules` (records filtered by field rules).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from wizard.sandbox.records import Record, RosterData, sis_id_of
from wizard.wire.vocab import RuleOp, SharingType

SHARING_TYPES: tuple[str, ...] = tuple(SharingType)
RULE_OPS: tuple[str, ...] = tuple(RuleOp)
COUNTED_KINDS: tuple[str, ...] = ("schools", "teachers", "sections", "students")


@dataclass(frozen=True)
class Rule:
    record_type: str
    field: str
    op: str
    value: str


@dataclass
class Sharing:
    type: str
    school_ids: list[str] = field(default_factory=list)
    section_ids: list[str] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    # school_site: school id -> its tech lead's decision (None: the whole school; else the chosen sections).
    # A chosen school without an entry has not opted in, and shares nothing.
    decisions: dict[str, list[str] | None] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "school_ids": list(self.school_ids),
            "section_ids": list(self.section_ids),
            "rules": [vars(rule) for rule in self.rules],
            "decisions": {school: None if sections is None else list(sections)
                          for school, sections in self.decisions.items()},
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Sharing:
        return cls(
            type=str(data["type"]),
            school_ids=[str(i) for i in data.get("school_ids", [])],
            section_ids=[str(i) for i in data.get("section_ids", [])],
            rules=[Rule(**rule) for rule in data.get("rules", [])],
            decisions={
                str(school): None if sections is None else [str(i) for i in sections]
                for school, sections in (data.get("decisions") or {}).items()
            },
        )


def _school_name(data: RosterData, school_id: object) -> str:
    school = data.records["schools"].get(str(school_id))
    return str(school["name"]) if school else ""


def _role(record: Record, role: str) -> dict[str, Any]:
    value = record.get("roles", {}).get(role, {})
    return value if isinstance(value, dict) else {}


def _name_part(record: Record, part: str) -> str:
    return str((record.get("name") or {}).get(part) or "")


# What a rule may test, per record type: field name -> how to read it from a record.
RULE_FIELDS: dict[str, dict[str, Callable[[RosterData, Record], str]]] = {
    "school": {
        "name": lambda d, r: str(r.get("name") or ""),
        "sis_id": lambda d, r: str(r.get("sis_id") or ""),
        "school_number": lambda d, r: str(r.get("school_number") or ""),
        "low_grade": lambda d, r: str(r.get("low_grade") or ""),
        "high_grade": lambda d, r: str(r.get("high_grade") or ""),
    },
    "section": {
        "name": lambda d, r: str(r.get("name") or ""),
        "sis_id": lambda d, r: str(r.get("sis_id") or ""),
        "subject": lambda d, r: str(r.get("subject") or ""),
        "grade": lambda d, r: str(r.get("grade") or ""),
        "school_name": lambda d, r: _school_name(d, r.get("school")),
        "course_name": lambda d, r: str(d.records["courses"].get(str(r.get("course")), {}).get("name") or ""),
        "term_name": lambda d, r: str(d.records["terms"].get(str(r.get("term_id")), {}).get("name") or ""),
    },
    "student": {
        "sis_id": lambda d, r: sis_id_of(r),
        "grade": lambda d, r: str(_role(r, "student").get("grade") or ""),
        "school_name": lambda d, r: _school_name(d, _role(r, "student").get("school")),
        "email": lambda d, r: str(r.get("email") or ""),
        "first_name": lambda d, r: _name_part(r, "first"),
        "last_name": lambda d, r: _name_part(r, "last"),
        "gender": lambda d, r: str(_role(r, "student").get("gender") or ""),
    },
    "teacher": {
        "sis_id": lambda d, r: sis_id_of(r),
        "email": lambda d, r: str(r.get("email") or ""),
        "title": lambda d, r: str(_role(r, "teacher").get("title") or ""),
        "school_name": lambda d, r: _school_name(d, _role(r, "teacher").get("school")),
        "first_name": lambda d, r: _name_part(r, "first"),
        "last_name": lambda d, r: _name_part(r, "last"),
    },
}


def rule_problems(sharing: Sharing, data: RosterData) -> dict[str, str]:
    """Field -> plain-words problem, for a sharing setting that cannot be used."""
    problems: dict[str, str] = {}
    if sharing.type not in SHARING_TYPES:
        problems["type"] = f"Choose one of: {', '.join(SHARING_TYPES)}."
        return problems
    unknown_schools = [i for i in sharing.school_ids if i not in data.records["schools"]]
    if unknown_schools:
        problems["school_ids"] = f"{len(unknown_schools)} school id(s) are not schools of this district."
    unknown_sections = [i for i in sharing.section_ids if i not in data.records["sections"]]
    if unknown_sections:
        problems["section_ids"] = f"{len(unknown_sections)} section id(s) are not sections of this district."
    for index, rule in enumerate(sharing.rules):
        fields = RULE_FIELDS.get(rule.record_type)
        if fields is None:
            problems[f"rules[{index}].record_type"] = f"Choose one of: {', '.join(RULE_FIELDS)}."
        elif rule.field not in fields:
            problems[f"rules[{index}].field"] = (
                f"For {rule.record_type} rules choose one of: {', '.join(fields)}."
            )
        if rule.op not in RULE_OPS:
            problems[f"rules[{index}].op"] = f"Choose one of: {', '.join(RULE_OPS)}."
    if sharing.type in {"schools", "school_site"} and not sharing.school_ids:
        problems["school_ids"] = "Pick at least one school."
    if sharing.type == "sections" and not sharing.section_ids:
        problems["section_ids"] = "Pick at least one section."
    if sharing.type == "rules" and not sharing.rules:
        problems["rules"] = "Add at least one rule."
    return problems


def passes(data: RosterData, record: Record, rules: Iterable[Rule]) -> bool:
    for rule in rules:
        actual = RULE_FIELDS[rule.record_type][rule.field](data, record).casefold()
        wanted = rule.value.strip().casefold()
        ok = {"is": actual == wanted, "is_not": actual != wanted, "contains": wanted in actual}[rule.op]
        if not ok:
            return False
    return True


def _user_schools(record: Record, role: str) -> set[str]:
    return {str(s) for s in _role(record, role).get("schools", [])}


def shared_ids(data: RosterData, sharing: Sharing | None) -> dict[str, set[str]]:
    """Kind -> ids shared with the app (terms and courses follow the shared sections)."""
    result: dict[str, set[str]] = {kind: set() for kind in data.records}
    if sharing is None:
        return result
    records = data.records
    sections = records["sections"]
    if sharing.type == "district":
        for kind, by_id in records.items():
            result[kind] = set(by_id)
        return result
    if sharing.type == "school_site":
        chosen = set(sharing.school_ids) & set(records["schools"])
        whole = {
            school for school in chosen if school in sharing.decisions and sharing.decisions[school] is None
        }
        picked = {
            section
            for school, picks in sharing.decisions.items()
            if school in chosen and picks
            for section in picks
            if section in sections and sections[section]["school"] == school
        }
        chosen_sections = {i for i, s in sections.items() if s["school"] in whole} | picked
        schools = whole | {sections[i]["school"] for i in picked}
        result["students"] = {
            i for i, r in records["students"].items() if _user_schools(r, "student") & whole
        } | {s for i in picked for s in sections[i]["students"]}
        result["teachers"] = {
            i for i, r in records["teachers"].items() if _user_schools(r, "teacher") & whole
        } | {t for i in picked for t in sections[i]["teachers"]}
        result["staff"] = {i for i, r in records["staff"].items() if _user_schools(r, "staff") & whole}
    elif sharing.type == "schools":
        schools = set(sharing.school_ids) & set(records["schools"])
        chosen_sections = {i for i, s in sections.items() if s["school"] in schools}
        result["students"] = {
            i for i, r in records["students"].items() if _user_schools(r, "student") & schools
        }
        result["teachers"] = {
            i for i, r in records["teachers"].items() if _user_schools(r, "teacher") & schools
        }
        result["staff"] = {i for i, r in records["staff"].items() if _user_schools(r, "staff") & schools}
    elif sharing.type == "sections":
        chosen_sections = set(sharing.section_ids) & set(sections)
        schools = {sections[i]["school"] for i in chosen_sections}
        result["students"] = {s for i in chosen_sections for s in sections[i]["students"]}
        result["teachers"] = {t for i in chosen_sections for t in sections[i]["teachers"]}
    else:
        by_type: dict[str, list[Rule]] = {}
        for rule in sharing.rules:
            by_type.setdefault(rule.record_type, []).append(rule)
        schools = {i for i, r in records["schools"].items() if passes(data, r, by_type.get("school", []))}
        chosen_sections = {
            i
            for i, s in sections.items()
            if s["school"] in schools and passes(data, s, by_type.get("section", []))
        }
        in_sections_students = {s for i in chosen_sections for s in sections[i]["students"]}
        in_sections_teachers = {t for i in chosen_sections for t in sections[i]["teachers"]}
        narrowed = "section" in by_type
        result["students"] = {
            i
            for i, r in records["students"].items()
            if _user_schools(r, "student") & schools
            and passes(data, r, by_type.get("student", []))
            and (not narrowed or i in in_sections_students)
        }
        result["teachers"] = {
            i
            for i, r in records["teachers"].items()
            if _user_schools(r, "teacher") & schools
            and passes(data, r, by_type.get("teacher", []))
            and (not narrowed or i in in_sections_teachers)
        }
    result["schools"] = set(schools)
    result["sections"] = chosen_sections
    result["terms"] = {str(sections[i]["term_id"]) for i in chosen_sections if sections[i].get("term_id")}
    result["courses"] = {str(sections[i]["course"]) for i in chosen_sections if sections[i].get("course")}
    return result


def counts(data: RosterData, ids: Mapping[str, set[str]] | None = None) -> dict[str, int]:
    if ids is None:
        return {kind: data.count(kind) for kind in COUNTED_KINDS}
    return {kind: len(ids.get(kind, set())) for kind in COUNTED_KINDS}


@dataclass(frozen=True)
class DataWarning:
    code: str
    message: str
    kind: str  # which records the CSV lists
    record_ids: tuple[str, ...]


# The data warnings of the validation page, in the order it shows them: code -> (message, kind the CSV lists).
WARNINGS: dict[str, tuple[str, str]] = {
    "sections_without_teacher": (
        "Sections with no teacher: nobody can manage these classes in the app.", "sections"),
    "sections_without_students": ("Sections with no students: check the enrollments file.", "sections"),
    "students_without_section": (
        "Shared students who are in no shared section: their teachers will not see them in the app.", "students"),
    "teachers_without_email": (
        "Teachers without an email address: they may not be able to sign in with Google or Microsoft.", "teachers"),
    "students_without_grade": ("Students without a grade: grade-based apps cannot place them.", "students"),
    "duplicate_emails": (
        "Users sharing an email address with someone else: they may sign in to the wrong account.", "users"),
}  # fmt: skip


def data_warnings(data: RosterData, ids: Mapping[str, set[str]]) -> list[DataWarning]:
    """Data problems among the shared records that keep a user from seeing or using the app."""
    records = data.records
    sections = [records["sections"][i] for i in sorted(ids.get("sections", ()))]
    students = [records["students"][i] for i in sorted(ids.get("students", ()))]
    teachers = [records["teachers"][i] for i in sorted(ids.get("teachers", ()))]
    enrolled = {s for section in sections for s in section["students"]}
    emails: dict[str, list[str]] = {}
    for user in [*students, *teachers]:
        if user.get("email"):
            emails.setdefault(str(user["email"]).casefold(), []).append(user["id"])
    found = {
        "sections_without_teacher": tuple(s["id"] for s in sections if not s["teachers"]),
        "sections_without_students": tuple(s["id"] for s in sections if not s["students"]),
        "students_without_section": tuple(s["id"] for s in students if s["id"] not in enrolled),
        "teachers_without_email": tuple(t["id"] for t in teachers if not t.get("email")),
        "students_without_grade": tuple(s["id"] for s in students if not _role(s, "student").get("grade")),
        "duplicate_emails": tuple(sorted(i for group in emails.values() if len(group) > 1 for i in group)),
    }
    return [
        DataWarning(code, message, kind, found[code])
        for code, (message, kind) in WARNINGS.items()
        if found[code]
    ]


def warning_rows(data: RosterData, warning: DataWarning) -> list[dict[str, str]]:
    """The affected records of one warning as flat rows for a CSV."""
    rows: list[dict[str, str]] = []
    for record_id in warning.record_ids:
        record = _find(data, record_id)
        if record is None:
            continue
        if "roles" in record:
            role_name = next(iter(record["roles"]))
            role = _role(record, role_name)
            rows.append(
                {
                    "hub_id": record_id,
                    "role": role_name,
                    "sis_id": sis_id_of(record),
                    "first_name": _name_part(record, "first"),
                    "last_name": _name_part(record, "last"),
                    "email": str(record.get("email") or ""),
                    "grade": str(role.get("grade") or ""),
                    "school": _school_name(data, role.get("school")),
                }
            )
        else:
            rows.append(
                {
                    "hub_id": record_id,
                    "role": "section",
                    "sis_id": str(record.get("sis_id") or ""),
                    "name": str(record.get("name") or ""),
                    "school": _school_name(data, record.get("school")),
                    "teachers": str(len(record.get("teachers", []))),
                    "students": str(len(record.get("students", []))),
                }
            )
    return rows


def _find(data: RosterData, record_id: str) -> Record | None:
    for by_id in data.records.values():
        if record_id in by_id:
            return by_id[record_id]
    return None
