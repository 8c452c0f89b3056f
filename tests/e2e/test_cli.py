"""The CLI end to end, in a subprocess, as a script would run it."""

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.subprocess


def test_help_and_version(cli, tmp_path):
    r = cli("--help", env_dir=tmp_path, check=0)
    for cmd in ("import", "stats", "labels"):
        assert cmd in r.stdout
    r = cli("import", "--help", env_dir=tmp_path, check=0)
    assert "--text-column" in r.stdout
    assert cli("--version", env_dir=tmp_path, check=0).stdout.startswith("annotator ")


def test_import_stats_labels(cli, tmp_path):
    proj = tmp_path / "p.annotator"
    (tmp_path / "a.txt").write_text("Headline\n\nBody about Karsk.")
    (tmp_path / "b.jsonl").write_text('{"text": "JSON story"}\n{"text": broken\n')
    r = cli("import", tmp_path / "a.txt", tmp_path / "b.jsonl", "--project", proj, env_dir=tmp_path)
    assert r.returncode == 1  # finished, but one record was refused
    assert "b.jsonl:2" in r.stderr and "2 documents imported" in r.stdout
    r = cli("stats", "--project", proj, "--json", env_dir=tmp_path, check=0)
    assert json.loads(r.stdout)["documents"] == 2
    out = tmp_path / "schema.json"
    cli("labels", "export", out, "--project", proj, env_dir=tmp_path, check=0)
    schema = json.loads(out.read_text())
    schema["labels"].append({"name": "WEAPON", "layer": "entity", "color": "#123456"})
    out.write_text(json.dumps(schema))
    cli("labels", "import", out, "--project", proj, env_dir=tmp_path, check=0)
    assert "WEAPON" in cli("labels", "list", "--project", proj, env_dir=tmp_path, check=0).stdout


def test_errors_have_exit_codes(cli, tmp_path):
    r = cli("stats", "--project", tmp_path / "nope.annotator", env_dir=tmp_path)
    assert r.returncode == 3 and "no such project" in r.stderr
    assert cli("frobnicate", env_dir=tmp_path).returncode == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    r = cli("labels", "import", bad, "--project", tmp_path / "n.annotator", env_dir=tmp_path)
    assert r.returncode == 1 and "not valid JSON" in r.stderr


def test_cli_does_not_import_qt(tmp_path):
    code = ("import sys, annotator.cli as c; c.build_parser(); "
            "import annotator.services.importing, annotator.storage; "
            "print(any(m.startswith('PySide6') for m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "False"
