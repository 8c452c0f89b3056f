#!/usr/bin/env bash
# Build an AppImage from the PyInstaller bundle (run `make bundle` first).
#
#   packaging/linux/appimage/build-appimage.sh [--appdir-only]
#
# Makes build/AppDir (the FreeDesktop layout: bundle under usr/lib/annotator, the .desktop file,
# AppStream metainfo, the MIME type and hicolor icons under usr/share), then runs appimagetool
# (https://github.com/AppImage/appimagetool; not in Debian, so fetch it on the build machine)
# to write dist/Annotator-<version>-<arch>.AppImage. --appdir-only stops before appimagetool.
# Desktop integration of the MIME type (double-click a .annotator file) comes from the
# usr/share files: appimaged / AppImageLauncher / Gear Lever install them when the AppImage
# is integrated; a distribution package installs them as they are.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
APP_ID=org.annotator.Annotator
BUNDLE="$ROOT/dist/annotator"
APPDIR="$ROOT/build/AppDir"
LINUX="$ROOT/packaging/linux"

[ -x "$BUNDLE/annotator" ] || { echo "no bundle at $BUNDLE: run 'make bundle' first" >&2; exit 2; }
VERSION="$("$BUNDLE/annotator" --version | awk '{print $2}')"
ARCH="$(uname -m)"

rm -rf "$APPDIR"
mkdir -p "$APPDIR/usr/bin" "$APPDIR/usr/lib" "$APPDIR/usr/share/applications" \
         "$APPDIR/usr/share/metainfo" "$APPDIR/usr/share/mime/packages" "$APPDIR/usr/share/icons"
cp -a "$BUNDLE" "$APPDIR/usr/lib/annotator"
ln -s ../lib/annotator/annotator "$APPDIR/usr/bin/annotator"
cp "$LINUX/$APP_ID.desktop" "$APPDIR/usr/share/applications/"
cp "$LINUX/$APP_ID.metainfo.xml" "$APPDIR/usr/share/metainfo/"
cp "$LINUX/$APP_ID.mime.xml" "$APPDIR/usr/share/mime/packages/$APP_ID.xml"
cp -a "$LINUX/icons/hicolor" "$APPDIR/usr/share/icons/"
# appimagetool wants the desktop file and icon at the top level too
cp "$LINUX/$APP_ID.desktop" "$APPDIR/"
cp "$LINUX/icons/hicolor/256x256/apps/$APP_ID.png" "$APPDIR/$APP_ID.png"
ln -s "$APP_ID.png" "$APPDIR/.DirIcon"
cat > "$APPDIR/AppRun" <<'RUN'
#!/bin/sh
# The bundle is self-contained (PyInstaller sets its own library path); just start it.
HERE="$(dirname "$(readlink -f "$0")")"
exec "$HERE/usr/lib/annotator/annotator" "$@"
RUN
chmod +x "$APPDIR/AppRun"
echo "AppDir ready: $APPDIR ($(du -sh "$APPDIR" | cut -f1))"

[ "${1:-}" = "--appdir-only" ] && exit 0
TOOL="${APPIMAGETOOL:-$(command -v appimagetool || true)}"
if [ -z "$TOOL" ]; then
  echo "appimagetool not found: put it on PATH or set APPIMAGETOOL=/path/to/appimagetool" >&2
  exit 3
fi
OUT="$ROOT/dist/Annotator-$VERSION-$ARCH.AppImage"
ARCH="$ARCH" "$TOOL" "$APPDIR" "$OUT"
echo "wrote $OUT ($(du -sh "$OUT" | cut -f1))"
