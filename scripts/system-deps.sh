#!/usr/bin/env bash
# Makes sure the Debian packages that Qt, the keyring daemon and the screenshot tooling need are installed.
# As root it installs what is missing; otherwise it prints the exact apt-get line and carries on,
# so a developer without root still gets a clear instruction instead of an obscure Qt plugin error.
set -euo pipefail

packages=(
  # Qt's xcb and offscreen platforms
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libx11-xcb1 fonts-dejavu-core
  # a virtual screen for `make run` on a headless machine and for screenshots
  xvfb xauth
  # a real Secret Service for the credential tests
  dbus dbus-x11 gnome-keyring
  # stock OpenSSH (sshd + sftp-server) for the SFTP client's interoperability tests
  openssh-server
  # make dist: PyInstaller reads shared libraries with objdump; dist-check validates the .desktop entry
  binutils desktop-file-utils
)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-deps: not a Debian/Ubuntu system; install the equivalents of: ${packages[*]}" >&2
  exit 0
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]]; then
  echo "system-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "system-deps: these Debian packages are missing; install them with:" >&2
  echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
fi
