"""The structure of a news article saved as plain text: headline, standfirst, date, byline,
outlet, dateline, and the lines of web page around it that are not the report (boilerplate).

``analyse(text)`` reads the text line by line. It never changes a line it keeps; it only cuts
whole lines (and a scraper's "date YYYY-MM-DD " prefix) that it recognises — by their own
wording (``annotator.core.boilerplate``) and by their place in the page:

- before the headline: date bars, navigation, cookie notices, scraper header lines;
- between the headline and the body: date lines, read-time and share badges, copies of the headline;
- anywhere: advertisement slugs, share buttons, "Read more: …" links, promotions, repeated lines
  (the first copy stays);
- after the body: a run of lines to the very end that opens with a teaser-block header ("Don't
  Miss", "Related", …), a comment form or a footer, and holds nothing but such blocks (short
  headlines, one teaser after each, dates, form fields, footers). A sign-off ("Reporting by …",
  "Write to …") is never cut, and a line that reads like a run of report paragraphs stops the cut.

A layout it does not recognise keeps every line: the text is what it was before, and the title
is the first line that is not a date bar or a scraper prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date
from typing import Any

from annotator.core import boilerplate as bp

# ------------------------------------------------------------------------------------- outlets
AGENCIES = {"ap": "Associated Press", "associated press": "Associated Press", "the associated press": "Associated Press",
            "reuters": "Reuters", "thomson reuters": "Reuters", "afp": "AFP", "agence france-presse": "AFP",
            "dpa": "dpa", "upi": "UPI", "efe": "EFE", "ansa": "ANSA", "pti": "PTI", "ani": "ANI", "xinhua": "Xinhua",
            "yonhap": "Yonhap", "kyodo": "Kyodo News", "tass": "TASS", "bloomberg": "Bloomberg", "cna": "CNA",
            "bernama": "Bernama", "antara": "Antara", "aa": "Anadolu Agency", "anadolu": "Anadolu Agency"}
DOMAINS = {
    "wsj.com": "The Wall Street Journal", "dowjones.com": "Dow Jones", "barrons.com": "Barron's",
    "marketwatch.com": "MarketWatch", "nytimes.com": "The New York Times", "washingtonpost.com": "The Washington Post",
    "reuters.com": "Reuters", "thomsonreuters.com": "Reuters", "apnews.com": "Associated Press",
    "ap.org": "Associated Press", "afp.com": "AFP", "bbc.co.uk": "BBC News", "bbc.com": "BBC News",
    "theguardian.com": "The Guardian", "guardian.co.uk": "The Guardian", "ft.com": "Financial Times",
    "bloomberg.net": "Bloomberg", "bloomberg.com": "Bloomberg", "aljazeera.com": "Al Jazeera",
    "aljazeera.net": "Al Jazeera", "cnn.com": "CNN", "economist.com": "The Economist", "yna.co.kr": "Yonhap",
    "yonhapnews.co.kr": "Yonhap", "koreaherald.com": "The Korea Herald", "koreatimes.co.kr": "The Korea Times",
    "joongang.co.kr": "JoongAng Ilbo", "scmp.com": "South China Morning Post", "japantimes.co.jp": "The Japan Times",
    "straitstimes.com": "The Straits Times", "dpa.com": "dpa", "lemonde.fr": "Le Monde", "spiegel.de": "Der Spiegel",
    "npr.org": "NPR", "politico.com": "Politico", "politico.eu": "Politico Europe", "axios.com": "Axios",
    "latimes.com": "Los Angeles Times", "usatoday.com": "USA Today", "nbcnews.com": "NBC News",
    "cbsnews.com": "CBS News", "foxnews.com": "Fox News", "independent.co.uk": "The Independent",
    "telegraph.co.uk": "The Telegraph", "thetimes.co.uk": "The Times", "dw.com": "Deutsche Welle",
    "france24.com": "France 24", "euronews.com": "Euronews", "kyivindependent.com": "The Kyiv Independent",
    "timesofisrael.com": "The Times of Israel", "haaretz.com": "Haaretz", "hindustantimes.com": "Hindustan Times",
    "thehindu.com": "The Hindu", "nikkei.com": "Nikkei", "xinhuanet.com": "Xinhua", "news.cn": "Xinhua",
    "tass.com": "TASS", "kyodonews.net": "Kyodo News", "abc.net.au": "ABC News (Australia)", "cbc.ca": "CBC News",
    "theglobeandmail.com": "The Globe and Mail", "theatlantic.com": "The Atlantic", "time.com": "Time",
    "cnbc.com": "CNBC", "nypost.com": "New York Post", "dailymail.co.uk": "Daily Mail", "sky.com": "Sky News",
    "rferl.org": "RFE/RL", "voanews.com": "Voice of America", "euobserver.com": "EUobserver",
}
WEBMAIL = {"gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com", "aol.com",
           "icloud.com", "me.com", "proton.me", "protonmail.com", "gmx.de", "gmx.net", "mail.ru", "yandex.ru",
           "example.com", "example.org"}
_SLD = {"co", "com", "org", "net", "ac", "gov", "go", "ne", "or", "edu"}
# old fallback (before issue 17): a known agency named in the first 800 characters
_KNOWN_NAMES = [
    (re.compile(r"\(\s*Reuters\s*\)|\bReuters\b"), "Reuters"),
    (re.compile(r"\(\s*AP\s*\)|\bAssociated Press\b"), "Associated Press"),
    (re.compile(r"\(\s*AFP\s*\)|\bAgence France-Presse\b"), "AFP"),
    (re.compile(r"\bBBC News\b"), "BBC News"),
    (re.compile(r"\bAl Jazeera\b"), "Al Jazeera"),
]


def outlet_of_domain(domain: str) -> str | None:
    """The outlet behind a web or e-mail domain: a known name, else the domain itself
    ("herald.example"); None for webmail."""
    domain = domain.lower().strip(".")
    labels = domain.split(".")
    if len(labels) < 2:
        return None
    keep = 3 if len(labels) >= 3 and labels[-2] in _SLD and len(labels[-1]) == 2 else 2
    base = ".".join(labels[-keep:])
    for d in (domain, base):
        if d in DOMAINS:
            return DOMAINS[d]
    if base in WEBMAIL or domain in WEBMAIL:
        return None
    return base


_SPACES = re.compile(r"\s+")
# agencies named at the end of a byline ("JANE DOE Associated Press"): the longest name first
_AGENCIES_LONGEST_FIRST = [a for a in sorted(AGENCIES, key=len, reverse=True) if len(a) > 3]
_AGENCY_ENDINGS = tuple(" " + a for a in _AGENCIES_LONGEST_FIRST)


def _agency(name: str) -> str:
    name = _SPACES.sub(" ", name).strip()
    return AGENCIES.get(name.casefold(), name)


# ------------------------------------------------------------------------------------- names
_PARTICLES = {"de", "da", "van", "von", "der", "den", "del", "la", "le", "al", "bin", "ibn", "el", "du", "di", "dos",
              "das", "ter", "ten", "y", "st.", "mac"}
_ROLE = re.compile(r"\b(?:staff|writer|reporter|correspondent|editor|contributor|bureau|chief|columnist|"
                   r"analyst|producer|journalist|desk|team|special\s+to|for\s+the|in\s+[A-Z])", re.I)
_NOT_NAME = {"the", "a", "an", "this", "that", "on", "at", "in", "of", "for", "officials", "police", "tuesday",
             "monday", "wednesday", "thursday", "friday", "saturday", "sunday", "updated", "published", "posted"}


def _name_ok(name: str) -> bool:
    tokens = name.split()
    if not 1 <= len(tokens) <= 5:
        return False
    caps = 0
    for t in tokens:
        folded = t.casefold()
        if folded in _NOT_NAME:
            return False
        if folded in _PARTICLES:
            continue
        if t.isalpha():  # (the usual case: its first letter is its first character, no digit)
            if not t[0].isupper():
                return False
        else:
            letters = [ch for ch in t if ch.isalpha()]
            if not letters or not letters[0].isupper() or any(ch.isdigit() for ch in t):
                return False
        caps += 1
    return caps >= (2 if len(tokens) > 1 else 1) and (len(tokens) > 1 or name.isupper() is False)


_AFTER_HYPHEN = re.compile(r"(?<=[-'’])(\w)")
_NAMES_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bAND\b)\s*")


def _tidy_name(name: str) -> str:
    name = _SPACES.sub(" ", name).strip(" ,.;:|")
    if name.isupper():  # "JANE DOE" (AP bylines)
        name = " ".join(w.capitalize() if w.casefold() not in _PARTICLES else w.lower() for w in name.split())
        name = _AFTER_HYPHEN.sub(lambda m: m.group(1).upper(), name)
    return name


def parse_names(chunk: str) -> list[str] | None:
    """'Marta Ilić and Jan Novák' → two names; None if the chunk is not (only) names."""
    parts = [p for p in _NAMES_SPLIT.split(chunk.strip()) if p.strip()]
    if not parts:
        return None
    names = [_tidy_name(p) for p in parts]
    return names if all(_name_ok(p) for p in parts) else None


# ------------------------------------------------------------------------------------- results
@dataclass(frozen=True, slots=True)
class Cut:
    """Characters cut from the text given to ``analyse``: ``text[start:end]`` is on line ``line``
    (1-based); a whole line is cut with its line break (not counted in ``end``)."""

    line: int
    start: int
    end: int
    reason: str
    text: str


@dataclass
class Article:
    text: str  # what annotators see: the input minus the cuts
    title: str
    standfirst: str | None = None
    published: str | None = None
    byline: str | None = None
    source: str | None = None
    dateline: str | None = None
    cuts: list[Cut] = field(default_factory=list)

    def meta(self) -> dict[str, Any]:
        """What goes into a document's metadata beside title, source and date."""
        return {k: v for k, v in (("byline", self.byline), ("standfirst", self.standfirst),
                                  ("dateline", self.dateline)) if v}


