"""``annotator stories …`` headless: group, list, suggest, flags, export-pairs, agreement."""

import json

from annotator.cli import main
from annotator.core.claim_matching import LinkKind
from annotator.services import stories as svc


def test_stories_commands(sample_project, tmp_path, capsys):
    path = str(sample_project.path)
    alice = sample_project.annotator("alice")
    assert main(["stories", "group", "--project", path]) == 0
    out = capsys.readouterr().out
    assert "documents 1, 2, 3, 6" in out
    assert main(["stories", "list", "--project", path, "--json"]) == 0
    (story,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert story["documents"] == [1, 2, 3, 6] and story["origin"] == "auto"
    assert main(["stories", "suggest", str(story["id"]), "--annotator", "alice", "--project", path, "--json"]) == 0
    sugg = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sugg and "10,000" in sugg[0]["a_text"] and "15,000" in sugg[0]["b_text"]
    svc.link_claims(sample_project, alice.id, sugg[0]["a"], sugg[0]["b"], LinkKind.SAME)
    out = tmp_path / "pairs.jsonl"
    assert main(["stories", "export-pairs", str(out), "--annotator", "alice", "--no-negatives", "--project", path]) == 0
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert row["label"] == "same" and row["annotator"] == "alice"
    assert main(["stories", "export-pairs", str(out), "--project", path]) == 2, "an existing file is not overwritten"
    assert main(["stories", "agreement", "--project", path, "--annotator", "alice", "--annotator", "bo",
                 "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["pairs"][0]["f1"] == 0.0 and res["pairs"][0]["links_a"] == 1
    assert main(["stories", "flags", str(story["id"]), "--annotator", "nobody", "--project", path]) == 3


def test_flags_and_agreement_say_what_they_found(sample_project, capsys):
    path = str(sample_project.path)
    (story,) = svc.group_stories(sample_project)
    assert main(["stories", "flags", str(story.id), "--annotator", "alice", "--project", path]) == 0
    out = capsys.readouterr().out
    n = sum(len(cs) for cs in svc.story_board(sample_project, story.id, sample_project.annotator("alice").id)
            .claims.values())
    assert out.strip() == f"no conflicting figures among {n} claims" and n > 0
    assert main(["stories", "agreement", "--project", path, "--annotator", "alice", "--annotator", "bo"]) == 0
    out = capsys.readouterr().out
    assert "undefined (neither annotator linked any claims)" in out
    assert "link agreement is undefined" in out
