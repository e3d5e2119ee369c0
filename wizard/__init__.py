"""District Onboarding Wizard: the Qt-free domain (roster engine, hub clients, embedded hub, state)."""