class _Best:
    """Candidates for one field; the lowest priority number wins, then the earliest found."""

    def __init__(self) -> None:
        self.found: list[tuple[int, int, Any]] = []

    def add(self, prio: int, value: Any) -> None:
        if value:
            self.found.append((prio, len(self.found), value))

    def get(self) -> Any:
        return min(self.found)[2] if self.found else None


_DATELINE = re.compile(
    r"^\s*(?P<place>[^\W\d_][\w.'’-]*(?:[ \t]+[^\W\d_][\w.'’-]*){0,3}?)"
    r"(?P<region>,[ \t]*[^\W\d_][\w.'’-]*(?:[ \t]+[^\W\d_][\w.'’-]*){0,2}?)??"
    rf"(?:,?[ \t]*(?P<date>(?i:{bp.MON})[ \t]+[0-3]?\d(?:,?[ \t]*(?:19|20)\d\d)?|[0-3]?\d[ \t]+(?i:{bp.MON})"
    r"(?:[ \t]+(?:19|20)\d\d)?))?"
    r",?[ \t]*(?:\((?P<agency>[^()\n]{2,40})\))?(?P<pre>[ \t]*)(?P<dash>—|–|--|-)(?P<post>[ \t]*)(?=\S)")


_AFTER_PUNCT = re.compile(r"(?<=[-'’.])(\w)")


