"""The support view: a window for vendor and hub support staff, over the Qt-free `wizard.support` core."""
