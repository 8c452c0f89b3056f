"""Pre-annotation service: pattern files and term lists, suggestions with origin, no duplicates,
accept/reject with provenance and undo, export/agreement filters, tag all matches, CLI."""

from __future__ import annotations

import json

import orjson
import pytest

from annotator.cli import main
from annotator.core.errors import InputError
from annotator.core.model import Layer, NewDocument, Origin, Status
from annotator.services import agreement
from annotator.services import preannotate as pa
from annotator.services.exporting import ExportOptions, export
from annotator.services.importing import Cancelled, import_documents

# emoji (flag = 2 code points, family = ZWJ sequence), CJK, a combining mark with no precomposed
# form (NFC keeps it), and a CRLF line break that the importer turns into "\n"
TEXT_1 = ("Veldoria \U0001f1fb\U0001f1ea sent troops to the border.\r\n"
          "The 北京 office and X\u0331avier Moss (\U0001f469\u200d\U0001f469\u200d\U0001f467) met in Veldoria. "
          "The border guard said more than 10,000 troops crossed.")
TEXT_2 = "Nothing here but borders and a Border Guard unit. VELDORIA is upper case."


def _write(path, lines):
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def docs(project):
    import_documents(project, [NewDocument(TEXT_1, title="one"), NewDocument(TEXT_2, title="two")])
    return project


@pytest.fixture
def patterns(tmp_path):
    return _write(tmp_path / "news.jsonl", [
        {"label": "GPE", "pattern": "Veldoria"},
        {"label": "GPE", "pattern": "北京"},
        {"label": "PERSON", "pattern": "X\u0331avier Moss"},
        {"label": "ORG", "pattern": [{"LOWER": "border"}, {"LOWER": "guard"}]},
    ])


def _found(project, annotator_id):
    out = set()
    for s in pa.suggestions(project, annotator_id):
        text = project.document(s.document_id).text
        out.add((s.document_id, text[s.start:s.end], project.label(s.label_id).name, str(s.origin)))
    return out


def test_load_patterns_and_terms(tmp_path, patterns):
    rules = pa.load_patterns(patterns)
    assert [(r.label, r.is_phrase, r.source) for r in rules] == [
        ("GPE", True, "news.jsonl:1"), ("GPE", True, "news.jsonl:2"), ("PERSON", True, "news.jsonl:3"),
        ("ORG", False, "news.jsonl:4")]
    assert rules[3].tokens() == [{"LOWER": "border"}, {"LOWER": "guard"}]
    terms = tmp_path / "GPE.txt"
    terms.write_text("Veldoria\n\n# a comment\nOstrava\n", encoding="utf-8")
    assert [(r.label, r.pattern, r.source) for r in pa.load_terms(terms)] == [
        ("GPE", "Veldoria", "GPE.txt:1"), ("GPE", "Ostrava", "GPE.txt:4")]
    headed = tmp_path / "people.txt"
    headed.write_text("# label: PERSON\nAnika Sorel\n", encoding="utf-8")
    assert [(r.label, r.pattern) for r in pa.load_rules(headed)] == [("PERSON", "Anika Sorel")]


@pytest.mark.parametrize("line, message", [
    ("{not json", "not JSON"),
    ('{"pattern": "x"}', '"label"'),
    ('{"label": "GPE", "pattern": 3}', "string (phrase) or a list"),
    ('{"label": "GPE", "pattern": []}', "non-empty list"),
])
def test_bad_pattern_lines_name_file_and_line(tmp_path, line, message):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"label": "GPE", "pattern": "ok"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        pa.load_patterns(f)
    assert "bad.jsonl:2" in str(e.value) and message in str(e.value)


def test_unknown_label_and_invalid_token_pattern_are_refused(docs, tmp_path):
    with pytest.raises(pa.PreannotateError, match="unknown label FOOD"):
        pa.make_suggester(docs, [pa.Rule("FOOD", "pizza", "x:1")])
    bad = _write(tmp_path / "b.jsonl", [{"label": "ORG", "pattern": [{"NOT_AN_ATTR": "x"}]}])
    with pytest.raises(InputError, match="b.jsonl:1"):
        pa.make_suggester(docs, pa.load_patterns(bad))