def find_dateline(line: str) -> tuple[str, tuple[int | None, int, int] | None, str | None] | None:
    """'KARSK, March 4 (Northwire) — …' → ('Karsk', (None, 3, 4), 'Northwire'); None if the line
    does not open with a dateline."""
    return None if _not_a_dateline(line) else _dateline(line)


def _not_a_dateline(line: str) -> bool:
    """True for a line that ``_dateline`` surely refuses (most lines of a report), found cheaply."""
    if "-" not in line and "–" not in line and "—" not in line:
        return True  # a dateline ends with a dash
    if "(" not in line:
        # no agency: the place must be in capitals (str.isupper: no lowercase or titlecase
        # letter), and it holds the line's first two characters
        head = line.lstrip()[:2]
        return len(head) < 2 or any(ch.islower() or (ch.istitle() and not ch.isupper()) for ch in head)
    return False


def _dateline(line: str) -> tuple[str, tuple[int | None, int, int] | None, str | None] | None:
    m = _DATELINE.match(line)
    if not m:
        return None
    place, agency = m.group("place"), m.group("agency")
    letters = [ch for ch in place if ch.isalpha()]
    if len(letters) < 2 or not all(w[0].isupper() for w in place.split() if w[0].isalpha()):
        return None
    if not (place.isupper() or agency):
        return None
    if m.group("dash") == "-" and not (m.group("pre") and m.group("post")) and not agency:
        return None
    if agency and (agency.isdigit() or len(agency.split()) > 5 or bp.find_dates(agency)):
        return None
    when = None
    if m.group("date"):
        ds = bp.find_dates(m.group("date"))
        if ds:
            when = ds[0][2:]
    if place.isupper():
        place = " ".join(w.capitalize() for w in place.split())
        if "-" in place or "'" in place or "’" in place or "." in place:
            place = _AFTER_PUNCT.sub(lambda x: x.group(1).upper(), place)
    return place, when, (_agency(agency) if agency else None)


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


# ------------------------------------------------------------------------------------- analysis
_JUNK_ANYWHERE = (("read time", bp.READ_TIME), ("read time", bp.RELATIVE_TIME), ("share buttons", bp.SHARE), ("advertisement", bp.ADVERT),
                  ("cookie notice", bp.COOKIE), ("teaser link", bp.INLINE_TEASER))
_YOU = re.compile(r"\b(?:our|us|you|your|free|now|here|today)\b", re.I)


