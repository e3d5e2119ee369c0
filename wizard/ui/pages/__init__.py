"""One module per wizard page; `build_pages` puts them together in PageId order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wizard.flow import PageId
from wizard.ui.pages.add_app import AddAppPage
from wizard.ui.pages.base import BasePage
from wizard.ui.pages.identity_sync import IdentitySyncPage
from wizard.ui.pages.prepare_roster import PrepareRosterPage
from wizard.ui.pages.roll_out import RollOutPage
from wizard.ui.pages.sharing import SharingPage
from wizard.ui.pages.sign_up import SignUpPage
from wizard.ui.pages.validate import ValidatePage
from wizard.ui.pages.vendor_import import VendorImportPage
from wizard.ui.pages.welcome import WelcomePage

if TYPE_CHECKING:
    from wizard.session.context import WizardContext

PAGE_CLASSES: dict[PageId, type[BasePage]] = {
    PageId.WELCOME: WelcomePage,
    PageId.SIGN_UP: SignUpPage,
    PageId.IDENTITY_AND_SYNC: IdentitySyncPage,
    PageId.PREPARE_ROSTER: PrepareRosterPage,
    PageId.VENDOR_IMPORT: VendorImportPage,
    PageId.ADD_APP: AddAppPage,
    PageId.SHARING: SharingPage,
    PageId.VALIDATE: ValidatePage,
    PageId.ROLL_OUT: RollOutPage,
}


def build_pages(ctx: WizardContext) -> dict[PageId, BasePage]:
    return {page_id: PAGE_CLASSES[page_id](ctx) for page_id in PageId}
