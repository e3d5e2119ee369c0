"""Widgets shared by the wizard's pages and the support view (never a page, never the window)."""
