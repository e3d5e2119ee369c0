"""HTTP clients for the hub: the onboarding API, the Clever-compatible Data API and Instant Login.

- `wizard.hub.onboarding.OnboardingClient(base_url, admin_token=None)`: the district admin's calls (signup,
  settings, uploads, catalog, connections, sharing, validation, launch, portal, roster browsing).
- `wizard.hub.onboarding.VendorClient(base_url, client_id, client_secret)`: a vendor's decisions.
- `wizard.hub.dataapi.DataApiClient(base_url, client_id, client_secret)`: district tokens, then
  `.for_district(token)` -> `DistrictData` with paging iterators over /v3.0.
- `wizard.hub.dataapi.InstantLoginClient(...)`: authorize URL, code exchange, /v3.0/me, /userinfo.
- `wizard.hub.errors`: HubError(UserFacingError) and its subclasses AuthError, NotFound, Conflict,
  ValidationFailed, TooLarge, RateLimited, HubUnavailable, InsecureHubUrl.

All of them work unchanged against the embedded hub (`wizard.sandbox.server.start_hub`) and a real one.
"""
