"""HTTP clients for the hub: the onboarding API, the Clever-compatible Data API and Instant Login."""
