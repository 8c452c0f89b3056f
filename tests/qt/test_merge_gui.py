"""File → Export my work… on an annotator's laptop, File → Import annotator work… on the lead's master."""

from PySide6.QtWidgets import QFileDialog, QMessageBox

from annotator.qt.main_window import MainWindow
from annotator.services.bundles import read_bundle
from annotator.services.sample import seed_sample
from annotator.storage import Project


def _menu_texts(w):
    return [a.text() for a in w.menu("&File").actions()]


def _pick(qtbot, w, path):
    feature = w.feature("merge")
    qtbot.waitUntil(lambda: feature.dialog is not None and feature.dialog.isVisible())
    dlg = feature.dialog
    assert isinstance(dlg, QFileDialog)
    dlg.selectFile(str(path))
    dlg.accept()


def _message(qtbot, w):
    feature = w.feature("merge")
    qtbot.waitUntil(lambda: feature.message is not None and feature.message.isVisible(), timeout=20000)
    box = feature.message
    text = box.text()
    box.accept()
    return box, text


def test_export_then_import_through_the_file_menu(qtbot, tmp_path, sample_project):
    alice = sample_project.annotator("alice")
    laptop = MainWindow(sample_project, alice)
    qtbot.addWidget(laptop)
    laptop.show()
    assert "&Import annotator work…" in _menu_texts(laptop) and "&Export my work…" in _menu_texts(laptop)
    out = tmp_path / "alice.annbundle"
    laptop.feature("merge").export_action.trigger()
    _pick(qtbot, laptop, out)
    _, text = _message(qtbot, laptop)
    assert "alice's work on" in text and "with texts" in text
    assert read_bundle(out).span_count == sample_project.span_count(alice.id)
    laptop.close()

    master = Project.create(tmp_path / "master.annotator")
    seed_sample(master, with_annotations=False)
    lead = master.ensure_annotator("lead")
    w = MainWindow(master, lead)
    qtbot.addWidget(w)
    w.show()
    w.feature("merge").import_action.trigger()
    _pick(qtbot, w, out)
    box, text = _message(qtbot, w)
    box.grab().save(str(tmp_path / "merge_message.png"))
    assert "alice" in text and "1 bundle merged" in text
    assert box.icon() == QMessageBox.Icon.Information
    assert master.span_count(master.annotator("alice").id) == sample_project.span_count(alice.id)

    # again: nothing changes, and the window says so
    w.feature("merge").import_files([str(out)])
    _, text = _message(qtbot, w)
    assert "already merged, nothing changed" in text
    w.close()
    master.close()


def test_import_of_a_damaged_file_says_why(qtbot, tmp_path, sample_project):
    bad = tmp_path / "bad.annbundle"
    bad.write_text("not a bundle")
    w = MainWindow(sample_project, sample_project.annotator("lead"))
    qtbot.addWidget(w)
    w.show()
    w.feature("merge").import_files([str(bad)])
    box, text = _message(qtbot, w)
    assert "bad.annbundle: not an annotator bundle" in text
    assert box.icon() == QMessageBox.Icon.Warning
    w.close()


def test_a_lead_exports_review_decisions_and_an_annotator_cannot(qtbot, tmp_path, sample_project):
    from annotator.services import review as rv

    p = sample_project
    rev = rv.review_document(p, 1)
    rv.reject(p, 1, rev.disagreements[0], "lead")
    alice = MainWindow(p, p.annotator("alice"))
    qtbot.addWidget(alice)
    assert not alice.feature("merge").export_review_action.isEnabled()
    alice.close()
    w = MainWindow(p, p.annotator("lead"))
    qtbot.addWidget(w)
    w.show()
    assert "Export &review decisions…" in _menu_texts(w) and w.feature("merge").export_review_action.isEnabled()
    out = tmp_path / "gold.annbundle"
    w.feature("merge").export_review_action.trigger()
    _pick(qtbot, w, out)
    _, text = _message(qtbot, w)
    assert "gold's work" in text and "1 review records" in text
    b = read_bundle(out)
    assert b.annotator == "gold" and b.review[p.document(1).content_hash]["rejected"] == [rev.disagreements[0].key()]
    w.close()
