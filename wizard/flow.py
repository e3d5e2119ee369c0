"""The wizard's pages and the routing between them: a pure function of the onboarding state."""

from __future__ import annotations

from enum import IntEnum


class PageId(IntEnum):
    WELCOME = 1
    SIGN_UP = 2
    IDENTITY_AND_SYNC = 3
    PREPARE_ROSTER = 4
    VENDOR_IMPORT = 5
    ADD_APP = 6
    SHARING = 7
    VALIDATE = 8
    ROLL_OUT = 9


PAGE_TITLES: dict[PageId, str] = {
    PageId.WELCOME: "Welcome",
    PageId.SIGN_UP: "Sign up or sign in",
    PageId.IDENTITY_AND_SYNC: "Identity provider and sync",
    PageId.PREPARE_ROSTER: "Prepare roster files",
    PageId.VENDOR_IMPORT: "Vendor roster import",
    PageId.ADD_APP: "Add and authorize the app",
    PageId.SHARING: "Sharing permissions",
    PageId.VALIDATE: "Validate",
    PageId.ROLL_OUT: "Roll out",
}
