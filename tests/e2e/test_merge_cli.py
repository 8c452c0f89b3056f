"""`annotator bundle export` and `annotator merge` end to end, in subprocesses, as a lead would run them."""

import json

import pytest

pytestmark = [pytest.mark.subprocess, pytest.mark.slow]


def test_export_and_merge_from_the_command_line(cli, tmp_path):
    from annotator.core.model import Layer, NewDocument, NewSpan
    from annotator.services.importing import import_documents
    from annotator.services.sample import seed_sample
    from annotator.storage import Project

    laptop, master = tmp_path / "laptop.annotator", tmp_path / "master.annotator"
    with Project.create(laptop) as p:
        seed_sample(p)
        alice_spans = p.span_count(p.annotator("alice").id)
        p.add_label("WEAPON", Layer.ENTITY)
        chen = p.annotator("chen")
        p.add_span(p.document_ids()[0], chen.id, p.label_by_name("WEAPON").id, 0, 4)
        text = "An article only the annotators have.\n\nKarsk denies it."
        import_documents(p, [NewDocument(text, spans=[NewSpan(text.index("Karsk"), text.index("Karsk") + 5, "GPE")])],
                         annotator="alice")
    with Project.create(master) as p:
        seed_sample(p, with_annotations=False)

    r = cli("bundle", "export", "--annotator", "alice", "--out", tmp_path / "alice.annbundle",
            "--project", laptop, env_dir=tmp_path, check=0)
    assert "alice's work on" in r.stdout
    cli("bundle", "export", "--annotator", "bo", "--out", tmp_path / "bo.annbundle", "--with-text",
        "--project", laptop, env_dir=tmp_path, check=0)
    cli("bundle", "export", "--annotator", "chen", "--out", tmp_path / "chen.annbundle",
        "--project", laptop, env_dir=tmp_path, check=0)
    r = cli("bundle", "export", "--annotator", "nobody", "--out", tmp_path / "x.annbundle",
            "--project", laptop, env_dir=tmp_path)
    assert r.returncode == 3 and "no annotator named 'nobody'" in r.stderr
    r = cli("bundle", "show", tmp_path / "bo.annbundle", env_dir=tmp_path, check=0)
    assert "annotator:  bo" in r.stdout

    # chen used a label the master does not have: reported, and nothing at all is written
    r = cli("merge", tmp_path / "alice.annbundle", tmp_path / "chen.annbundle", "--project", master,
            env_dir=tmp_path)
    assert r.returncode == 1
    assert "nothing was merged" in r.stderr and "'WEAPON' (entity)" in r.stderr
    with Project.open(master) as p:
        assert p.span_count() == 0

    r = cli("merge", tmp_path / "alice.annbundle", tmp_path / "bo.annbundle", "--project", master,
            env_dir=tmp_path)
    # alice's bundle has no texts: her extra article is reported missing (exit 1)
    assert r.returncode == 1, r.stderr
    assert "1 documents not in the project, skipped" in r.stdout
    assert "missing: An article only the annotators have." in r.stderr
    assert "2 bundles merged" in r.stdout
    with Project.open(master) as p:
        assert p.span_count(p.annotator("alice").id) == alice_spans
        assert p.count_documents() == 6 and p.count_documents(search="Karsk denies") == 0
        assert p.span_count(p.annotator("bo").id) > 0
    r = cli("merge", tmp_path / "alice.annbundle", "--project", master, env_dir=tmp_path, check=0)
    assert "already merged, nothing changed" in r.stdout
    r = cli("merge", tmp_path / "broken.annbundle", "--project", master, env_dir=tmp_path)
    assert r.returncode == 1 and "broken.annbundle: cannot read" in r.stderr


def test_cli_on_a_postgresql_project(cli, tmp_path, pg_cluster, pg_database):
    """`annotator --project postgresql://…`: import, team logins, merge, stats, as lead and as annotator."""
    from annotator.services.bundles import export_bundle
    from annotator.services.sample import open_or_create_default

    url = pg_database(owner="lead")
    db = url.rsplit("/", 1)[1]
    (tmp_path / "a.txt").write_text("Headline about Karsk\n\nBody text.")
    # the bundles come from the sample project: this team project is about the same target
    r = cli("--project", url, "import", tmp_path / "a.txt", "--stance-target", "the deployment of troops to the border",
            env_dir=tmp_path, check=0)
    assert "1 document imported" in r.stdout
    with open_or_create_default(tmp_path / "laptop.annotator") as laptop:
        export_bundle(laptop, "alice", tmp_path / "alice.annbundle", with_text=True)
    cli("team", "add", "alice", "--no-password", "--project", url, env_dir=tmp_path, check=0)
    r = cli("merge", tmp_path / "alice.annbundle", "--project", url, env_dir=tmp_path, check=0)
    assert "added" in r.stdout and "1 bundle merged" in r.stdout
    r = cli("--project", url, "stats", "--json", env_dir=tmp_path, check=0)
    stats = json.loads(r.stdout)
    assert stats["documents"] >= 4 and "lead@" in stats["path"] and "postgresql://" in stats["path"]
    # alice, logged in as herself, sees her work and cannot touch the schema
    alice_url = pg_cluster.url(db, "alice")
    r = cli("--project", alice_url, "stats", "--json", env_dir=tmp_path, check=0)
    assert [a["spans"] for a in json.loads(r.stdout)["annotators"] if a["name"] == "alice"][0] > 0
    cli("labels", "export", tmp_path / "schema.json", "--project", url, env_dir=tmp_path, check=0)
    r = cli("labels", "import", tmp_path / "schema.json", "--project", alice_url, env_dir=tmp_path)
    assert r.returncode == 3 and "the database refused: permission denied" in r.stderr