def test_run_stores_suggestions_at_code_point_offsets(docs, patterns):
    me = docs.ensure_annotator("me")
    d1, d2 = docs.document_ids()
    stored = docs.document(d1).text
    assert "\r" not in stored and "X\u0331avier" in stored  # the importer's normalisation kept the mark
    report = pa.run(docs, pa.make_suggester(docs, pa.load_patterns(patterns)), me.id)
    assert report.documents == 2 and report.suggestions == 6
    assert _found(docs, me.id) == {
        (d1, "Veldoria", "GPE", "pattern"), (d1, "北京", "GPE", "pattern"),
        (d1, "X\u0331avier Moss", "PERSON", "pattern"), (d1, "border guard", "ORG", "pattern"),
        (d2, "Border Guard", "ORG", "pattern")}  # a set: Veldoria twice in d1 is one entry
    spans = pa.suggestions(docs, me.id, d1)
    veld = [s for s in spans if stored[s.start:s.end] == "Veldoria"]
    assert [s.start for s in veld] == [0, stored.rindex("Veldoria")]  # both, after emoji and CJK
    moss = next(s for s in spans if docs.label(s.label_id).name == "PERSON")
    assert (moss.start, moss.end) == (stored.index("X\u0331"), stored.index(" (\U0001f469"))
    assert moss.attrs == {"suggestion": True, "source": "news.jsonl:3"}
    # the phrase matches case-sensitively (ORTH) by default; "VELDORIA" only with ignore_case
    assert not any(docs.document(s.document_id).text[s.start:s.end] == "VELDORIA"
                   for s in pa.suggestions(docs, me.id))
    # suggestions are not work: the status stays "to do"
    assert docs.status(d1, me.id) == Status.TODO


def test_same_matches_as_spacy_itself(docs, patterns):
    """The stored suggestions are exactly spaCy's Matcher/PhraseMatcher matches (longest per label)."""
    import spacy
    from spacy.matcher import Matcher, PhraseMatcher
    from spacy.util import filter_spans

    nlp = spacy.blank("en")
    m, pm = Matcher(nlp.vocab), PhraseMatcher(nlp.vocab)
    m.add("ORG", [[{"LOWER": "border"}, {"LOWER": "guard"}]])
    pm.add("GPE", [nlp.make_doc("Veldoria"), nlp.make_doc("北京")])
    pm.add("PERSON", [nlp.make_doc("X\u0331avier Moss")])
    expected = set()
    for doc in docs.documents():
        sd = nlp.make_doc(doc.text)
        by: dict = {}
        for key, s, e in list(m(sd)) + list(pm(sd)):
            by.setdefault(nlp.vocab.strings[key], []).append(sd[s:e])
        for lab, spans in by.items():
            expected |= {(doc.id, sp.start_char, sp.end_char, lab) for sp in filter_spans(spans)}
    me = docs.ensure_annotator("me")
    pa.run(docs, pa.make_suggester(docs, pa.load_patterns(patterns)), me.id)
    got = {(s.document_id, s.start, s.end, docs.label(s.label_id).name) for s in pa.suggestions(docs, me.id)}
    assert got == expected


def test_no_duplicates_of_existing_spans_or_earlier_runs(docs, patterns):
    me = docs.ensure_annotator("me")
    d1 = docs.document_ids()[0]
    gpe = docs.label_by_name("GPE", Layer.ENTITY)
    docs.add_span(d1, me.id, gpe.id, 0, 8)  # the annotator tagged the first Veldoria by hand
    sg = pa.make_suggester(docs, pa.load_patterns(patterns))
    first = pa.run(docs, sg, me.id)
    assert (first.suggestions, first.existing) == (5, 1)
    again = pa.run(docs, sg, me.id)
    assert (again.suggestions, again.existing) == (0, 6)
    # another annotator gets their own suggestions
    other = docs.ensure_annotator("other")
    assert pa.run(docs, sg, other.id).suggestions == 6


