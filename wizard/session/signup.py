"""The sign-up form's rules, Qt-free: what each field needs, and the hub's names for the fields."""

from __future__ import annotations

import re

from wizard.state import DistrictForm
from wizard.us_states import is_us_state, nces_state_problem

SIS_VENDORS = ("PowerSchool", "Infinite Campus", "Skyward", "Aeries", "Synergy", "Focus", "Other")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")

FIELD_LABELS: dict[str, str] = {
    "name": "District &name",
    "state": "S&tate",
    "nces_id": "NCES district &id",
    "sis_vendor": "SIS &vendor",
    "admin_name": "Your na&me",
    "admin_email": "Your &email",
    "admin_phone": "Your p&hone",
}


def hub_field_name(key: str) -> str:
    """The hub names fields "district.name" / "admin.email"; the form calls them name / admin_email."""
    group, _, name = key.partition(".")
    return f"admin_{name}" if group == "admin" else (name or group)


def form_problems(form: DistrictForm) -> dict[str, str]:
    """Field -> what is wrong with it, in words for the admin. Empty when the form can be sent."""
    problems: dict[str, str] = {}
    if not form.name.strip():
        problems["name"] = "Type your district's name."
    if not is_us_state(form.state):
        problems["state"] = "Choose the state your district is in."
    if not re.fullmatch(r"\d{7}", form.nces_id.strip()):
        problems["nces_id"] = "The NCES district id has 7 digits, e.g. 0601234 (look it up at nces.ed.gov)."
    elif (mismatch := nces_state_problem(form.nces_id, form.state)) is not None:
        problems["nces_id"] = mismatch
    if not form.sis_vendor.strip():
        problems["sis_vendor"] = "Choose your student information system."
    if not form.admin_name.strip():
        problems["admin_name"] = "Type your name."
    if not _EMAIL.match(form.admin_email.strip()):
        problems["admin_email"] = "Type an email address like name@district.org."
    digits = re.sub(r"\D", "", form.admin_phone)
    if not 10 <= len(digits) <= 15 or re.search(r"[^\d\s()+.\-]", form.admin_phone):
        problems["admin_phone"] = "Type a phone number with its area code, e.g. (555) 201-4400."
    return problems
