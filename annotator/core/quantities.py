"""Numbers and quantities inside claims, as intervals, with what they count and what happened.

"more than 10,000 troops" is (10000, ∞) troops; "roughly 15,000 soldiers" is 15,000 ± 10 %;
"at least 2,000 people" is [2000, ∞); "between 10,000 and 15,000" and "10,000–15,000" are ranges;
"three civilians were killed" is exactly 3; "tripled" is a factor of 3 (not a count).
Number words are read with ``text2num`` (a maintained Rust-backed parser).

A bare round figure in a news report is itself rounded: "18,000 soldiers" (two or more trailing
zeros) gets ± ``ROUND_TOLERANCE``; small counts ("seven") are exact. Two figures are
``incompatible`` when their intervals do not overlap.

A figure carries **what is counted** (``counted``: troops, people, civilians, tanks, percent …,
else the noun after it, singularised) and **what happened to it** (``event``: sent, deployed,
stationed, killed, wounded, captured, displaced, missing …). Two figures are about the same
quantity (:func:`comparable`) only when their events belong to one class (:data:`EVENT_CLASS`:
sent / deployed / stationed are all "deployment"; a bare troop figure is a deployment figure;
killed, wounded, captured, displaced and missing are each their own) and what they count does
not differ. So "2,000 soldiers killed" is never compared with "more than 10,000 troops".

Where they come from: with a spaCy pipeline that has a dependency parser (:func:`parse_quantities`
with ``doc=``, or :func:`set_pipeline`), the number's head noun and that noun's governing verb
(or an adjective/participle on it); otherwise, patterns: the first event word in the number's
clause after it (up to ``WINDOW`` words, stopping at punctuation, a conjunction or the next
figure), else before it. Offsets are code-point indices into the text.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from text_to_num import text2num

APPROX_TOLERANCE = 0.10  # "roughly", "about", "some", "an estimated" …
ROUND_TOLERANCE = 0.05  # bare figures with two or more trailing zeros
INF = math.inf

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
          "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety").split()
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000}
_NUMBER_WORDS = set(_UNITS) | set(_SCALES)
_FACTORS = {"doubled": 2, "tripled": 3, "trebled": 3, "quadrupled": 4, "halved": 0.5,
            "twofold": 2, "threefold": 3, "fourfold": 4, "fivefold": 5, "tenfold": 10, "hundredfold": 100}
_MONTHS = set("january february march april may june july august september october november december "
              "jan feb mar apr jun jul aug sep sept oct nov dec".split())

# qualifier phrase (lower case, words separated by one space) -> kind
_QUALIFIERS = {
    "more than": "gt", "over": "gt", "above": "gt", "in excess of": "gt", "upwards of": "gt",
    "at least": "ge", "no fewer than": "ge", "no less than": "ge", "a minimum of": "ge", "not less than": "ge",
    "less than": "lt", "fewer than": "lt", "under": "lt", "below": "lt",
    "at most": "le", "up to": "le", "no more than": "le", "a maximum of": "le", "not more than": "le",
    "roughly": "approx", "about": "approx", "around": "approx", "approximately": "approx", "some": "approx",
    "an estimated": "approx", "estimated": "approx", "close to": "approx", "nearly": "nearly",
    "almost": "nearly", "just under": "nearly", "just over": "approx", "more or less": "approx", "circa": "approx",
    "exactly": "exact", "precisely": "exact", "only": "exact",
}
_MAX_QUAL_WORDS = 3

# what is counted: category -> words (lower case; two-word phrases allowed)
COUNTED: dict[str, tuple[str, ...]] = {
    "troops": ("troops", "soldiers", "forces", "servicemen", "servicewomen", "personnel", "military personnel",
               "fighters", "reservists", "conscripts", "marines", "paratroopers", "troop", "soldier"),
    "people": ("people", "persons", "residents", "inhabitants", "villagers", "individuals", "refugees"),
    "civilians": ("civilians", "civilian"),
    "tanks": ("tanks",),
    "percent": ("percent", "per cent"),
}
_COUNTED_OF = {w: cat for cat, words in COUNTED.items() for w in words}

# what happened to what is counted: event -> words (inflected forms listed; two-word phrases allowed)
EVENTS: dict[str, tuple[str, ...]] = {
    "sent": ("sent", "send", "sends", "sending", "dispatched", "dispatch", "dispatching", "despatched"),
    "deployed": ("deployed", "deploy", "deploys", "deploying", "deployment", "moved", "move", "moves", "moving",
                 "massed", "amassed", "massing", "amassing", "mobilised", "mobilized", "mobilising", "mobilizing",
                 "positioned", "gathered", "assembled", "built up", "redeployed"),
    "stationed": ("stationed", "station", "based", "garrisoned"),
    "killed": ("killed", "kill", "kills", "killing", "dead", "died", "die", "dies", "dying", "death", "deaths",
               "death toll", "fatalities", "perished", "slain", "lives", "lost their lives", "bodies"),
    "wounded": ("wounded", "wound", "wounding", "injured", "injure", "injuring", "injuries", "hurt"),
    "captured": ("captured", "capture", "capturing", "taken prisoner", "prisoners", "prisoner", "detained",
                 "surrendered", "pows", "prisoners of war"),
    "displaced": ("displaced", "displace", "fled", "flee", "flees", "fleeing", "refugees", "evacuated",
                  "evacuate", "homeless", "uprooted"),
    "missing": ("missing",),
}
_EVENT_OF = {w: ev for ev, words in EVENTS.items() for w in words}
# events that report one quantity: troops sent, deployed or stationed are all the force in place
EVENT_CLASS = {"sent": "deployed", "deployed": "deployed", "stationed": "deployed"}
_PHRASE_WORDS = 3  # longest phrase in the tables above
WINDOW = 7  # words looked at after a figure (and before it) for what it counts and what happened
_CLAUSE_END = re.compile(r"[,;:.!?()\[\]\"“”]")
_CONJUNCTIONS = {"and", "but", "or", "while", "whereas", "nor", "yet"}

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)?|%|[-–—]", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Quantity:
    start: int
    end: int
    text: str
    value: float  # the figure as written (midpoint of a range)
    low: float
    high: float
    low_open: bool = False
    high_open: bool = False
    qualifier: str = "exact"  # exact, gt, ge, lt, le, approx, nearly, round, range, factor
    counted: str | None = None  # what is counted: a category (troops, people, tanks …) or a noun
    event: str | None = None  # what happened to it: sent, deployed, killed, wounded, captured, displaced …

    @property
    def is_factor(self) -> bool:
        return self.qualifier == "factor"

    def contains(self, x: float) -> bool:
        lo_ok = x > self.low if self.low_open else x >= self.low
        hi_ok = x < self.high if self.high_open else x <= self.high
        return lo_ok and hi_ok

    @property
    def event_class(self) -> str | None:
        """The event compared between figures: sent/deployed/stationed are one ("deployed"), and a
        troop figure with no event is a deployment figure."""
        if self.event is not None:
            return EVENT_CLASS.get(self.event, self.event)
        return "deployed" if self.counted == "troops" else None

    @property
    def what(self) -> str:
        """What the figure is about, in words: "troops deployed", "civilians killed", "killed"."""
        return " ".join(x for x in (self.counted, self.event_class) if x) or "?"

    def describe(self) -> str:
        lo = "(" if self.low_open else "["
        hi = ")" if self.high_open else "]"
        return f"“{self.text}” {lo}{_fmt(self.low)}, {_fmt(self.high)}{hi}"

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "value": self.value,
                "low": None if self.low == -INF else self.low, "high": None if self.high == INF else self.high,
                "low_open": self.low_open, "high_open": self.high_open, "qualifier": self.qualifier,
                "counted": self.counted, "event": self.event}


def _fmt(x: float) -> str:
    if x in (INF, -INF):
        return "∞" if x > 0 else "-∞"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def comparable(a: Quantity, b: Quantity) -> bool:
    """Both figures are about the same quantity: the same kind of event (see ``event_class``) and
    the same counted thing where both say what they count; a figure that says neither what it
    counts nor what happened is compared with nothing."""
    if not (a.counted or a.event) or not (b.counted or b.event) or a.is_factor != b.is_factor:
        return False
    if a.event_class != b.event_class:
        return False
    return a.counted is None or b.counted is None or a.counted == b.counted


def incompatible(a: Quantity, b: Quantity) -> bool:
    """True when no single true value fits both figures (their intervals are disjoint)."""
    if a.is_factor != b.is_factor:
        return False
    if a.high < b.low or b.high < a.low:
        return True
    if a.high == b.low:
        return a.high_open or b.low_open
    if b.high == a.low:
        return b.high_open or a.low_open
    return False


def _digits_value(tok: str) -> float | None:
    # 10,000 / 10.000 (grouping) / 6.5 (decimal)
    if re.fullmatch(r"\d{1,3}(,\d{3})+", tok):
        return float(tok.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(\.\d{3}){2,}", tok):
        return float(tok.replace(".", ""))
    if re.fullmatch(r"\d+(\.\d+)?", tok):
        return float(tok)
    return None


def _trailing_zeros(x: float) -> int:
    if not x.is_integer() or x == 0:
        return 0
    n, z = int(x), 0
    while n % 10 == 0:
        n //= 10
        z += 1
    return z


def _interval(value: float, qual: str) -> tuple[float, float, bool, bool]:
    if qual == "gt":
        return value, INF, True, True
    if qual == "ge":
        return value, INF, False, True
    if qual == "lt":
        return 0.0, value, False, True
    if qual == "le":
        return 0.0, value, False, False
    if qual == "approx":
        d = abs(value) * APPROX_TOLERANCE
        return value - d, value + d, False, False
    if qual == "nearly":
        return value * (1 - APPROX_TOLERANCE), value, False, False
    if qual == "round":
        d = abs(value) * ROUND_TOLERANCE
        return value - d, value + d, False, False
    return value, value, False, False


def _singular(word: str) -> str:
    w = word.lower()
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


_STOP_NOUNS = {"of", "and", "or", "the", "a", "an", "to", "in", "on", "at", "by", "for", "from", "were", "was",
               "had", "have", "has", "are", "is", "be", "been", "more", "than", "per", "said", "who", "that"}


def _window(toks, text: str, i_start: int, i_end: int) -> tuple[list[int], list[int]]:
    """Token indices in the figure's clause: after it (in order) and before it (nearest first),
    at most ``WINDOW`` each, stopping at punctuation, a conjunction, a dash or another figure."""
    after: list[int] = []
    k = i_end
    while k < len(toks) and len(after) < WINDOW:
        if _CLAUSE_END.search(text[toks[k - 1][2]:toks[k][1]]):
            break
        w = toks[k][0].lower()
        if w in _CONJUNCTIONS or w in ("-", "–", "—") or _is_number_token(toks[k][0]):
            break
        after.append(k)
        k += 1
    before: list[int] = []
    k = i_start - 1
    while k >= 0 and len(before) < WINDOW:
        if _CLAUSE_END.search(text[toks[k][2]:toks[k + 1][1]]):
            break
        w = toks[k][0].lower()
        if w in _CONJUNCTIONS or w in ("-", "–", "—") or _is_number_token(toks[k][0]):
            break
        before.append(k)
        k -= 1
    return after, before


def _lookup(table: dict[str, str], lower: list[str], idx: int, forward: bool) -> str | None:
    """The table's entry for the phrase at ``idx`` (longest first; phrases read left to right)."""
    for n in range(_PHRASE_WORDS, 0, -1):
        lo = idx if forward else idx - n + 1
        if lo < 0 or lo + n > len(lower):
            continue
        hit = table.get(" ".join(lower[lo:lo + n]))
        if hit:
            return hit
    return None


