"""Offline roster preparation: raw SIS exports in, the hub's CSV set and a validation report out (Qt-free)."""
