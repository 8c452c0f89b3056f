"""Numbers and quantities inside claims, as intervals.

"more than 10,000 troops" is (10000, ∞) troops; "roughly 15,000 soldiers" is 15,000 ± 10 %;
"at least 2,000 people" is [2000, ∞); "between 10,000 and 15,000" and "10,000–15,000" are ranges;
"three civilians were killed" is exactly 3; "tripled" is a factor of 3 (not a count).
Number words are read with ``text2num`` (a maintained Rust-backed parser).

A bare round figure in a news report is itself rounded: "18,000 soldiers" (two or more trailing
zeros) gets ± ``ROUND_TOLERANCE``; small counts ("seven") are exact. Two figures are
``incompatible`` when their intervals do not overlap.

What a number counts (``counted``) is a heuristic: the nearest word from a small table of
news categories (troops, killed, wounded, displaced …) in a few words around the number,
else the noun right after it, singularised. Offsets are code-point indices into the text.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
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

# what is counted: category -> trigger words (lower case, compared by prefix of stems below)
CATEGORIES: dict[str, tuple[str, ...]] = {
    "troops": ("troops", "soldiers", "forces", "servicemen", "personnel", "military personnel"),
    "killed": ("killed", "dead", "deaths", "death toll", "died", "fatalities", "lives"),
    "wounded": ("wounded", "injured", "injuries", "hurt"),
    "displaced": ("displaced", "fled", "refugees", "evacuated", "homeless"),
    "tanks": ("tanks",),
    "percent": ("percent", "per cent"),
}
_CATEGORY_OF = {w: cat for cat, words in CATEGORIES.items() for w in words}

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
    counted: str | None = None  # what is counted: a category (troops, killed …) or a noun

    @property
    def is_factor(self) -> bool:
        return self.qualifier == "factor"

    def contains(self, x: float) -> bool:
        lo_ok = x > self.low if self.low_open else x >= self.low
        hi_ok = x < self.high if self.high_open else x <= self.high
        return lo_ok and hi_ok

    def describe(self) -> str:
        lo = "(" if self.low_open else "["
        hi = ")" if self.high_open else "]"
        return f"“{self.text}” {lo}{_fmt(self.low)}, {_fmt(self.high)}{hi}"

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "value": self.value,
                "low": None if self.low == -INF else self.low, "high": None if self.high == INF else self.high,
                "low_open": self.low_open, "high_open": self.high_open, "qualifier": self.qualifier,
                "counted": self.counted}


def _fmt(x: float) -> str:
    if x in (INF, -INF):
        return "∞" if x > 0 else "-∞"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


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


def _counted(words: list[tuple[str, int, int]], i_start: int, i_end: int) -> str | None:
    """What the number covering tokens [i_start, i_end) counts."""
    best: tuple[int, str] | None = None
    lower = [w[0].lower() for w in words]
    for dist in range(0, 6):
        for idx in (i_end + dist, i_start - 1 - dist):
            if not 0 <= idx < len(words) or (i_start <= idx < i_end):
                continue
            w = lower[idx]
            if _is_number_token(words[idx][0]):
                continue
            two = w + " " + lower[idx + 1] if idx + 1 < len(words) else ""
            cat = _CATEGORY_OF.get(two) or _CATEGORY_OF.get(w)
            if cat == "percent" and not (dist == 0 and idx == i_end):
                cat = None  # "percent" belongs to the figure right before it only
            if cat and (best is None or dist < best[0]):
                best = (dist, cat)
        if best:
            return best[1]
    # the noun right after the number ("40 tanks", "300 stations"), skipping "of"
    j = i_end
    while j < len(words) and lower[j] in ("of", "the"):
        j += 1
    if j < len(words) and lower[j].isalpha() and lower[j] not in _STOP_NOUNS and not _is_number_token(words[j][0]):
        return _singular(lower[j])
    return None


def _is_number_token(tok: str) -> bool:
    return tok[0].isdigit() or tok.lower() in _NUMBER_WORDS


def parse_quantities(text: str) -> list[Quantity]:
    """Every figure in ``text`` with its interval, in text order."""
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
            out.append(Quantity(toks[i][1], toks[i][2], tok, f, f, f, qualifier="factor",
                                counted=_counted(toks, i, i + 1)))
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
            counted = "percent"
            j += 1
        else:
            counted = _counted(toks, start_i, j)
        s, e = toks[start_i][1], toks[j - 1][2]
        out.append(Quantity(s, e, text[s:e], mid, lo, hi, lo_open, hi_open, qual, counted))
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