def _counted_and_event(toks, text: str, i_start: int, i_end: int) -> tuple[str | None, str | None]:
    """What the figure covering tokens [i_start, i_end) counts, and what happened to it."""
    lower = [w[0].lower() for w in toks]
    after, before = _window(toks, text, i_start, i_end)
    counted = event = None
    for idx in after:
        counted = counted or _lookup(_COUNTED_OF, lower, idx, True)
        if counted == "percent" and idx != i_end:
            counted = None  # "percent" belongs to the figure right before it only
        event = event or _lookup(_EVENT_OF, lower, idx, True)
    for idx in before:
        c = _lookup(_COUNTED_OF, lower, idx, False)
        counted = counted or (c if c != "percent" else None)
        event = event or _lookup(_EVENT_OF, lower, idx, False)
    if counted is None:
        # the noun right after the number ("40 tanks", "300 stations"), skipping "of"
        j = i_end
        while j < len(toks) and lower[j] in ("of", "the") and j in after:
            j += 1
        if (j in after and lower[j].isalpha() and lower[j] not in _STOP_NOUNS and lower[j] not in _EVENT_OF
                and not _is_number_token(toks[j][0])):
            counted = _singular(lower[j])
    return counted, event


def _is_number_token(tok: str) -> bool:
    return tok[0].isdigit() or tok.lower() in _NUMBER_WORDS


