#!/usr/bin/env bash
# Runs the whole test suite offscreen, inside a private D-Bus session with an unlocked gnome-keyring,
# so the credential tests talk to a real Secret Service and nothing touches the user's own keyring.
set -euo pipefail
venv=${VENV:-.venv}
export QT_QPA_PLATFORM=offscreen
export PYTHONDONTWRITEBYTECODE=1

if [[ -z "${INSIDE_TEST_DBUS:-}" ]] && command -v dbus-run-session >/dev/null 2>&1 \
   && command -v gnome-keyring-daemon >/dev/null 2>&1; then
  export INSIDE_TEST_DBUS=1
  exec dbus-run-session -- "$0" "$@"
fi

if [[ -n "${INSIDE_TEST_DBUS:-}" ]]; then
  # A throwaway home so the daemon creates a fresh keyring, never the user's.
  keyring_home=$(mktemp -d)
  trap 'rm -rf "$keyring_home"' EXIT
  export XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/run"
  mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
  # A non-empty password makes the daemon create and unlock a fresh login collection.
  eval "$(printf 'test-keyring' | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  export TEST_SECRET_SERVICE=1
fi

"$venv/bin/python" -m pytest "$@"
