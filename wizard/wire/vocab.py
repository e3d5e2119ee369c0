"""The value lists that cross the wire between the hub and its clients, each defined once.

They are `StrEnum`s, so a member compares equal to its string and serialises as it: the hub's routes, the
clients, the wizard's saved state and the pages all name the same members instead of repeating literals.
"""

from __future__ import annotations

from enum import StrEnum


class SyncMethod(StrEnum):
    """How the district's roster reaches the hub."""

    CLEVER_MANAGED = "clever_managed"  # the hub's own auto sync with the SIS
    SIS_MANAGED = "sis_managed"  # the SIS vendor's connector pushes the roster
    SFTP = "sftp"  # the district uploads files (the wizard, or SFTP)


class SsoProvider(StrEnum):
    """Where students and teachers sign in."""

    CLEVER_PASSWORDS = "clever_passwords"
    GOOGLE = "google"
    MICROSOFT = "microsoft"
    SAML = "saml"
    BADGES = "badges"


class UploadStatus(StrEnum):
    """Where one roster upload stands on the hub."""

    QUEUED = "queued"  # waits for the district's earlier upload to be processed
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ON_HOLD = "on_hold"  # would change too much: waits for an admin's approval
    SUPERSEDED = "superseded"  # held, then overtaken by a newer upload: approving it would roll back

    @property
    def done(self) -> bool:
        """The hub has finished with it (nothing will change without the admin)."""
        return self not in (UploadStatus.QUEUED, UploadStatus.PROCESSING)


class UploadSource(StrEnum):
    """How an upload reached the hub."""

    HTTP = "http"  # the onboarding API (the wizard's upload)
    SFTP = "sftp"  # the district's SFTP folder


class SyncState(StrEnum):
    """The district's sync as the hub reports it ("" before any sync method was chosen)."""

    NONE = ""
    PENDING = "pending"
    RUNNING = "running"
    SUCCESS = "success"
    ERROR = "error"
    PAUSED = "paused"


class ConnectionStatus(StrEnum):
    """A district's connection to an app, from adding it to the vendor's answer."""

    PENDING_DISTRICT_AUTHORIZATION = "pending_district_authorization"
    PENDING_VENDOR_ACCEPTANCE = "pending_vendor_acceptance"
    VENDOR_REQUESTED_INFO = "vendor_requested_info"
    CONNECTED = "connected"
    REJECTED = "rejected"


class VendorDecision(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    REQUEST_INFO = "request_info"


class Actor(StrEnum):
    """Who did something in a connection's history."""

    DISTRICT = "district"
    VENDOR = "vendor"


class ConnectionAction(StrEnum):
    """What happened in a connection's history."""

    ADDED = "added"
    AUTHORIZED = "authorized"
    ASKED = "asked"
    REPLIED = "replied"
    MESSAGE = "message"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SHARING_SAVED = "sharing_saved"
    LAUNCHED = "launched"


class SharingType(StrEnum):
    """What a district shares with an app."""

    DISTRICT = "district"
    SCHOOLS = "schools"
    SECTIONS = "sections"
    RULES = "rules"
    SCHOOL_SITE = "school_site"

    @property
    def picks_schools(self) -> bool:
        return self in {SharingType.SCHOOLS, SharingType.SCHOOL_SITE}


class StaffRole(StrEnum):
    """What a district's staff admin may do on the hub."""

    DISTRICT_ADMIN = "district_admin"  # everything the district's own admin may do
    ADVANCED_USER = "advanced_user"  # sees the data and the apps, changes no settings
    SCHOOL_TECH_LEAD = "school_tech_lead"  # decides the school-site sharing of their chosen schools

    @property
    def label(self) -> str:
        """The role's name as people say it."""
        return {
            StaffRole.DISTRICT_ADMIN: "District admin",
            StaffRole.ADVANCED_USER: "Advanced user",
            StaffRole.SCHOOL_TECH_LEAD: "School tech lead",
        }[self]

    @property
    def plain_words(self) -> str:
        """What the role may do, for the person choosing it."""
        return {
            StaffRole.DISTRICT_ADMIN: "Can do everything you can: settings, uploads, apps, sharing, staff.",
            StaffRole.ADVANCED_USER: "Can browse the district's data and see the apps, but changes nothing.",
            StaffRole.SCHOOL_TECH_LEAD: (
                "Decides, for the chosen schools only, whether an app with school-site sharing gets the whole "
                "school or chosen sections, signed in with their own token."
            ),
        }[self]


class SchoolShare(StrEnum):
    """What a school's tech lead shares with an app under school-site sharing."""

    NOT_DECIDED = "not_decided"  # the tech lead has not opted in: nothing of the school is shared
    WHOLE_SCHOOL = "whole_school"
    SECTIONS = "sections"


class SharingStatus(StrEnum):
    NOT_SET = "not_set"
    SET = "set"
    CONFIRMED = "confirmed"  # the vendor accepted it: the type is locked


class RuleOp(StrEnum):
    IS = "is"
    IS_NOT = "is_not"
    CONTAINS = "contains"


class DirectoryRole(StrEnum):
    """The roles the hub's own directory lists (`/api/v1/districts/{d}/users?role=`)."""

    STUDENT = "student"
    TEACHER = "teacher"
    STAFF = "staff"


class DataUserRole(StrEnum):
    """The user roles of the Clever-compatible Data API (`/v3.0/users?role=`)."""

    STUDENT = "student"
    TEACHER = "teacher"
    STAFF = "staff"
    DISTRICTADMIN = "districtadmin"
    CONTACT = "contact"


class Severity(StrEnum):
    """How bad one finding of the roster engine is."""

    ERROR = "error"
    WARNING = "warning"


def choices(vocabulary: type[StrEnum]) -> str:
    """The members for a message: "Choose one of: a, b, c."."""
    return ", ".join(member.value for member in vocabulary)