def _pattern_quantities(text: str) -> list[Quantity]:
    """Every figure in ``text`` with its interval, in text order (patterns only)."""
    toks = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    lower = [t[0].lower() for t in toks]
    out: list[Quantity] = []
    i = 0
    while i < len(toks):
        tok = toks[i][0]
        low = lower[i]
        # factors: "tripled", "tenfold"
        if low in _FACTORS:
            f = float(_FACTORS[low])
            counted, event = _counted_and_event(toks, text, i, i + 1)
            out.append(Quantity(toks[i][1], toks[i][2], tok, f, f, f, qualifier="factor",
                                counted=counted, event=event))
            i += 1
            continue
        parsed = _number_at(toks, lower, i)
        if parsed is None:
            i += 1
            continue
        value, j = parsed
        if _is_date(toks, lower, i, j, value):
            i = j
            continue
        # "3-fold" / "10 times"
        # ranges: "between A and B", "A to B", "A-B", "from A to B"
        start_i = i
        qual = None
        high_value = None
        if j + 1 < len(toks) and lower[j] in ("to", "-", "–", "—", "and"):
            nxt = _number_at(toks, lower, j + 1)
            if nxt is not None and (lower[j] != "and" or (i > 0 and lower[i - 1] == "between")):
                high_value, j2 = nxt
                if high_value > value:
                    j = j2
                    qual = "range"
                    if i > 0 and lower[i - 1] in ("between", "from"):
                        start_i = i - 1
                else:
                    high_value = None
        # scale after digits: "2 million", "1.5 billion"
        if j < len(toks) and lower[j] in _SCALES and toks[j - 1][0][0].isdigit():
            value *= _SCALES[lower[j]]
            if high_value is not None:
                high_value *= _SCALES[lower[j]]
            j += 1
        if qual is None:
            for n in range(_MAX_QUAL_WORDS, 0, -1):
                if i - n < 0:
                    continue
                phrase = " ".join(lower[i - n:i])
                if phrase in _QUALIFIERS:
                    qual = _QUALIFIERS[phrase]
                    start_i = i - n
                    break
        if qual is None:
            qual = "round" if value >= 1000 and _trailing_zeros(value) >= 2 else "exact"
        if qual == "range":
            lo, hi, lo_open, hi_open = value, high_value, False, False
            mid = (value + high_value) / 2
        else:
            lo, hi, lo_open, hi_open = _interval(value, qual)
            mid = value
        if j < len(toks) and toks[j][0] == "%":
            counted, event = "percent", None
            j += 1
        else:
            counted, event = _counted_and_event(toks, text, start_i, j)
        s, e = toks[start_i][1], toks[j - 1][2]
        out.append(Quantity(s, e, text[s:e], mid, lo, hi, lo_open, hi_open, qual, counted, event))
        i = j
    return out