def test_accept_keeps_provenance_reject_is_remembered_and_both_undo(docs, patterns):
    me = docs.ensure_annotator("me")
    sg = pa.make_suggester(docs, pa.load_patterns(patterns))
    pa.run(docs, sg, me.id)
    sugg = pa.suggestions(docs, me.id)
    keep, drop = sugg[0], sugg[1]
    acc = pa.accept(docs, [keep], "me")
    after = docs.span(keep.id)
    assert after.origin == Origin.MANUAL and "suggestion" not in after.attrs
    prov = after.attrs["provenance"]
    assert (prov["suggested_by"], prov["source"], prov["accepted_by"]) == ("pattern", keep.attrs["source"], "me")
    rej = pa.reject(docs, [drop])
    assert [e.before for e in rej.spans] == [drop]
    assert drop.id not in {s.id for s in docs.spans(drop.document_id)}
    # a later run neither duplicates the accepted span nor brings the rejected one back
    again = pa.run(docs, sg, me.id)
    assert (again.suggestions, again.existing, again.rejected) == (0, 5, 1)
    # undo both (each one change, one transaction)
    docs.apply(acc.inverse())
    assert docs.span(keep.id) == keep
    docs.apply(rej.inverse())
    assert docs.span(drop.id) == drop
    assert pa.rejected(docs, me.id) == set()
    # accept/reject leave spans that are not suggestions alone
    assert not pa.accept(docs, [docs.span(keep.id)], "me").empty  # still a suggestion after undo
    assert pa.accept(docs, [docs.span(keep.id)], "me").empty
    assert pa.reject(docs, [docs.span(keep.id)]).empty


def test_model_suggestions_from_an_installed_pipeline_folder(docs, tmp_path):
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "GPE", "pattern": "Veldoria"},
                        {"label": "MONEY", "pattern": [{"LIKE_NUM": True}, {"LOWER": "troops"}]}])
    nlp.to_disk(tmp_path / "pipeline")
    me = docs.ensure_annotator("me")
    sg = pa.make_suggester(docs, model=tmp_path / "pipeline")
    report = pa.run(docs, sg, me.id)
    d1 = docs.document_ids()[0]
    assert _found(docs, me.id) == {(d1, "Veldoria", "GPE", "model")}
    assert report.suggestions == 2 and report.skipped_labels == {"MONEY": 1}
    assert pa.suggestions(docs, me.id)[0].attrs["source"] == str(tmp_path / "pipeline")
    with pytest.raises(pa.PreannotateError, match="no installed spaCy pipeline"):
        pa.make_suggester(docs, model="xx_not_installed_pipeline")


def test_cancel_stores_nothing_of_the_batch_in_hand(docs, patterns):
    me = docs.ensure_annotator("me")
    with pytest.raises(Cancelled):
        pa.run(docs, pa.make_suggester(docs, pa.load_patterns(patterns)), me.id, cancelled=lambda: True)
    assert pa.suggestions(docs, me.id) == []


def test_export_and_agreement_leave_pending_suggestions_out(docs, patterns, tmp_path):
    me, you = docs.ensure_annotator("me"), docs.ensure_annotator("you")
    d1 = docs.document_ids()[0]
    sg = pa.make_suggester(docs, pa.load_patterns(patterns))
    pa.run(docs, sg, me.id, [d1])
    pa.run(docs, sg, you.id, [d1])
    pa.accept(docs, [s for s in pa.suggestions(docs, me.id) if s.start == 0], "me")

    def exported(**kw):
        out = tmp_path / f"out{len(list(tmp_path.iterdir()))}.jsonl"
        export(docs, ExportOptions("native", out, annotator="me", **kw))
        recs = [orjson.loads(x) for x in out.read_text().splitlines() if x.strip()]
        return sorted((s["start"], s["label"], s["origin"]) for r in recs for s in r.get("spans", []))

    assert exported() == [(0, "GPE", "manual")]
    assert len(exported(suggestions=True)) == 5
    # agreement: both finished the document; only the accepted span is "me"'s work
    for a in (me, you):
        docs.set_status(d1, a.id, Status.DONE)
    without = agreement.compute(docs, "entity")
    with_ = agreement.compute(docs, "entity", include_suggestions=True)
    f1 = agreement.F1_EXACT
    assert without.figure(f1, pair=("me", "you")).value.value == 0.0  # you: nothing accepted
    assert with_.figure(f1, pair=("me", "you")).value.value == 1.0  # the same machine suggestions


def test_find_and_tag_all_matches(docs):
    me = docs.ensure_annotator("me")
    d1, d2 = docs.document_ids()
    matches = pa.find_matches(docs, "border")  # whole tokens, any case: not "borders"
    assert [(m.document_id, docs.document(m.document_id).text[m.start:m.end]) for m in matches] == [
        (d1, "border"), (d1, "border"), (d2, "Border")]
    first = docs.document(d1).text.index("border")
    assert (matches[0].left, matches[0].text) == (docs.document(d1).text[max(0, first - 32):first], "border")
    tagged = pa.tag_matches(docs, matches, "CLAIM", me.id, "border")
    new = [e.after for e in tagged.spans]
    assert len(new) == 3
    claim = docs.span(new[0].id)
    assert claim.origin == Origin.MANUAL and claim.attrs["stance"] is None
    assert claim.attrs["provenance"]["rule"] == "border"
    assert pa.tag_matches(docs, matches, "CLAIM", me.id, "border").empty  # already tagged
    docs.apply(tagged.inverse())
    assert docs.spans(d1, me.id) == []
    docs.apply(tagged)
    assert docs.span(new[0].id) == claim
    # a token pattern: a number followed by "troops"
    nums = pa.find_matches(docs, '[{"LIKE_NUM": true}, {"LOWER": "troops"}]')
    assert [docs.document(m.document_id).text[m.start:m.end] for m in nums] == ["10,000 troops"]
    with pytest.raises(pa.PreannotateError):
        pa.find_matches(docs, "[{not json")


