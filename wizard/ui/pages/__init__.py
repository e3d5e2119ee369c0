"""One module per wizard page; `build_pages` puts them together (placeholders for steps not built yet)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wizard.flow import PageId
from wizard.ui.pages.base import BasePage, PlaceholderPage
from wizard.ui.pages.welcome import WelcomePage

if TYPE_CHECKING:
    from wizard.ui.context import WizardContext

PAGE_CLASSES: dict[PageId, type[BasePage]] = {
    PageId.WELCOME: WelcomePage,
}


def build_pages(ctx: WizardContext) -> dict[PageId, BasePage]:
    pages: dict[PageId, BasePage] = {}
    for page_id in PageId:
        page_class = PAGE_CLASSES.get(page_id)
        pages[page_id] = page_class(ctx) if page_class is not None else PlaceholderPage(ctx, page_id)
    return pages