def _number_at(toks, lower, i: int) -> tuple[float, int] | None:
    """The number starting at token i (digits or number words) and the index after it."""
    tok = toks[i][0]
    if tok[0].isdigit():
        v = _digits_value(tok)
        return None if v is None else (v, i + 1)
    if lower[i] not in _NUMBER_WORDS or lower[i] in _SCALES:
        return None
    j = i
    while j < len(toks) and (lower[j] in _NUMBER_WORDS or (lower[j] in ("and", "-") and j + 1 < len(toks)
                                                           and lower[j + 1] in _NUMBER_WORDS and j > i)):
        # only join tokens separated by a single space or hyphen
        if j > i and toks[j][1] - toks[j - 1][2] > 1:
            break
        j += 1
    words = [w for w in lower[i:j] if w not in ("-",)]
    while words and words[-1] == "and":
        words.pop()
        j -= 1
    if lower[i] == "one" and j == i + 1 and (j >= len(toks) or lower[j] in ("of", "another")):
        return None  # "one of his own": a pronoun, not a count
    try:
        return float(text2num(" ".join(words), "en")), j
    except ValueError:
        return None


_YEAR_BEFORE = {"in", "since", "of", "by", "from", "until", "till", "the", "year", "before", "after", "during",
                "early", "late", "mid", "spring", "summer", "autumn", "winter", "fall"}


