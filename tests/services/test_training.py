"""Training from the annotations (docs/training.md): spaCy's config and loop on the exported view,
per-label evaluation equal to spaCy's own Scorer, stored models, train curve, model suggestions,
uncertainty order, cancel. Tiny synthetic projects and a few steps: the figures are not the point
here, their equality with spaCy's is."""

from __future__ import annotations

import json
import random

import pytest

from annotator.core.model import Layer, Origin
from annotator.services import preannotate as pa
from annotator.services.importing import Cancelled
from annotator.services.training import data as D
from annotator.services.training import store, synthetic
from annotator.services.training.evaluate import Evaluation, format_html, format_table
from annotator.services.training.fit import FitSettings
from annotator.services.training.train import TrainOptions, evaluate_model, train_model
from annotator.services.training.uncertainty import rank_documents

pytestmark = pytest.mark.slow

FEW = FitSettings(max_steps=60, eval_frequency=30)


def _noisy_copy(project, name: str, seed: int = 1) -> None:
    """Another annotator who copied the gold set with mistakes: labels changed, spans dropped,
    boundaries moved, stance changed. The model then disagrees with them in places."""
    rng = random.Random(seed)
    gold = project.gold().id
    who = project.ensure_annotator(name)
    ent = {lab.id: lab for lab in project.labels(Layer.ENTITY)}
    ent_ids = sorted(ent)
    stance = project.labels(Layer.DOCUMENT)
    rows = []
    for d in project.document_ids():
        text = project.document(d).text
        for s in project.spans(d, gold):
            r = rng.random()
            if r < 0.08:
                continue
            label, start, end = s.label_id, s.start, s.end
            if s.label_id in ent and r < 0.2:
                label = rng.choice([i for i in ent_ids if i != s.label_id][:3])
            elif r < 0.26 and " " in text[start:end]:
                end = start + text[start:end].index(" ")  # drop the last word(s)
            rows.append((d, who.id, label, start, end, {}, Origin.MANUAL))
        if rng.random() < 0.7:
            project.set_document_label(d, who.id, "stance", rng.choice(stance).id)
    project.add_spans(rows)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    from annotator.core.schema import load_schema
    from annotator.services.sample import default_schema_path
    from annotator.storage import Project

    folder = tmp_path_factory.mktemp("training")
    project = Project.create(folder / "synthetic.annotator", load_schema(default_schema_path()))
    synthetic.build(project, 60, seed=3)
    _noisy_copy(project, "bob")
    info = train_model(project, TrainOptions(settings=FEW, name="first"))
    yield project, info
    project.close()


def test_training_stores_a_model_with_its_view_hash_scores_and_date(trained):
    project, info = trained
    assert info.path == store.models_dir(project) / "first"
    assert info.path.parent.name == "synthetic.annotator.models"  # beside the project file
    assert {p.name for p in info.path.iterdir()} == {"model", "config.cfg", "data", "meta.json"}
    assert info.components == ["ner", "spancat", "textcat"]
    assert info.documents == {"train": 48, "dev": 12}
    meta = json.loads((info.path / "meta.json").read_text())
    assert meta["view"] == "gold" and meta["data_hash"] == info.data_hash and len(info.data_hash) == 64
    assert meta["created"][:4].isdigit() and meta["scores"]["labels"]
    # the hash is of what was learnt: same documents, same hash
    docs = {part: D.read_docs(info.path / "data" / f"{part}.spacy", "en") for part in ("train", "dev")}
    assert D.data_hash(docs) == info.data_hash
    assert [m.name for m in store.list_models(project)] == ["first"]
    # the stored config is spaCy's own, runnable with plain `spacy train` (no callback of ours)
    cfg = (info.path / "config.cfg").read_text()
    assert "before_update = null" in cfg and 'spans_key = "claim"' in cfg
    # no temporary folder left behind
    assert [p.name for p in store.models_dir(project).iterdir()] == ["first"]


def test_training_data_is_what_the_export_writes(trained, cli, tmp_path):
    project, info = trained
    out = tmp_path / "exported"
    cli("export", "--project", project.path, "--format", "spacy", "--gold", "--split", "0.8,0.2", "--seed", "0",
        "--stratify", "--out", out, check=0)
    for part in ("train", "dev"):
        ours = [D.doc_key(d) for d in D.read_docs(info.path / "data" / f"{part}.spacy", "en")]
        theirs = [D.doc_key(d) for d in D.read_docs(out / f"{part}.spacy", "en")]
        assert ours == theirs and ours