def _junk(line: str, *, head: bool) -> str | None:
    """Why this line is boilerplate on its own wording, or None. ``head``: before the body,
    where navigation words ("Menu", "Home › World") are junk too."""
    why = _junk_anywhere(line)
    if why is None and head and _navigation(line):
        return "navigation"
    return why


def _junk_anywhere(line: str) -> str | None:
    for reason, pat in _JUNK_ANYWHERE:
        if pat.match(line):
            return reason
    if bp.PROMO.match(line) and bp.word_count(line) <= 30 and _YOU.search(line):
        return "promotion"
    return None


def _navigation(line: str) -> bool:
    return bp.NAVIGATION.match(line) is not None and bp.word_count(line) <= 12


_BYLINE_CHUNKS = re.compile(r"\s*(?:[|·•—–]|\s-\s|,(?=\s*(?:(?i:updated|published|posted)\b|\d|\|)))\s*|"
                            r"\s+(?=(?i:updated|published|posted|on)\b)")
_DATE_WORDS_ONLY = re.compile(r"(?i)(?:updated|published|posted|on|at|\W)*")
_AND = re.compile(r"\s(?:and|&)\s", re.I)
_BARE_BYLINE_SPLIT = re.compile(r"\s+in\s+(?=[A-Z])|,\s*|\s+(?=(?:[A-Z][a-z]+\s+)?(?i:editor|correspondent|reporter|writer)\b)")


def _byline(line: str) -> tuple[list[str], list[tuple[int | None, int, int]], str | None] | None:
    """'By Marta Ilić, Ostrava Daily Herald | 4 March 2026' → names, dates, outlet."""
    m = bp.BYLINE.match(line)
    if not m or bp.word_count(line) > 20:
        return None
    rest = m.group("rest")
    if bp.is_sentence(rest) and not rest.rstrip().endswith(("Jr.", "Sr.")) and bp.word_count(rest) > 6:
        return None
    found = bp.find_dates(rest)
    dates = [d[2:] for d in found]
    for a, b, *_ in reversed(found):  # "Hana Oduya 18 February 2026": the date is not part of a name
        rest = rest[:a] + " | " + rest[b:]
    rest = bp.TIME_RE.sub(" ", rest)
    rest = bp.TZ_RE.sub(" ", rest)
    chunks = [c for c in _BYLINE_CHUNKS.split(rest) if c and c.strip(" ,")]
    names: list[str] = []
    outlet = None
    for i, c in enumerate(chunks):
        c = c.strip(" ,")
        if _DATE_WORDS_ONLY.fullmatch(c) or bp.date_only(c):
            continue
        if i == 0:
            # "JANE DOE Associated Press", "Marta Ilić, Ostrava Daily Herald"
            folded = c.casefold()
            if folded.endswith(_AGENCY_ENDINGS):
                for agency in _AGENCIES_LONGEST_FIRST:
                    if folded.endswith(" " + agency):
                        outlet = AGENCIES[agency]
                        c = c[: -len(agency)].strip()
                        break
            head, _, tail = c.partition(",")
            # "A, B and C" is a list of names; "A, Ostrava Daily Herald" / "A, Staff Writer" is not
            listed = bool(tail) and _AND.search(tail) is not None
            got = parse_names(c if listed else head)
            if not got:
                return None
            names = got
            t = tail.strip()
            if t and not listed and not _ROLE.search(t) and t[:1].isupper() and bp.word_count(t) <= 6:
                outlet = outlet or t
            continue
        if not _ROLE.search(c) and c[:1].isupper() and bp.word_count(c) <= 6 and not outlet:
            outlet = c
    return (names, dates, outlet) if names else None


def _bare_byline(line: str, following: list[str], looks: _Looks | None = None):
    """'Ian Sample in Brezno', 'Anna Berg', 'Ian Sample, Science editor' on a line of its own,
    followed by a date line: a byline without "By"."""
    if not following or not (looks.date_only if looks else bp.date_only)(following[0]) or bp.word_count(line) > 8 or bp.is_sentence(line):
        return None
    name = _BARE_BYLINE_SPLIT.split(line.strip(), maxsplit=1)[0]
    got = parse_names(name)
    return (got, [], None) if got and len(got) <= 3 else None


def _signoff_names(line: str) -> list[str]:
    out: list[str] = []
    for m in bp.SIGNOFF_BY.finditer(line):
        got = parse_names(m.group("names"))
        if got:
            out.extend(got)
    return out


