"""District Onboarding Wizard: the Qt-free domain (roster engine, hub clients, embedded hub, state)."""

__version__ = "0.1.0"