def test_cli_preannotate(docs, patterns, tmp_path, capsys):
    terms = tmp_path / "ORG.txt"
    terms.write_text("office\n", encoding="utf-8")
    path = str(docs.path)
    assert main(["preannotate", "--project", path, "--patterns", str(patterns), "--terms", str(terms),
                 "--annotator", "bot"]) == 0
    assert "7 suggestions in 2 documents" in capsys.readouterr().out
    bot = docs.annotator("bot")
    assert len(pa.suggestions(docs, bot.id)) == 7
    assert main(["preannotate", "--project", path, "--patterns", str(patterns), "--annotator", "bot"]) == 0
    assert "0 suggestions in 2 documents, 6 already tagged" in capsys.readouterr().out
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"label": "FOOD", "pattern": "x"}\n', encoding="utf-8")
    assert main(["preannotate", "--project", path, "--patterns", str(bad), "--annotator", "bot"]) != 0
    assert "unknown label FOOD" in capsys.readouterr().err
    out = tmp_path / "e.jsonl"
    assert main(["export", "--project", path, "--format", "native", "--annotator", "bot", "--out", str(out),
                 "--include-suggestions", "-q"]) == 0
    assert sum(len(orjson.loads(x).get("spans", [])) for x in out.read_text().splitlines()) == 7


def test_review_candidates_ignore_pending_suggestions(docs, patterns):
    from annotator.services import review as rv

    me = docs.ensure_annotator("me")
    d1 = docs.document_ids()[0]
    pa.run(docs, pa.make_suggester(docs, pa.load_patterns(patterns)), me.id, [d1])
    assert len(pa.suggestions(docs, me.id)) == 5
    pa.accept(docs, [s for s in pa.suggestions(docs, me.id) if s.start == 0], "me")
    docs.set_status(d1, me.id, Status.DONE)
    rev = rv.review_document(docs, d1)
    spans = {(c.start, c.end) for r in rev.regions for c in r.candidates if c.layer != Layer.DOCUMENT}
    assert spans == {(0, 8)}  # the accepted one only


def test_on_both_backends(backend, tmp_path):
    """Run, accept, reject and its undo, tag all and its undo on SQLite and PostgreSQL."""
    from annotator.services.sample import seed_sample

    p = backend("pre")
    seed_sample(p, with_annotations=False)
    import_documents(p, [NewDocument(TEXT_1, title="one")])
    rules = [pa.Rule("GPE", "Veldoria", "t:1"), pa.Rule("GPE", "北京", "t:2")]
    me = p.ensure_annotator("me")
    report = pa.run(p, pa.make_suggester(p, rules), me.id)
    sugg = pa.suggestions(p, me.id)
    assert report.suggestions == len(sugg) > 3
    acc = pa.accept(p, sugg[:1], "me")
    assert p.span(sugg[0].id).origin == Origin.MANUAL
    gone = pa.reject(p, sugg[1:2])
    p.apply(gone.inverse())
    assert p.span(sugg[1].id) == sugg[1]
    p.apply(acc.inverse())
    assert pa.suggestions(p, me.id) == sugg
    tagged = pa.tag_matches(p, pa.find_matches(p, "troops"), "CLAIM", me.id, "troops")
    new = [e.after for e in tagged.spans]
    assert len(new) >= 2 and p.span(new[0].id).attrs["provenance"]["rule"] == "troops"
    p.apply(tagged.inverse())
    p.apply(tagged)
    assert p.span(new[-1].id) == new[-1]
    out = tmp_path / f"{p.path.name}.jsonl"
    export(p, ExportOptions("native", out, annotator="me"))
    assert sum(len(orjson.loads(x).get("spans", [])) for x in out.read_text().splitlines()) == len(new)
