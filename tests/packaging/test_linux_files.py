"""The Linux desktop files: well-formed, consistent with each other and with the app, and
accepted by the reference validators (desktop-file-validate, appstreamcli, update-mime-database)
where they are installed (`apt-get install desktop-file-utils appstream shared-mime-info`)."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from annotator.paths import PROJECT_SUFFIX

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
APP_ID = "org.annotator.Annotator"
MIME = "application/x-annotator-project"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
MIME_XML = LINUX / f"{APP_ID}.mime.xml"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


def desktop_entry() -> configparser.SectionProxy:
    cp = configparser.ConfigParser(interpolation=None, strict=True)
    cp.optionxform = str  # keys are case-sensitive
    cp.read_string(DESKTOP.read_text(encoding="utf-8"))
    return cp["Desktop Entry"]


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def run_validator(*cmd: str) -> subprocess.CompletedProcess:
    if shutil.which(cmd[0]) is None:
        pytest.skip(f"{cmd[0]} is not installed")
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def test_desktop_entry_launches_the_app_and_claims_project_files():
    e = desktop_entry()
    assert e["Type"] == "Application" and e["Terminal"] == "false"
    exec_ = e["Exec"].split()
    assert exec_ == ["annotator", "%f"]  # a lone project file is taken as --project (annotator/cli.py)
    assert exec_[0] in pyproject()["project"]["scripts"]
    assert e["Icon"] == APP_ID
    assert e["MimeType"].rstrip(";").split(";") == [MIME]
    assert e["StartupWMClass"] == "annotator"  # QApplication.applicationName() in annotator/qt/app.py


def test_desktop_file_validate():
    r = run_validator("desktop-file-validate", str(DESKTOP))
    assert r.returncode == 0 and "error" not in r.stdout, r.stdout + r.stderr


def test_metainfo_agrees_with_desktop_file_and_version():
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == DESKTOP.name
    assert root.find("provides/binary").text == "annotator"
    assert root.find("provides/mediatype").text == MIME
    versions = [r.get("version") for r in root.iter("release")]
    assert versions[0] == pyproject()["project"]["version"], "add a <release> for the new version"
    assert root.findtext("project_license") == pyproject()["project"]["license"]


def test_appstreamcli_validate():
    r = run_validator("appstreamcli", "validate", "--no-net", "--pedantic", str(METAINFO))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "E:" not in r.stdout and "W:" not in r.stdout, r.stdout


def test_mime_type_globs_project_files():
    root = ET.parse(MIME_XML).getroot()
    (mt,) = root.findall(f"{NS}mime-type")
    assert mt.get("type") == MIME
    assert [g.get("pattern") for g in mt.findall(f"{NS}glob")] == [f"*{PROJECT_SUFFIX}"]
    assert mt.find(f"{NS}sub-class-of").get("type") == "application/vnd.sqlite3"


def test_update_mime_database_accepts_it(tmp_path):
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copy(MIME_XML, packages / f"{APP_ID}.xml")
    r = run_validator("update-mime-database", "-V", str(tmp_path / "mime"))
    assert r.returncode == 0 and "rror" not in r.stderr, r.stderr
    globs = (tmp_path / "mime" / "globs2").read_text().splitlines()
    assert any(line.endswith(f":{MIME}:*{PROJECT_SUFFIX}") for line in globs), globs
    assert (tmp_path / "mime" / "application" / "x-annotator-project.xml").exists()


def test_icons_in_every_size_for_app_and_project_files(qapp):
    from PySide6.QtGui import QImage

    hicolor = LINUX / "icons" / "hicolor"
    for size in SIZES:
        for kind, name in (("apps", APP_ID), ("mimetypes", MIME.replace("/", "-"))):
            img = QImage(str(hicolor / f"{size}x{size}" / kind / f"{name}.png"))
            assert (img.width(), img.height()) == (size, size), (kind, size)
            assert img.hasAlphaChannel()
            # the corners are transparent (rounded square), the centre is the opaque page
            assert img.pixelColor(0, 0).alpha() == 0 and img.pixelColor(size // 2, size // 2).alpha() == 255
        assert (hicolor / "scalable" / "apps" / f"{APP_ID}.svg").read_bytes() == \
            (ROOT / "resources" / "icons" / "annotator.svg").read_bytes()


def test_windows_and_macos_icons_hold_every_size(qapp):
    from PySide6.QtGui import QImageReader

    for path, count in ((ROOT / "packaging" / "windows" / "annotator.ico", 7),
                        (ROOT / "packaging" / "macos" / "annotator.icns", 11)):
        reader = QImageReader(str(path))
        assert reader.imageCount() == count, path
        sizes = set()
        for i in range(count):
            assert reader.jumpToImage(i)
            img = reader.read()
            assert not img.isNull(), (path, i, reader.errorString())
            sizes.add(img.width())
        assert 256 in sizes and 16 in sizes


def test_a_double_clicked_project_file_opens_in_the_window():
    """The desktop entry runs ``annotator %f``: a lone project path becomes ``--project``;
    anything else is parsed as usual."""
    from annotator.cli import build_parser, opened_file_argv

    parser = build_parser()
    args = parser.parse_args(opened_file_argv(["/home/me/My Project.annotator"]))
    assert args.project == "/home/me/My Project.annotator" and args.command is None
    assert parser.parse_args(opened_file_argv([])).project is None  # launched from the menu: no file
    assert opened_file_argv(["stats", "--project", "p.annotator"]) == ["stats", "--project", "p.annotator"]
    assert opened_file_argv(["import"]) == ["import"]
