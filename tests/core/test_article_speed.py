"""The article analysis was made faster in issue 20 without changing what it finds: the same
results as before on the fixtures and on seeded mixtures of their lines (golden.json, written by
the analysis before the change), and each shortcut answers as the pattern it stands for."""

import json
import re
import sys
from pathlib import Path

import pytest

from annotator.core import article
from annotator.core import boilerplate as bp
from annotator.core.article import analyse, article_metadata, extract_date, extract_source, extract_title, find_dateline

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"
sys.path.insert(0, str(ARTICLES))
import golden  # noqa: E402


@pytest.fixture(scope="module")
def texts():
    return golden.corpus()


def test_same_analysis_as_before_the_speed_up(texts):
    want = json.loads(golden.GOLDEN.read_text(encoding="utf-8"))
    got = golden.results(texts)
    assert len(got) == len(want) == len(texts)
    differ = [i for i, (g, w) in enumerate(zip(got, want)) if g != w]
    assert not differ, (len(differ), texts[differ[0]][:300], got[differ[0]], want[differ[0]])


def test_one_analysis_gives_what_the_three_helpers_give(texts):
    for t in texts:
        a = article_metadata(t)
        assert (a.title, a.published, a.source) == (extract_title(t), extract_date(t), extract_source(t))
        full = analyse(t, cut=False)
        assert (a.title, a.published, a.source, a.byline, a.dateline) == (
            full.title, full.published, full.source, full.byline, full.dateline)


@pytest.fixture(scope="module")
def lines(texts):
    lines = {ln for t in texts for ln in t.split("\n")} | set(golden._edge_lines())
    more = set()
    for ln in lines:
        more |= {ln.upper(), "  " + ln + "\t", "(" + ln, "[ " + ln, ln[:90] + " contributed to this report",
                 ln[:130] + " ALL RIGHTS RESERVED", "© " + ln}
    return sorted(lines | more)


def test_shortcuts_answer_as_the_patterns(lines):
    """key, is_sentence, is_footer and is_credit against the regular expressions they replace."""
    for ln in lines:
        assert bp.key(ln) == re.sub(r"\s+", " ", ln).strip(" \t\"'“”‘’.,:;!?–—-|").casefold()
        assert bp.is_sentence(ln) == (re.search(r"[.!?…][\"'”’)\]]*\s*$", ln) is not None)
        assert bp.is_footer(ln) == (bp.FOOTER.match(ln) is not None), ln
        assert bp.is_credit(ln) == (bp.CREDIT.match(ln) is not None), ln


@pytest.mark.parametrize("first", ["A", "a", "ǅ", "Ǆ", "ǆ", "İ", "ı", "\u212a", "Ⅳ", "東", "É", "é", "ß", "ſ", "Σ", "ς", " "])
@pytest.mark.parametrize("second", ["B", "b", "ǅ", "ı", "Ⅴ", "京", " ", ".", "-"])
def test_a_line_refused_quickly_is_no_dateline(first, second, lines):
    """What the quick refusal turns away, the full dateline pattern and checks turn away too."""
    made = [f"{first}{second}{rest}" for rest in ("X — text", ", March 4 — text", "ARSK -- x", "ARSK - x", " — x",
                                                   "X — ", "", "X, Y, 4 March 2026 – z")]
    made += [ln for ln in lines if ln[:1] in (first, first.upper())][:200]
    for line in made:
        if article._not_a_dateline(line):
            assert article._dateline(line) is None, line
        assert find_dateline(line) == article._dateline(line)