def _spacy_figures(nlp, refs):
    """spaCy's own Scorer, through nlp.evaluate, on the same documents and tokens."""
    from spacy.scorer import Scorer
    from spacy.training import Example

    examples = [Example(nlp.make_doc(r.text), r) for r in refs]
    scores = nlp.evaluate(examples)
    with_stance = [Example(nlp(r.text), r) for r in refs if r.cats]
    cats = Scorer.score_cats(with_stance, "cats", labels=nlp.get_pipe("textcat").labels, multi_label=False)
    return scores, cats


@pytest.mark.parametrize("view", [None, "bob"])
def test_per_label_figures_equal_spacy_scorer(trained, view, tmp_path):
    import spacy

    project, info = trained
    nlp = spacy.load(info.model_path)
    if view is None:
        ev = evaluate_model(project, info)
        refs = D.read_docs(info.dev_path, "en")
    else:
        ev = evaluate_model(project, info, D.ViewChoice(annotator=view), include_training=True)
        D.export_view(project, D.ViewChoice(annotator=view), tmp_path / "bob.spacy")
        refs = D.read_docs(tmp_path / "bob.spacy", "en")
    scores, cats = _spacy_figures(nlp, refs)
    checked = 0
    for layer, per_type in (("entity", scores["ents_per_type"]), ("claim", scores["spans_claim_per_type"]),
                            ("stance", cats["cats_f_per_type"])):
        for label, prf in per_type.items():
            row = ev.get(layer, label)
            assert row is not None, (layer, label)
            assert row.precision == pytest.approx(prf["p"], abs=1e-12)
            assert row.recall == pytest.approx(prf["r"], abs=1e-12)
            assert row.f == pytest.approx(prf["f"], abs=1e-12)
            checked += 1
    assert ev.total("entity").f == pytest.approx(scores["ents_f"], abs=1e-12)
    assert ev.total("claim").f == pytest.approx(scores["spans_claim_f"], abs=1e-12)
    assert checked >= 7
    # the counts add up to what the reference has
    gold_ents = sum(len(r.ents) for r in refs)
    assert sum(r.support for r in ev.layer("entity")) == gold_ents
    assert ev.stance_documents == sum(1 for r in refs if r.cats)
    if view == "bob":  # the noisy annotator: the model disagrees, so the comparison is not all 1.0
        assert ev.total("entity").f < 1.0 and ev.total("stance").f < 1.0


def test_spacy_evaluate_cli_function_agrees(trained):
    """``spacy evaluate`` (its function) on the stored held-out file gives the same entity figures."""
    from spacy.cli.evaluate import evaluate as spacy_evaluate

    project, info = trained
    ev = evaluate_model(project, info)
    theirs = spacy_evaluate(str(info.model_path), info.dev_path, silent=True)
    for label, prf in theirs["ents_per_type"].items():
        assert ev.get("entity", label).f == pytest.approx(prf["f"], abs=1e-12)
    assert ev.total("claim").precision == pytest.approx(theirs["spans_claim_p"], abs=1e-12)


def test_partial_match_figures_and_outputs(trained):
    project, info = trained
    ev = evaluate_model(project, info, D.ViewChoice(annotator="bob"), include_training=True)
    assert set(ev.partial) == {"strict", "exact", "partial", "ent_type"}
    # partial matching is never stricter than strict matching
    assert ev.partial["partial"]["recall"] >= ev.partial["strict"]["recall"]
    table = format_table(ev)
    assert "entity   PERSON" in table and "nervaluate" in table
    page = format_html(ev)
    assert page.startswith("<!doctype html>") and "<h2>stance</h2>" in page
    assert Evaluation.from_dict(ev.as_dict()).as_dict() == ev.as_dict()


def test_evaluate_on_gold_leaves_training_documents_out(trained):
    project, info = trained
    ev = evaluate_model(project, info, D.ViewChoice(gold=True))
    assert ev.documents == info.documents["dev"]
    assert "48 used in training left out" in ev.what


def test_model_suggestions_are_accepted_like_any_other(trained):
    from annotator.core.model import NewDocument
    from annotator.services.importing import import_documents

    project, info = trained
    import_documents(project, [NewDocument("Lena Hoff of the Red Cross praised the deployment in Kastel.",
                                           title="new")])
    doc = project.document_ids()[-1]
    who = project.ensure_annotator("carol")
    suggester = pa.make_suggester(project, [], info.model_path)
    report = pa.run(project, suggester, who.id, [doc])
    found = {(project.document(doc).text[s.start:s.end], project.label(s.label_id).name, str(s.origin))
             for s in pa.suggestions(project, who.id, doc)}
    assert report.suggestions == len(found) >= 2
    assert ("Red Cross", "ORG", "model") in found
    red = next(s for s in pa.suggestions(project, who.id, doc) if project.label(s.label_id).name == "ORG")
    (edit,) = pa.accept(project, [red], "carol").spans
    after = edit.after
    assert after.origin == Origin.MANUAL and after.attrs["provenance"]["source"] == str(info.model_path)