def _write_to(line: str) -> tuple[list[str], str | None]:
    """'Write to A at a@wsj.com and B at b@wsj.com' → (['A', 'B'], 'The Wall Street Journal')."""
    if "@" not in line:  # (WRITE_TO needs an address)
        return [], None
    m = bp.WRITE_TO.search(line)
    if not m:
        return [], None
    names: list[str] = []
    domain = None
    for w in re.finditer(r"(?P<who>[^\W\d_][^@,;]*?)\s+at\s+[\w.+-]+@(?P<domain>[\w-]+(?:\.[\w-]+)+)",
                         line[m.start("who"):]):
        who = re.sub(r"^(?:and|&)\s+", "", w.group("who").strip(), flags=re.I)
        got = parse_names(who)
        if got:
            names.extend(got)
        domain = domain or w.group("domain")
    return names, (outlet_of_domain(domain) if domain else None)


_COPYRIGHT_START = re.compile(r"^\s*(?:©|\(c\)|copyright)", re.I)
_COPYRIGHT = re.compile(r"^\s*(?:copyright\s*)?(?:©|\(c\))?\s*(?:copyright\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*,?\s*)?"
                        r"(?P<s>[^\W\d_][\w .&'’-]{1,60}?)\s*(?:[.,;]|\ball\s+rights\b|$)", re.I)


def _copyright_outlet(line: str) -> str | None:
    if not _COPYRIGHT_START.match(line):
        return None
    m = _COPYRIGHT.match(line)
    if not m:
        return None
    s = m.group("s").strip()
    if s.casefold() in ("all", "the") or bp.word_count(s) > 7:
        return None
    return _agency(s)


_MISS = object()


class _Looks:
    """What each line looks like, worked out once per line for one analysis: every test here
    depends on nothing but the line's text, and ``analyse`` asks most of them more than once."""

    __slots__ = ("_dateline", "_byline", "_date", "_junk", "_footer", "at")

    def __init__(self, text: str) -> None:
        self.at = "@" in text  # "Write to … at a@b.com" (each line is a part of the text)
        self._dateline: dict[str, Any] = {}
        self._byline: dict[str, Any] = {}
        self._date: dict[str, Any] = {}
        self._junk: dict[str, str | None] = {}
        self._footer: dict[str, bool] = {}

    def dateline(self, line: str):
        r = self._dateline.get(line, _MISS)
        if r is _MISS:
            r = self._dateline[line] = find_dateline(line)
        return r

    def byline(self, line: str):
        r = self._byline.get(line, _MISS)
        if r is _MISS:
            r = self._byline[line] = _byline(line)
        return r

    def date_only(self, line: str):
        r = self._date.get(line, _MISS)
        if r is _MISS:
            r = self._date[line] = bp.date_only(line)
        return r

    def junk(self, line: str, head: bool) -> str | None:
        r = self._junk.get(line, _MISS)
        if r is _MISS:
            r = self._junk[line] = _junk_anywhere(line)
        if r is None and head and _navigation(line):
            return "navigation"
        return r  # type: ignore[return-value]

    def footer(self, line: str) -> bool:
        r = self._footer.get(line)
        if r is None:
            r = self._footer[line] = bp.is_footer(line)
        return r

    def credit(self, line: str) -> bool:
        return bp.is_credit(line)