def _is_date(toks, lower, i: int, j: int, value: float) -> bool:
    tok = toks[i][0]
    if j != i + 1 or not tok.isdigit():
        return False
    prev = lower[i - 1] if i > 0 else ""
    nxt = lower[j] if j < len(toks) else ""
    if prev in _MONTHS or nxt in _MONTHS:  # "March 4", "5 March"
        return True
    if len(tok) == 4 and 1800 <= value <= 2199:
        # a year ("since 2021", "the 2019 ceasefire", "in 2025."), unless it plainly counts
        # something ("2000 people fled")
        if prev in _YEAR_BEFORE or not nxt.isalpha() or j >= len(toks) or toks[j][0][0].isupper():
            return True
        return False
    return False


# ---------------------------------------------------------------------------- dependency parse
_NUMBER_DEPS = ("nummod", "quantmod", "compound", "nmod", "amod", "npadvmod")
_CLIMB_DEPS = ("nsubj", "nsubjpass", "dobj", "obj", "pobj", "prep", "agent", "attr", "appos", "conj", "oprd",
               "dative", "npadvmod", "nmod", "compound", "acomp", "xcomp", "advcl", "ccomp", "pcomp", "relcl", "acl")


def _word_of(tok) -> list[str]:  # noqa: ANN001  (a spaCy Token)
    return [x for x in (tok.lower_, tok.lemma_.lower() if tok.lemma_ else "") if x]


def _event_of_token(tok) -> str | None:  # noqa: ANN001
    for w in _word_of(tok):
        if w in _EVENT_OF:
            return _EVENT_OF[w]
    # "death toll", "taken prisoner", "lost their lives": the token with its compound/object words
    for child in tok.children:
        for phrase in (f"{child.lower_} {tok.lower_}", f"{tok.lower_} {child.lower_}"):
            if phrase in _EVENT_OF:
                return _EVENT_OF[phrase]
    return None


