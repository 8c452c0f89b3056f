"""Render resources/icons/annotator.svg to every icon the installers need.

    python packaging/make_icons.py          # writes the files below; commit them

- packaging/linux/icons/hicolor/<N>x<N>/apps/<APP_ID>.png for the usual sizes, plus scalable/ (the SVG)
- packaging/linux/icons/hicolor/<N>x<N>/mimetypes/application-x-annotator-project.png (project files)
- packaging/windows/annotator.ico (PNG-compressed entries, 16–256 px; Vista and later read them)
- packaging/macos/annotator.icns (PNG entries, 16–1024 px)

Qt renders the SVG (QtSvg ships with PySide6), so no other image library is needed; the ICO
and ICNS containers are simple enough to write here.
"""

from __future__ import annotations

import os
import shutil
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "annotator.svg"
APP_ID = "org.annotator.Annotator"
MIME_ICON = "application-x-annotator-project"
LINUX_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS OSType for each PNG size (ic11–ic14 are the @2x variants of 16–512)
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512),
              (b"ic10", 1024), (b"ic11", 32), (b"ic12", 64), (b"ic13", 256), (b"ic14", 512))


def render(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buf, "PNG"):
        raise RuntimeError(f"could not encode a {size} px PNG")
    buf.close()
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = 6 + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, png in sorted(pngs.items()):
        dim = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def icns(pngs: dict[int, bytes]) -> bytes:
    body = b"".join(ostype + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for ostype, size in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841  (fonts, image plugins)
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"{SVG}: not a valid SVG", file=sys.stderr)
        return 1
    sizes = sorted(set(LINUX_SIZES) | set(ICO_SIZES) | {s for _, s in ICNS_TYPES})
    pngs = {s: render(renderer, s) for s in sizes}
    hicolor = ROOT / "packaging" / "linux" / "icons" / "hicolor"
    for s in LINUX_SIZES:
        for kind, name in (("apps", APP_ID), ("mimetypes", MIME_ICON)):
            out = hicolor / f"{s}x{s}" / kind / f"{name}.png"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(pngs[s])
    for kind, name in (("apps", APP_ID), ("mimetypes", MIME_ICON)):
        out = hicolor / "scalable" / kind / f"{name}.svg"
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SVG, out)
    (ROOT / "packaging" / "windows").mkdir(exist_ok=True)
    (ROOT / "packaging" / "windows" / "annotator.ico").write_bytes(ico({s: pngs[s] for s in ICO_SIZES}))
    (ROOT / "packaging" / "macos").mkdir(exist_ok=True)
    (ROOT / "packaging" / "macos" / "annotator.icns").write_bytes(icns(pngs))
    print(f"wrote {len(LINUX_SIZES) * 2 + 2} Linux icons, annotator.ico and annotator.icns")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