def analyse(text: str, *, cut: bool = True) -> Article:
    """The article's structure; with ``cut`` (the default) boilerplate lines are cut from the text."""
    lines = text.split("\n")
    stripped = [ln.strip() for ln in lines]
    nonblank = [i for i, ln in enumerate(stripped) if ln]
    looks = _Looks(text)
    cuts: dict[int, str] = {}  # whole lines
    prefix_cut: dict[int, int] = {}  # characters cut at the start of a line
    title = _Best()
    published = _Best()
    byline = _Best()
    source = _Best()
    partial_dates: list[tuple[int, tuple[int, int]]] = []  # (priority, (month, day))

    def add_date(prio: int, d: tuple[int | None, int, int] | None) -> None:
        if d is None:
            return
        y, mo, dd = d
        if y is None:
            partial_dates.append((prio, (mo, dd)))
            return
        iso = _iso(y, mo, dd)
        if iso:
            published.add(prio, iso)

    # 1. a scraper's header lines at the very top ("title: …", "date: …", "url: …")
    k = 0
    while k < len(nonblank):
        i = nonblank[k]
        ln = lines[i]
        pm = bp.SCRAPER_PREFIX.match(ln)
        hm = bp.SCRAPER_HEADER.match(ln)
        if pm and pm.group("rest").strip() and not hm:
            break  # "date 2026-03-04 Headline": handled with the headline
        if not hm or not hm.group("value"):
            break
        keyname, value = hm.group("key").lower(), hm.group("value")
        if keyname in ("title", "headline"):
            title.add(1, value)
        elif keyname in ("date", "published"):
            ds = bp.find_dates(value)
            add_date(3, ds[0][2:] if ds else None)
        elif keyname in ("source", "site", "sitename"):
            source.add(0, value)
        elif keyname in ("author", "byline"):
            got = parse_names(re.sub(r"^(?i:by)\s+", "", value))
            byline.add(0, ", ".join(got) if got else value)
        elif keyname in ("url", "link"):
            um = bp.URL.search(value)
            if um:  # the page's own address: its site is the outlet
                source.add(5, outlet_of_domain(um.group("domain")))
        cuts[i] = "scraper header"
        k += 1
    top = k

    # 2. the headline: the first title-like line among the first lines, after nothing but junk
    head_idx: int | None = None
    body_start: int | None = None
    before: list[int] = []  # junk lines before the headline
    prefix_line: tuple[int, str, str] | None = None  # (line, date, rest)
    shorts = 0
    for i in nonblank[top:top + 12]:
        ln = stripped[i]
        pm = bp.SCRAPER_PREFIX.match(ln)
        if pm and pm.group("rest").strip():
            prefix_line = (i, pm.group("date"), pm.group("rest").strip())
            add_date(3, bp.find_dates(pm.group("date"))[0][2:])
            before.append(i)
            continue
        if prefix_line and bp.key(ln) == bp.key(prefix_line[2]):
            head_idx = i
            break
        if prefix_line:  # a prefixed headline with no clean copy after it: the prefix is what is cut
            head_idx = prefix_line[0]
            break
        d = looks.date_only(ln)
        if d:
            before.append(i)
            continue
        if looks.junk(ln, True) or bp.SOURCE_LINE.match(ln):
            before.append(i)
            continue
        if looks.byline(ln):
            before.append(i)
            continue
        if looks.dateline(ln):
            break  # the body starts before any headline
        n = bp.word_count(ln)
        if n < 4 and not bp.is_sentence(ln):
            shorts += 1
            if shorts > 2:  # not a page head: a list, notes; no headline
                break
            before.append(i)  # site name, section
            continue
        if 4 <= n <= 40 and len(ln) <= 320 and not (bp.is_sentence(ln) and n > 25):
            head_idx = i
        break
    if head_idx is None and prefix_line is not None:
        head_idx = prefix_line[0]

    if head_idx is not None:
        # junk before the headline is cut; a date on its own there is the page's date bar
        for i in before:
            if i == head_idx:
                continue
            ln = lines[i]
            d = looks.date_only(stripped[i])  # (date_only strips the line)
            if prefix_line and i == prefix_line[0]:
                cuts[i] = "scraper prefix"
            elif d:
                add_date(6 if not d[3] else 2, d[:3])
                cuts[i] = "date bar"
            elif (why := looks.junk(ln, True)) is not None:
                cuts[i] = why
        if prefix_line and head_idx == prefix_line[0]:
            ln = lines[head_idx]
            rest_at = ln.index(prefix_line[2])
            prefix_cut[head_idx] = rest_at
            headline = prefix_line[2]
        else:
            headline = stripped[head_idx]
        title.add(2, headline)
        hkey = bp.key(headline)

        # 3. between the headline and the body: byline, dates, badges, standfirst
        after = [i for i in nonblank if i > head_idx]
        j = 0
        standfirst = None
        while j < len(after) and j < 12:
            i = after[j]
            ln = stripped[i]
            lk = bp.key(ln)
            if lk == hkey or (lk.startswith(hkey) and re.match(r"^\s*[|:–—-]", lk[len(hkey):])
                              and bp.word_count(lk[len(hkey):]) <= 6):
                cuts[i] = "repeated headline"
                j += 1
                continue
            if looks.dateline(ln):
                body_start = i
                break
            d = looks.date_only(ln)
            if d:
                add_date(4 if d[3] == "updated" else 1, d[:3])
                cuts[i] = "date line"
                j += 1
                continue
            b = looks.byline(ln) or _bare_byline(ln, [stripped[x] for x in after[j + 1:j + 2]], looks)
            if b:
                names, dates, outlet = b
                byline.add(1, ", ".join(names))
                for dd in dates:
                    add_date(1, dd)
                if outlet:
                    source.add(2, outlet)
                j += 1
                continue
            why = looks.junk(ln, True)
            if why:
                cuts[i] = why
                j += 1
                continue
            n = bp.word_count(ln)
            nxt = [stripped[x] for x in after[j + 1:j + 3]]
            followed_by_meta = any(looks.date_only(x) or looks.byline(x) or bp.READ_TIME.match(x) for x in nxt)
            if n >= 12 and bp.is_sentence(ln) and not followed_by_meta:
                body_start = i
                break
            if n >= 6 and standfirst is None and (followed_by_meta or n >= 12):
                standfirst = ln
            j += 1
        else:
            body_start = after[j] if j < len(after) else None
        if standfirst and body_start is not None and standfirst != stripped[body_start]:
            stand = standfirst
        else:
            stand = None
    else:
        stand = None
        hkey = None
        # no headline found: keep every line at the top; the title is the first line that is
        # not a date bar or a scraper prefix, as before
        for i in nonblank:
            ln = stripped[i]
            if looks.date_only(ln) or bp.SCRAPER_HEADER.match(ln) or looks.junk(ln, True):
                continue
            pm = bp.SCRAPER_PREFIX.match(ln)
            title.add(3, pm.group("rest").strip() if pm and pm.group("rest").strip() else ln)
            break
        body_start = nonblank[top] if top < len(nonblank) else None

    # 4. the body: single junk lines and repeated lines; the dateline; sign-offs
    dateline = None
    seen: set[str] = set()
    if head_idx is not None:
        seen.add(hkey or "")
    start = body_start if body_start is not None else len(lines)
    body_lines = [i for i in nonblank if i >= start]
    for n_i, i in enumerate(body_lines):
        ln = stripped[i]
        if n_i < 3 and dateline is None:
            dl = looks.dateline(ln)
            if dl:
                dateline = dl[0]
                add_date(2 if dl[1] and dl[1][0] else 5, dl[1])
                if dl[2]:
                    source.add(1, dl[2])
        if looks.credit(ln):
            names = _signoff_names(ln)
            if names:
                byline.add(3, ", ".join(names))
        if looks.at:
            wt_names, wt_outlet = _write_to(ln)
            if wt_names:
                byline.add(2, ", ".join(wt_names))
            if wt_outlet:
                source.add(4, wt_outlet)
        sm = bp.SOURCE_LINE.match(ln) if ":" in ln else None
        if sm:
            source.add(0, sm.group("s"))
        if _COPYRIGHT_START.match(ln) and looks.footer(ln):  # (_copyright_outlet needs both)
            co = _copyright_outlet(ln)
            if co:
                source.add(3, co)
        if not cut:
            continue  # the rest finds lines to cut
        why = looks.junk(ln, False)
        if why:
            cuts[i] = why
            continue
        lk = bp.key(ln)
        if lk in seen and (bp.word_count(ln) >= 4 or len(lk) >= 25):
            cuts[i] = "repeated headline" if lk == hkey else "repeated line"
            continue
        seen.add(lk)

    # 5. the tail: blocks of teasers, comment forms and footers running to the end
    body_like = [i for i in body_lines if bp.word_count(lines[i]) >= 12 and i not in cuts] if cut else []
    if body_like:
        tail = _tail(stripped, [i for i in body_lines if i > body_like[0]], cuts, looks)
        cuts.update(tail)

    # 6. fallbacks: what the old extraction found, for layouts not recognised above
    head_text = text[:800]
    if not published.found and not partial_dates:
        for a, _b, y, mo, d in bp.find_dates(text[:600]):
            if y is not None:
                add_date(7, (y, mo, d))
                break
    if not source.found:
        sm = re.search(r"^\s*(?:[^\n]*[—–-]\s*)?(?:source|publisher)\s*:\s*(?P<s>[^\n]{2,80}?)\s*$",
                       head_text, re.I | re.M)
        if sm:
            source.add(8, sm.group("s"))
        for pat, name in _KNOWN_NAMES:
            if pat.search(head_text):
                source.add(9, name)
                break
    if partial_dates:
        ref_iso = published.get()
        ref = date.fromisoformat(ref_iso) if ref_iso else None
        for prio, (mo, d) in partial_dates:
            if ref is None:
                break  # "March 4" with no year anywhere: no date
            y = ref.year
            cand = _iso(y, mo, d)
            if cand and (date.fromisoformat(cand) - ref).days > 183:
                cand = _iso(y - 1, mo, d)
            elif cand and (ref - date.fromisoformat(cand)).days > 183:
                cand = _iso(y + 1, mo, d)
            published.add(prio, cand)

    if not cut:
        cuts, prefix_cut = {}, {}
    kept, cut_list = _assemble(text, lines, cuts, prefix_cut)
    if not kept.strip():  # never cut an article away whole
        kept, cut_list = text, []
    the_title = title.get() or ""
    return Article(text=kept, title=_clip(the_title), standfirst=stand, published=published.get(),
                   byline=byline.get(), source=(source.get() or None), dateline=dateline, cuts=cut_list)