def test_uncertainty_order(trained):
    project, info = trained
    ranked = rank_documents(project, info)
    assert len(ranked) == len(project.document_ids())
    assert [u.uncertainty for u in ranked] == sorted((u.uncertainty for u in ranked), reverse=True)
    assert all(0.0 <= u.uncertainty <= 1.0 and u.stance in ("FAVOR", "AGAINST", "NONE") for u in ranked)
    # a finished document leaves the annotator's queue
    bob = project.annotator("bob")
    from annotator.core.model import Status

    project.set_status(ranked[0].document_id, bob.id, Status.DONE)
    assert ranked[0].document_id not in {u.document_id for u in rank_documents(project, info, annotator_id=bob.id)}


def test_cancel_leaves_no_model(trained):
    project, _info = trained
    steps = []

    def cancelled() -> bool:
        return len(steps) > 3

    with pytest.raises(Cancelled):
        train_model(project, TrainOptions(settings=FEW, name="cancelled"),
                    progress=lambda d, t, m: steps.append(d), cancelled=cancelled)
    assert [p.name for p in store.models_dir(project).iterdir()] == ["first"]


def test_a_base_pipeline_is_trained_further(trained):
    project, info = trained
    based = train_model(project, TrainOptions(settings=FitSettings(max_steps=10, eval_frequency=5),
                                              components=["ner"], base=str(info.model_path), name="based"))
    assert based.base == str(info.model_path) and based.components == ["ner"]
    cfg = (based.path / "config.cfg").read_text()
    assert f'source = "{info.model_path}"' in cfg
    # the base's trained ner was sourced: after 10 more steps it still finds the entities
    assert Evaluation.from_dict(based.scores).total("entity").f > 0.5
    assert store.delete_model(project, "based").name == "based"
    assert [m.name for m in store.list_models(project)] == ["first"]


def test_cli_train_evaluate_models(tmp_path, cli, capsys):
    from annotator.cli import main
    from annotator.core.schema import load_schema
    from annotator.services.sample import default_schema_path
    from annotator.storage import Project

    path = tmp_path / "p.annotator"
    with Project.create(path, load_schema(default_schema_path())) as p:
        synthetic.build(p, 30, seed=5)

    def run(*args: object) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    # a script's run, in its own process
    r = cli("train", "--project", path, "--gold", "--steps", "20", "--eval-frequency", "10", "--name", "m1",
            "--components", "ner,textcat", "--format", "json", check=0)
    trained = json.loads(r.stdout)
    assert trained["name"] == "m1" and trained["components"] == ["ner", "textcat"]
    code, out, _ = run("evaluate", "--project", path, "--format", "json")
    ev = json.loads(out)
    assert code == 0 and ev["model"] == "m1" and ev["documents"] == 6
    assert {x["label"] for x in ev["labels"] if x["layer"] == "entity"} == {"PERSON", "ORG", "GPE"}
    assert ev["labels"] == trained["scores"]["labels"]  # the same split, the same model, the same figures
    assert run("evaluate", "--project", path, "--format", "html", "--output", tmp_path / "e.html")[0] == 0
    assert (tmp_path / "e.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    code, out, _ = run("evaluate", "--project", path, "--gold", "--include-training")
    assert code == 0 and "gold (30 documents)" in out and "entity   (all)" in out
    code, out, _ = run("models", "list", "--project", path)
    assert out.splitlines()[1].startswith("m1 ")
    code, _, err = run("evaluate", "--project", path, "--model", "nope")
    assert code == 1 and "no model 'nope'" in err
    code, _, err = run("train", "--project", path, "--gold", "--name", "m1", "--steps", "5")
    assert code == 1 and "exists" in err
    code, out, _ = run("train-curve", "--project", path, "--gold", "--components", "spancat", "--steps", "4",
                       "--eval-frequency", "2", "--shares", "0.5,1", "--name", "x")
    assert code == 0 and "claim F" in out and " 50%    12 " in out
    code, out, _ = run("next", "--project", path, "--model", "x", "--top", "3")
    assert code == 0 and len(out.splitlines()) == 4
    assert run("models", "delete", "x", "--project", path)[0] == 0
    assert run("models", "delete", "m1", "--project", path)[0] == 0
    assert run("models", "list", "--project", path)[1].strip() == "no models yet (annotator train)"
