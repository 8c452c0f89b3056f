"""Becoming a lead: from nothing through the CLI to review and the dashboard in the window, and
Project → Annotators."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.core.model import Role, Status
from annotator.storage import Project

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_a_project_from_nothing_gets_a_lead_who_reviews(qtbot, open_window, cli, tmp_path):
    proj = tmp_path / "border.annotator"
    for i, text in enumerate(["Veldoria has sent more than 10,000 troops to Brezno.",
                              "Roughly 15,000 Veldorian troops are stationed near Brezno."]):
        (tmp_path / f"{i}.txt").write_text(text)
    cli("import", tmp_path / "0.txt", tmp_path / "1.txt", "--project", proj, check=0)
    r = cli("annotators", "list", "--project", proj, check=0)
    assert "nobody yet" in r.stdout
    cli("annotators", "add", "alice", "--project", proj, check=0)
    cli("annotators", "add", "bo", "--project", proj, check=0)
    r = cli("annotators", "set-role", "dana", "lead", "--project", proj)
    assert r.returncode == 1 and "no annotator named 'dana'" in r.stderr
    assert "added dana (lead)" in cli("annotators", "add", "dana", "--role", "lead", "--project", proj, check=0).stdout
    r = cli("annotators", "set-role", "dana", "annotator", "--project", proj)
    assert r.returncode == 1 and "only lead" in r.stderr, "a project keeps a lead"
    listed = cli("annotators", "list", "--project", proj, "--json", check=0).stdout
    assert '"name":"dana","role":"lead"' in listed and '"name":"alice","role":"annotator"' in listed

    p = Project.open(proj)
    # both annotators did the first document (so review has something to show)
    for name in ("alice", "bo"):
        a = p.annotator(name)
        p.add_span(1, a.id, p.label_by_name("GPE").id, 0, 8)
        p.set_status(1, a.id, Status.DONE)
    alice = open_window(p, "alice")
    assert not alice.feature("review").action.isEnabled() and not alice.feature("agreement").action.isEnabled()
    alice.close()

    w = open_window(p, "dana")
    assert w.annotator.role == Role.LEAD
    assert w.feature("review").action.isEnabled() and w.feature("agreement").action.isEnabled()
    qtbot.keyClick(w, Qt.Key.Key_R, CTRL_SHIFT)
    review = w.feature("review").review
    assert review is not None and review.isVisible()
    review.close()
    qtbot.keyClick(w, Qt.Key.Key_A, CTRL_SHIFT)
    dash = w.feature("agreement").dashboard
    assert dash is not None and dash.isVisible()
    qtbot.waitUntil(lambda: dash.report is not None and dash.task is None, timeout=20000)
    assert dash.report.annotators == ["alice", "bo"], "the lead did no work: not counted"
    dash.close()


def test_who_creates_a_project_leads_it(qtbot, open_window, project):
    assert [a for a in project.annotators() if a.role == Role.LEAD] == []
    w = open_window(project, "erin")
    assert w.annotator.role == Role.LEAD and project.annotator("erin").role == Role.LEAD
    assert w.feature("review").action.isEnabled() and w.feature("agreement").action.isEnabled()
    w.close()
    frank = open_window(project, "frank")
    assert frank.annotator.role == Role.ANNOTATOR, "the project has its lead: the next person annotates"
    assert not frank.feature("review").action.isEnabled()


def test_annotators_dialog(qtbot, open_window, project):
    w = open_window(project, "erin")  # erin creates the project: its lead
    project.ensure_annotator("frank")
    w.menu("&Project").actions()[0].trigger()
    dlg = w.feature("annotators").dialog
    assert dlg.isVisible() and dlg.table.rowCount() == 2
    # add a person
    qtbot.keyClicks(dlg.new_name, "gus")
    qtbot.keyClick(dlg.new_name, Qt.Key.Key_Return)
    assert project.annotator("gus").role == Role.ANNOTATOR and dlg.table.rowCount() == 3
    qtbot.keyClicks(dlg.new_name, "gus")
    qtbot.mouseClick(dlg.add_button, Qt.MouseButton.LeftButton)
    assert "already in this project" in dlg.error.text()
    # erin cannot step down while she is the only lead: the combo goes back
    dlg.combos["erin"].setCurrentIndex(dlg.combos["erin"].findData("annotator"))
    assert "only lead" in dlg.error.text() and dlg.combos["erin"].currentData() == "lead"
    assert project.annotator("erin").role == Role.LEAD
    # frank becomes lead, then erin can step down: her review and dashboard go grey at once
    dlg.combos["frank"].setCurrentIndex(dlg.combos["frank"].findData("lead"))
    assert project.annotator("frank").role == Role.LEAD and dlg.error.text() == ""
    dlg.combos["erin"].setCurrentIndex(dlg.combos["erin"].findData("annotator"))
    assert project.annotator("erin").role == Role.ANNOTATOR and w.annotator.role == Role.ANNOTATOR
    assert not w.feature("review").action.isEnabled() and not w.feature("agreement").action.isEnabled()
    assert not dlg.combos["frank"].isEnabled() and not dlg.add_button.isEnabled(), "only a lead changes roles"
    dlg.grab().save(str(project.path.parent / "annotators.png"))