def _tail(stripped: list[str], candidates: list[int], cuts: dict[int, str], looks: _Looks) -> dict[int, str]:
    """Lines to cut at the end: the longest run to the end that opens with a block header
    (teasers, comments) or a footer and contains nothing that reads like the report.
    ``stripped``: the text's lines, stripped."""
    for t in candidates:
        first = stripped[t]
        opener = (bp.TEASER_HEADER.match(first) or bp.COMMENT_HEADER.match(first) or looks.footer(first)
                  or t in cuts and cuts[t] in ("promotion",))
        if not opener:
            continue
        plan = _plan_tail(stripped, t, cuts, looks)
        if plan is not None:
            return plan
    return {}


def _plan_tail(stripped: list[str], t: int, cuts: dict[int, str], looks: _Looks) -> dict[int, str] | None:
    out: dict[int, str] = {}
    block: str | None = None  # "teasers" or "comment form" after a header
    prev = "header"
    for i in range(t, len(stripped)):
        ln = stripped[i]
        if not ln:
            continue
        if looks.credit(ln):
            return None
        if bp.TEASER_HEADER.match(ln):
            block, prev = "teasers", "header"
            out[i] = "teasers"
            continue
        if bp.COMMENT_HEADER.match(ln):
            block, prev = "comment form", "header"
            out[i] = "comment form"
            continue
        if bp.COMMENT_FORM.match(ln) and block == "comment form":
            out[i] = "comment form"
            prev = "meta"
            continue
        if looks.footer(ln):
            out[i] = "footer"
            prev = "meta"
            if ln.endswith(":") or bp.word_count(ln) <= 2:  # "Tags:", "Keywords": a list follows
                block = block or "footer"
            continue
        if i in cuts:
            out[i] = cuts[i]
            prev = "meta"
            continue
        why = looks.junk(ln, True)
        if why or looks.date_only(ln):
            out[i] = why or "date line"
            prev = "meta"
            continue
        if block is None:
            return None
        n = bp.word_count(ln)
        if n <= 14 and not (bp.is_sentence(ln) and n > 8):
            out[i] = block
            prev = "short"
            continue
        if n <= 60 and prev in ("short", "meta"):
            out[i] = block
            prev = "teaser"
            continue
        return None
    return out


