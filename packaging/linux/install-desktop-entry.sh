#!/bin/sh
# Adds the wizard in this folder to the desktop's application menu for the current user (no root needed):
# the .desktop entry (pointing at this folder's program) and the icon, under ~/.local/share.
# Run it again after moving the folder; remove the two files it names to undo.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
mkdir -p "$data/applications" "$data/icons/hicolor/scalable/apps" "$data/icons/hicolor/256x256/apps"
cp "$here/district-wizard.svg" "$data/icons/hicolor/scalable/apps/district-wizard.svg"
cp "$here/district-wizard.png" "$data/icons/hicolor/256x256/apps/district-wizard.png"
sed -e "s|^Exec=.*|Exec=\"$here/district-wizard\"|" -e "s|^TryExec=.*|TryExec=$here/district-wizard|" \
  "$here/district-wizard.desktop" > "$data/applications/district-wizard.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data/applications" || true
echo "Added $data/applications/district-wizard.desktop"
echo "and $data/icons/hicolor/*/apps/district-wizard.{svg,png}"