def _from_parse(doc, q: Quantity) -> tuple[str | None, str | None]:  # noqa: ANN001  (a spaCy Doc)
    """(counted, event) from the dependency parse, None where the parse does not say."""
    span = doc.char_span(q.start, q.end, alignment_mode="expand")
    if span is None:
        return None, None
    nums = [t for t in span if t.like_num or t.pos_ == "NUM" or _is_number_token(t.text)]
    if not nums:
        return None, None
    num = nums[-1]
    noun = num.head if num.dep_ in _NUMBER_DEPS and num.head.i != num.i and num.head.pos_ in ("NOUN", "PROPN") \
        else num
    counted = None
    if noun is not num:
        for w in _word_of(noun):
            if w in _COUNTED_OF:
                counted = _COUNTED_OF[w]
                break
        else:
            if noun.lower_ not in _EVENT_OF:
                counted = _singular(noun.lemma_ or noun.text)
    event = None
    # an adjective or participle on the noun ("2,000 dead soldiers", "soldiers killed in …")
    for child in noun.children:
        if child.dep_ in ("amod", "acl", "relcl") and (ev := _event_of_token(child)):
            event = ev
            break
    # the verb (or noun: "the death toll of 2,000") that governs it, climbing the tree
    tok, seen = noun, 0
    while event is None and tok.dep_ in _CLIMB_DEPS and tok.head.i != tok.i and seen < 6:
        tok = tok.head
        seen += 1
        event = _event_of_token(tok)
        if tok.pos_ in ("VERB", "AUX") and tok.dep_ not in ("xcomp", "conj", "advcl", "ccomp", "pcomp"):
            break  # the clause's own verb decides; never a verb of another clause further up
    if event is None and noun.i != num.i:
        event = _event_of_token(num) if num.lower_ in _EVENT_OF else None
    return counted, event


def quantities_from_doc(doc) -> list[Quantity]:  # noqa: ANN001  (a parsed spaCy Doc)
    """Figures of ``doc.text``; what each counts and what happened to it from the dependency
    parse where it says, from the patterns where it does not."""
    out = []
    for q in _pattern_quantities(doc.text):
        if q.counted == "percent" or q.is_factor:
            out.append(q)
            continue
        counted, event = _from_parse(doc, q)
        out.append(Quantity(q.start, q.end, q.text, q.value, q.low, q.high, q.low_open, q.high_open,
                            q.qualifier, counted or q.counted, event or q.event))
    return out


_NO_PIPELINE = object()
_pipeline: Any = None  # None: not looked for yet


def set_pipeline(nlp: Any) -> None:
    """Use this spaCy pipeline (one with a ``parser``) for every claim; ``None`` looks again for an
    installed one, ``False`` uses patterns only."""
    global _pipeline
    _pipeline = _NO_PIPELINE if nlp is False else nlp
    _cached.cache_clear()


def pipeline(lang: str = "en") -> Any:
    """The installed spaCy pipeline with a dependency parser (the first of ``lang`` found), or
    None: nothing is downloaded. Looked for once per process."""
    global _pipeline
    if _pipeline is None:
        _pipeline = _NO_PIPELINE
        try:
            import spacy

            for name in sorted(spacy.util.get_installed_models()):
                if name.startswith(f"{lang}_"):
                    nlp = spacy.load(name, exclude=["ner", "textcat", "lemmatizer"])
                    if "parser" in nlp.pipe_names:
                        _pipeline = nlp
                        break
        except Exception:  # noqa: BLE001  (a broken model package: patterns still work)
            _pipeline = _NO_PIPELINE
    return None if _pipeline is _NO_PIPELINE else _pipeline


@lru_cache(maxsize=4096)
def _cached(text: str) -> tuple[Quantity, ...]:
    nlp = pipeline()
    if nlp is None:
        return tuple(_pattern_quantities(text))
    return tuple(quantities_from_doc(nlp(text)))


def parse_quantities(text: str, *, doc: Any = None) -> list[Quantity]:
    """Every figure in ``text`` with its interval, what it counts and what happened, in text
    order. ``doc``: a parsed spaCy ``Doc`` of ``text`` to read the dependencies from; without
    it, the installed pipeline (:func:`pipeline`) parses, or patterns alone decide."""
    if doc is not None:
        return quantities_from_doc(doc)
    return list(_cached(text))