def _assemble(text: str, lines: list[str], cuts: dict[int, str],
              prefix_cut: dict[int, int]) -> tuple[str, list[Cut]]:
    if not cuts and not prefix_cut:
        return text, []
    offs: list[int] = []  # where each line starts in ``text``
    pos = 0
    for ln in lines:
        offs.append(pos)
        pos += len(ln) + 1
    out: list[str] = []
    cut_list: list[Cut] = []
    pending = False
    for i, ln in enumerate(lines):
        if i in cuts:
            cut_list.append(Cut(i + 1, offs[i], offs[i] + len(ln), cuts[i], ln))
            pending = True
            continue
        if i in prefix_cut:
            n = prefix_cut[i]
            cut_list.append(Cut(i + 1, offs[i], offs[i] + n, "scraper prefix", ln[:n]))
            ln = ln[n:]
        if pending and not ln.strip() and (not out or not out[-1].strip()):
            continue  # a blank line left over by a cut
        if ln.strip():
            pending = False
        out.append(ln)
    if pending:  # the end was cut: no trailing blank lines
        while out and not out[-1].strip():
            out.pop()
        if text.endswith("\n"):
            out.append("")
    return "\n".join(out), cut_list


def _clip(title: str, max_len: int = 300) -> str:
    title = title.strip()
    return title if len(title) <= max_len else title[: max_len - 1] + "…"


# ------------------------------------------------------------------------------------- metadata only
def article_metadata(text: str) -> Article:
    """Title, date, outlet, byline and dateline of an article's text, in one analysis that cuts
    nothing (``.text`` is the part that was read: on a very long text its head and tail). What
    the importers call for a record that does not say them itself."""
    return analyse(_head(text, tail=True), cut=False)


@lru_cache(maxsize=16)
def _structure(text: str) -> Article:
    """One analysis for the three helpers below (a caller may ask them one after the other)."""
    return article_metadata(text)


def extract_title(text: str, max_len: int = 300) -> str:
    return _clip(_structure(text).title, max_len)


def extract_date(text: str, head_chars: int = 600) -> str | None:
    """The article's own date, as ISO ``YYYY-MM-DD``."""
    return _structure(text).published


def extract_source(text: str, head_chars: int = 800) -> str | None:
    return _structure(text).source


def _head(text: str, tail: bool = False) -> str:
    """The part of a long text that metadata is read from (the first and, for the outlet, the
    last lines), so that the old helpers stay cheap on very long documents."""
    if len(text) <= 20000:
        return text
    head = text[:12000]
    return head + "\n\n" + text[-6000:] if tail else head
