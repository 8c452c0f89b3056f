"""The window, used by an annotator on a team server: saving where you were works (it is a
per-user setting the annotator may write), no permission error, and the place comes back."""

from __future__ import annotations

import pytest

from annotator.services.sample import seed_sample
from annotator.storage import Project, postgres


@pytest.fixture
def alice_url(pg_cluster, pg_database):
    url = pg_database(owner="lead")
    with Project.create(url) as lead:
        seed_sample(lead)
        with lead.write() as c:
            postgres.add_annotator(c, "alice")
            postgres.add_annotator(c, "bo")
    return url, pg_cluster.url(postgres.database_name(url), "alice")


def window(qtbot, project):
    from annotator.qt.main_window import MainWindow

    w = MainWindow(project, project.ensure_annotator("alice"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_annotator_window_saves_and_restores_her_place(qtbot, alice_url, capfd):
    lead_url, url = alice_url
    with Project(url) as alice:
        w = window(qtbot, alice)
        qtbot.waitUntil(lambda: w.current_document_id is not None)
        third = w.doc_model.index(2, 0)
        w.doc_list.setCurrentIndex(third)  # a click in the list: opens it, saves the place
        qtbot.waitUntil(lambda: w.current_document_id == third.data(w.doc_model.DocumentIdRole))
        chosen = w.current_document_id
        w.close()  # saves again
        # bo's place is not hers to read or write
        assert alice.get_setting("ui.place.bo") is None
        w2 = window(qtbot, alice)
        qtbot.waitUntil(lambda: w2.current_document_id == chosen)
        w2.close()
    with Project(lead_url) as lead:
        assert lead.get_setting("ui.place.alice")["document"] == chosen
    out, err = capfd.readouterr()
    assert "permission denied" not in out + err and "Traceback" not in out + err
