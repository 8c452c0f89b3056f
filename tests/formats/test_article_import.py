"""Importing real-looking articles (issue 17): metadata stored and exported, boilerplate out of the
annotatable text, the file's text kept, ``--keep-boilerplate``, ``--preview``, HTML pages of three
layouts, and a new project's own stance target."""

import json
from pathlib import Path

import orjson

from annotator.storage import Project
from annotator.storage.articles import article_info, cut_count, original

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"
EXPECTED = json.loads((ARTICLES / "expected.json").read_text(encoding="utf-8"))


def _by_file(project):
    return {d.meta["file"]: d for d in project.documents()}


def test_cli_imports_text_and_html_folders_with_metadata(cli, tmp_path):
    p = tmp_path / "p.annotator"
    r = cli("import", ARTICLES / "text", ARTICLES / "html", "--project", p, "--show-cuts", check=0)
    assert "12 documents imported" in r.stdout and "boilerplate lines left out of" in r.stdout
    assert "cut: " + str(ARTICLES / "text" / "02-scraper-herald.txt") + ":18: comment form: Leave a Reply" in r.stdout
    with Project.open(p) as project:
        docs = _by_file(project)
        assert len(docs) == 12
        for name, exp in EXPECTED.items():
            if name.startswith("heldout/"):
                continue
            d = docs[Path(name).name]
            got = {"title": d.title, "published": d.published, "source": d.source,
                   "byline": d.meta.get("byline"), "dateline": d.meta.get("dateline")}
            assert got == {k: exp[k] for k in got}, name
        herald = docs["02-scraper-herald.txt"]
        assert "Leave a Reply" not in herald.text and "date 2026-03-04" not in herald.text
        kept = original(project, herald.id)
        assert kept.text == (ARTICLES / "text" / "02-scraper-herald.txt").read_text(encoding="utf-8")
        assert [c.line for c in kept.cuts][:2] == [1, 6] and cut_count(project, herald.id) == 10
        page = docs["03-static-bulletin.htm"]
        assert original(project, page.id).kind == "html" and "<TABLE" in original(project, page.id).text
        assert page.text.startswith("Flood warning lifted for the Askar valley\n\nBy Hana Oduya")
        info = article_info(project, docs["04-journal-seoul.txt"].id)
        assert info["standfirst"].startswith("The central bank signals") and info["byline"] == "Min-jun Park, Sarah Cole"
        # a document with nothing cut is its own original and has no row
        plain = docs["07-press-release.txt"]
        assert original(project, plain.id).text == plain.text and cut_count(project, plain.id) == 0


def test_crlf_original_kept_byte_for_byte(cli, tmp_path):
    p = tmp_path / "p.annotator"
    src = ARTICLES / "text" / "08-crlf-marathon.txt"
    cli("import", src, "--project", p, check=0)
    with Project.open(p) as project:
        (d,) = project.documents()
        assert original(project, d.id).text.encode("utf-8") == src.read_bytes()
        assert "\r" not in d.text and "Listen to this article" not in d.text and "Zoë" in d.text


def test_keep_boilerplate_imports_every_line(cli, tmp_path):
    p = tmp_path / "p.annotator"
    src = ARTICLES / "text" / "03-datebar-gazette.txt"
    r = cli("import", src, "--project", p, "--keep-boilerplate", check=0)
    assert "boilerplate" not in r.stdout
    with Project.open(p) as project:
        (d,) = project.documents()
        assert d.text == src.read_text(encoding="utf-8")
        assert (d.title, d.published, d.meta["byline"]) == (
            "Council approves new bridge after three-year dispute", "2026-03-10", "Petra Novak")
        assert cut_count(project, d.id) == 0


def test_preview_imports_nothing(cli, tmp_path):
    p = tmp_path / "p.annotator"
    r = cli("import", "--preview", ARTICLES / "text" / "04-journal-seoul.txt", "--project", p, check=0)
    assert "outlet:    The Wall Street Journal" in r.stdout and "byline:    Min-jun Park, Sarah Cole" in r.stdout
    assert "cut 19: teasers: Most Popular News" in r.stdout
    assert not p.exists()


def test_exports_carry_the_article_metadata(cli, tmp_path):
    p = tmp_path / "p.annotator"
    cli("import", ARTICLES / "text" / "04-journal-seoul.txt", "--project", p, check=0)
    out = tmp_path / "out.jsonl"
    cli("export", "--out", out, "--project", p, "--format", "doccano", "--merged", "--all-documents", check=0)
    (rec,) = [orjson.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    meta = rec.get("meta", rec)
    assert meta["byline"] == "Min-jun Park, Sarah Cole" and meta["dateline"] == "Seoul"
    assert meta["source"] == "The Wall Street Journal" and meta["published"] == "2026-03-05"


def test_new_project_has_its_own_stance_target(cli, tmp_path):
    a, b = tmp_path / "a.annotator", tmp_path / "b.annotator"
    src = ARTICLES / "text" / "05-agency-seoul.txt"
    cli("import", src, "--project", a, "--stance-target", "missile tests by North Korea", check=0)
    cli("import", src, "--project", b, check=0)
    with Project.open(a) as pa, Project.open(b) as pb:
        assert pa.schema().stance_target == "missile tests by North Korea"
        assert pb.schema().stance_target == ""  # never the sample's "deployment of troops to the border"
        assert {lab.name for lab in pb.labels()} >= {"PERSON", "CLAIM", "FAVOR"}


def test_damaged_and_empty_pages_are_refused_with_file_name(cli, tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    r = cli("import", empty, "--project", tmp_path / "p.annotator", check=1)
    assert f"{empty}: no article text found" in r.stderr
