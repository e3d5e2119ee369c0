from tests.hub_support import clock, district, hub, hub_settings

__all__ = ["clock", "district", "hub", "hub_settings"]
