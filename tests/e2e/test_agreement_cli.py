"""`annotator agreement` end to end, in a subprocess, on the sample project."""

from __future__ import annotations

import csv
import io
import json

import pytest

pytestmark = [pytest.mark.subprocess, pytest.mark.slow]


@pytest.fixture
def sample_path(tmp_path):
    from annotator.services.sample import open_or_create_default

    path = tmp_path / "sample.annotator"
    open_or_create_default(path).close()
    return path


def test_agreement_formats(cli, sample_path, tmp_path):
    r = cli("agreement", "--project", sample_path, env_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Krippendorff's unitizing alpha (αu)" in r.stdout and "alice × chen" in r.stdout
    assert "3 documents" in r.stdout and "spans" in r.stdout

    r = cli("agreement", "-p", sample_path, "--layer", "stance", "--format", "json", env_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    fig = {(f["measure"], f["label"], tuple(f["pair"]) if f["pair"] else None): f for f in data["figures"]}
    alpha = fig[("Krippendorff's alpha (nominal)", None, None)]
    assert alpha["items"] == 3 and alpha["unit"] == "documents" and alpha["warnings"]
    fleiss = fig[("Fleiss' kappa", None, None)]
    assert fleiss["value"] is None and "same number of ratings" in fleiss["undefined"]
    assert data["documents_worst_first"][0]["document"] == 1
    assert "warning" in r.stderr

    r = cli("agreement", "-p", sample_path, "--layer", "stance", "--format", "csv", "--include-unfinished",
            env_dir=tmp_path)
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    fl = [x for x in rows if x["measure"] == "Fleiss' kappa" and x["label"] == "(all)"][0]
    assert float(fl["value"]) == pytest.approx(22 / 40, abs=1e-4) and fl["items"] == "3"

    out = tmp_path / "report.html"
    r = cli("agreement", "-p", sample_path, "--layer", "claim", "--format", "html", "-o", out, env_dir=tmp_path)
    assert r.returncode == 0 and r.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>") and "claim stance" in text and "Span F1 (overlap)" in text


def test_all_layers_intervals_and_gold(cli, sample_path, tmp_path):
    out = tmp_path / "all.html"
    r = cli("agreement", "-p", sample_path, "--layer", "all", "--format", "html", "-o", out, env_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    for layer in ("entity", "claim", "stance"):
        assert f"Layer “{layer}”" in text
    assert "Gwet's AC1" in text and "<svg" in text
    r = cli("agreement", "-p", sample_path, "--layer", "all", "--format", "json", "--resamples", "200",
            "--seed", "4", env_dir=tmp_path)
    data = json.loads(r.stdout)
    assert [x["layer"] for x in data["layers"]] == ["entity", "claim", "stance"]
    assert data["layers"][0]["bootstrap"] == {"resamples": 200, "seed": 4, "level": 0.95, "unit": "documents",
                                              "thresholds": [0.667, 0.8]}
    r = cli("agreement", "-p", sample_path, "--format", "csv", env_dir=tmp_path)
    assert "ci_low" in r.stdout.splitlines()[0]
    r = cli("agreement", "-p", sample_path, "--against-gold", env_dir=tmp_path)
    assert r.returncode == 0 and "no gold set yet" in r.stdout
    assert cli("agreement", "-p", sample_path, "--resamples", "-1", env_dir=tmp_path).returncode == 2


def test_gamma_on_request(cli, sample_path, tmp_path):
    r = cli("agreement", "-p", sample_path, "--layer", "all", "--gamma", "6", "--seed", "3", "--format", "json",
            env_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    entity, claim, stance = json.loads(r.stdout)["layers"]
    for layer in (entity, claim):
        g = layer["gamma"]
        assert 5 <= g["samples"] <= g["max_samples"] == 6 and g["seed"] == 3 and g["sampler"] == "shuffle"
        whole = [f for f in layer["figures"] if f["measure"] == "Mathet's gamma (γ)" and f["pair"] is None][0]
        assert whole["unit"] == "spans" and whole["value"] <= 1
    assert stance["gamma"] is None and "Mathet's gamma (γ)" not in stance["measures"]
    r = cli("agreement", "-p", sample_path, "--gamma", env_dir=tmp_path)
    assert "Mathet's gamma (γ)" in r.stdout and "at most 30" in r.stdout
    r = cli("agreement", "-p", sample_path, env_dir=tmp_path)
    assert "γ" not in r.stdout
    assert cli("agreement", "-p", sample_path, "--gamma", "-1", env_dir=tmp_path).returncode == 2


def test_agreement_errors(cli, sample_path, tmp_path):
    assert cli("agreement", "-p", sample_path, "--layer", "relation", env_dir=tmp_path).returncode == 2
    r = cli("agreement", "-p", tmp_path / "missing.annotator", env_dir=tmp_path)
    assert r.returncode == 3 and "no such project" in r.stderr
    r = cli("agreement", "-p", sample_path, "--annotator", "zed", env_dir=tmp_path)
    assert r.returncode == 1 and "zed" in r.stderr
