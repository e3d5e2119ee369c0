"""One module per wizard page; `build_pages` puts them together in PageId order.

The clever.com journey walks the same steps; where clever.com has no interface (sign-up, app approval,
sharing) or the step differs (identity and SFTP, validating against the dashboard), its own page stands in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wizard.flow import PageId
from wizard.ui.pages.add_app import AddAppPage
from wizard.ui.pages.base import BasePage
from wizard.ui.pages.clever_identity import CleverIdentityPage
from wizard.ui.pages.clever_validate import CleverValidatePage
from wizard.ui.pages.guided import CleverAddAppPage, CleverSharingPage, CleverSignUpPage
from wizard.ui.pages.identity_sync import IdentitySyncPage
from wizard.ui.pages.prepare_roster import PrepareRosterPage
from wizard.ui.pages.roll_out import RollOutPage
from wizard.ui.pages.sharing import SharingPage
from wizard.ui.pages.sign_up import SignUpPage
from wizard.ui.pages.staff_admins import StaffAdminsPage
from wizard.ui.pages.validate import ValidatePage
from wizard.ui.pages.vendor_import import VendorImportPage
from wizard.ui.pages.welcome import WelcomePage

if TYPE_CHECKING:
    from wizard.session.context import WizardContext
    from wizard.state import OnboardingState

PAGE_CLASSES: dict[PageId, type[BasePage]] = {
    PageId.WELCOME: WelcomePage,
    PageId.SIGN_UP: SignUpPage,
    PageId.IDENTITY_AND_SYNC: IdentitySyncPage,
    PageId.STAFF_ADMINS: StaffAdminsPage,
    PageId.PREPARE_ROSTER: PrepareRosterPage,
    PageId.VENDOR_IMPORT: VendorImportPage,
    PageId.ADD_APP: AddAppPage,
    PageId.SHARING: SharingPage,
    PageId.VALIDATE: ValidatePage,
    PageId.ROLL_OUT: RollOutPage,
}

CLEVER_PAGE_CLASSES: dict[PageId, type[BasePage]] = {
    **PAGE_CLASSES,
    PageId.SIGN_UP: CleverSignUpPage,
    PageId.IDENTITY_AND_SYNC: CleverIdentityPage,
    PageId.ADD_APP: CleverAddAppPage,
    PageId.SHARING: CleverSharingPage,
    PageId.VALIDATE: CleverValidatePage,
}


def page_classes(state: OnboardingState) -> dict[PageId, type[BasePage]]:
    """The page for each step of this journey (the clever.com journey guides what has no interface)."""
    return CLEVER_PAGE_CLASSES if state.on_clever else PAGE_CLASSES


def build_pages(ctx: WizardContext) -> dict[PageId, BasePage]:
    classes = page_classes(ctx.state)
    return {page_id: classes[page_id](ctx) for page_id in PageId}
