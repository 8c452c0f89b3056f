"""What one line of a news page's text is, judged on that line alone.

The patterns here recognise lines that are never a sentence of a report: read-time and share
badges, advertisement slugs, cookie notices, comment-form fields, subscription and app promotions,
copyright footers, "Read more: …" links, the headers of teaser blocks ("Don't Miss", "Related"),
date-only lines, bylines, sign-offs. ``annotator.core.article`` decides from the line's place in
the article (head, body, tail) whether a line is cut; this module only names what a line looks like.
Every pattern matches the *whole* line (anchored), so a body sentence that merely mentions
"subscribe" or "cookies" is never one of these.
"""

from __future__ import annotations

import re
from datetime import date

# ---------------------------------------------------------------------------------------- dates
_MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december"]
MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, start=1)}
MONTHS.update({k[:3]: v for k, v in list(MONTHS.items())})
MONTHS["sept"] = 9
MON = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
       r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|rsday|urday)?\.?"
_YEAR = r"(?:19|20)\d\d"
DATE_PATTERNS = [
    re.compile(rf"\b(?P<y>{_YEAR})[-/.](?P<m>[01]?\d)[-/.](?P<d>[0-3]?\d)\b"),
    re.compile(rf"\b(?P<mon>{MON})\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>{_YEAR})\b)?", re.I),
    re.compile(rf"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{MON})(?:,?\s+(?P<y>{_YEAR})\b)?", re.I),
]


_DIGIT = re.compile(r"\d")


def find_dates(s: str) -> list[tuple[int, int, int | None, int, int]]:
    """Dates in ``s``: (start, end, year or None, month, day), in order, not overlapping."""
    found: list[tuple[int, int, int | None, int, int]] = []
    if not _DIGIT.search(s):  # (every date pattern has a digit)
        return found
    for pat in DATE_PATTERNS:
        for m in pat.finditer(s):
            g = m.groupdict()
            try:
                month = int(g["m"]) if g.get("m") else MONTHS[g["mon"].lower().rstrip(".")]
                day = int(g["d"])
                year = int(g["y"]) if g.get("y") else None
                date(year or 2000, month, day)  # 2000: a leap year, so 29 February passes
            except (ValueError, KeyError):
                continue
            if any(a < m.end() and m.start() < b for a, b, *_ in found):
                continue
            found.append((m.start(), m.end(), year, month, day))
    return sorted(found)


_TIME = r"\b\d{1,2}(?:[:.]\d\d){1,2}\s*(?:[ap]\.?\s?m\.?)?(?=\W|$)|\b\d{1,2}\s*[ap]\.?m\.?(?=\W|$)"
_TZ = r"\b(?:GMT|UTC|BST|CET|CEST|EET|EEST|KST|JST|IST|AEDT|AEST|[ECMP][SD]?T)(?:\s*[+-]\s*\d{1,2}(?::?\d\d)?)?\b"
_DATE_WORDS = (r"\b(?:published|updated|last\s+updated|first\s+published|posted|modified|date|dated|on|at|"
               r"today|am|pm|hrs|h|ago|mins?|minutes?|hours?|days?|an?|just\s+now|local\s+time|time)\b")
TIME_RE = re.compile(_TIME, re.I)
TZ_RE = re.compile(_TZ)
_WEEKDAY_RE = re.compile(WEEKDAY, re.I)
_DATE_WORDS_RE = re.compile(_DATE_WORDS, re.I)
_NUMBER_RE = re.compile(r"\b\d+\b")
_ONLY_PUNCT = re.compile(r"^[\s|,·•:;/()\[\]–—-]*$")
_DATE_LABEL = re.compile(r"^\s*(?P<label>published|first published|posted|updated|last updated|modified)\b", re.I)


def date_only(line: str) -> tuple[int | None, int, int, str] | None:
    """If ``line`` is nothing but a date (weekday, time, zone, a label such as "Published"),
    return (year, month, day, label) with label "published", "updated" or ""; else None."""
    s = line.strip()
    if not s or len(s) > 90:
        return None
    dates = find_dates(s)
    if not dates:
        return None
    rest = s
    for a, b, *_ in reversed(dates):
        rest = rest[:a] + " " + rest[b:]
    rest = TIME_RE.sub(" ", rest)
    rest = TZ_RE.sub(" ", rest)
    rest = _WEEKDAY_RE.sub(" ", rest)
    rest = _DATE_WORDS_RE.sub(" ", rest)
    rest = _NUMBER_RE.sub(" ", rest)  # "2 hours ago"
    if not _ONLY_PUNCT.match(rest):
        return None
    m = _DATE_LABEL.match(s)
    label = ""
    if m:
        label = "updated" if m.group("label").lower() in ("updated", "last updated", "modified") else "published"
    _, _, y, mo, d = dates[0]
    return y, mo, d, label


def has_weekday(line: str) -> bool:
    return re.search(rf"\b{WEEKDAY}(?=\W|$)", line, re.I) is not None


# ---------------------------------------------------------------------------------------- lines
def _line(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*(?:{pattern})\s*$", re.I)


READ_TIME = _line(r"(?:reading\s+time:?\s*)?(?:\d+|one|two|three|four|five)[ -]?(?:mins?|minutes?)(?:\s+read(?:ing)?)?"
                  r"(?:\s+time)?\.?|(?:\d+\s*(?:mins?|minutes?)\s+)?listen(?:\s+to\s+(?:this|the)\s+article)?"
                  r"(?:\s*[(\-–—]?\s*\d+\s*(?:mins?|minutes?)\)?)?")
_SOCIAL = r"(?:facebook|twitter|x|whatsapp|linkedin|reddit|telegram|email|e-mail|print|copy\s+link|pinterest|messenger|flipboard|bluesky|threads|share)"
SHARE = _line(rf"(?:share(?:\s+(?:this|the)\s+(?:article|story|page))?(?:\s+on\s+{_SOCIAL})?:?|"
              rf"(?:share\s+(?:on|via)\s+{_SOCIAL}\s*[|,·•/]?\s*){{2,9}}|"
              rf"(?:share\s*:?\s*)?{_SOCIAL}(?:\s*[|,·•/]?\s*{_SOCIAL}){{1,9}}|copy\s+link|link\s+copied!?|"
              r"save(?:\s+(?:article|story))?|gift\s+(?:this\s+)?article|print(?:\s+this\s+(?:article|page))?|"
              r"font\s+size|text\s+size|a\s*a\s*a|bookmark|follow|like|restack|repost|reuse\s+this\s+content)")
_AD = (r"advertisement|advertising|sponsored(?:\s+content)?|ad|story\s+continues\s+(?:below|after)"
               r"(?:\s+(?:this|the))?\s+(?:advertisement|ad)|scroll\s+to\s+continue(?:\s+with\s+content)?|"
               r"article\s+continues\s+(?:below|after\s+(?:this\s+)?advertisement)|skip\s+advertisement|"
               r"continue\s+reading(?:\s+the\s+main\s+story)?|paid\s+content|partner\s+content")
ADVERT = _line(rf"(?:{_AD})(?:\s*[·•|:–—-]\s*(?:{_AD}))*")
# "Updated 2 hours ago", "5 hours ago"
RELATIVE_TIME = _line(r"(?:(?:updated|published|posted|last\s+updated)\s*:?\s*)?(?:\d+|an?|one)\s*"
                      r"(?:secs?|seconds?|mins?|minutes?|hrs?|hours?|days?|weeks?)\s+ago|just\s+now")
NAVIGATION = _line(r"skip\s+to\s+(?:main\s+)?content|skip\s+to\s+navigation|menu|search|sign\s+in|log\s*in|"
                   r"sign\s+up|subscribe|register|my\s+account|home|back\s+to\s+top|close|toggle\s+navigation|"
                   r"open\s+(?:side\s+)?menu|edition:?\s*\w+|(?:\w[\w&' ]{0,20}\s*(?:›|»|>|/)\s*){1,5}\w[\w&' ]{0,30}")
COOKIE = re.compile(r"^\s*(?:(?:we|this\s+(?:site|website))\s+uses?\s+cookies\b.{0,300}|"
                    r"by\s+(?:continuing|using)\s+(?:to\s+(?:use|browse)\s+)?(?:this|our)\s+(?:site|website)"
                    r".{0,120}cookies.{0,200}|(?:accept|reject|allow)(?:\s+all)?(?:\s+cookies)?|"
                    r"(?:cookie|privacy)\s+(?:settings|preferences|policy|notice)|manage\s+(?:preferences|cookies|"
                    r"consent)|i\s+(?:accept|agree)|got\s+it!?|ok(?:ay)?,?\s+i\s+understand)\s*$", re.I)
_PROMO_WORDS = (r"newsletters?|briefing|inbox|(?:our|the)\s+app|apps?\b|app\s+store|google\s+play|podcasts?|"
                r"subscri(?:be|ber|ption)s?|premium|free\s+trial|unlimited\s+(?:digital\s+)?access|digital\s+access|"
                r"our\s+journalism|independent\s+journalism|become\s+a\s+(?:member|supporter)|"
                r"support\s+(?:us|our)|whatsapp\s+channel|telegram\s+channel|push\s+notifications|"
                r"(?:on|at)\s+(?:facebook|twitter|x|instagram|youtube|tiktok|linkedin|threads|bluesky)")
PROMO = re.compile(rf"^\s*(?:[>*•▶►»]\s*)?(?:subscribe|sign\s+up|get|download|install|join|follow|support|"
                   rf"become|stay\s+(?:informed|updated|up\s+to\s+date)|never\s+miss|like\s+us|want\s+more|"
                   rf"enjoy(?:ed)?\s+this|already\s+a\s+subscriber|for\s+(?:the\s+)?(?:latest|more)|"
                   rf"don['’]t\s+miss\s+out|click\s+here|tap\s+here|read\s+(?:it|more)\s+(?:in|on)\s+(?:the|our)\s+app)"
                   rf"\b(?=[^\n]{{0,200}}\b(?:{_PROMO_WORDS}))[^\n]{{0,220}}$", re.I)
# "Read more: Other headline" — a link to another story, one line
INLINE_TEASER = re.compile(r"^\s*(?:[>*•▶►»]\s*)?(?:read\s+more|read\s+also|also\s+read|related|see\s+also|"
                           r"more\s+on\s+this\s+story|more\s+on\s+this|related\s+(?:story|article|coverage|content))\s*[:|»›>–—-]\s*\S.{0,200}$", re.I)
# headers of a block of other stories (teasers) or of a comment section
TEASER_HEADER = _line(r"don['’]t\s+miss(?:\s+(?:this|these|out))?|related(?:\s+(?:articles?|stories|posts|news|"
                      r"coverage|content|reading|topics))?|read\s+more|read\s+next|what\s+to\s+read\s+next|more\s+to\s+read|"
                      r"(?:more|latest)\s+(?:from|on|in|about)\s+[\w&'’ .-]{2,40}|more\s+(?:stories|news|articles|"
                      r"headlines)|you\s+(?:may|might)\s+(?:also\s+)?(?:like|be\s+interested\s+in|have\s+missed)|"
                      r"recommended(?:\s+(?:for\s+you|stories|reading|articles))?|most\s+(?:read|popular|viewed|shared|"
                      r"commented)(?:\s+(?:news|now|stories|articles|today|this\s+week))?|trending(?:\s+(?:now|stories|news))?|"
                      r"popular(?:\s+(?:now|stories|news|today))?|latest(?:\s+(?:news|stories|headlines|articles))?|"
                      r"top\s+(?:stories|news|headlines)|editor['’]?s['’]?\s+picks?|also\s+read|in\s+other\s+news|"
                      r"further\s+reading|see\s+also|more\s+like\s+this|around\s+the\s+web|from\s+around\s+the\s+web|"
                      r"promoted\s+(?:stories|links|content)|partner\s+content|sponsored\s+stories|most\s+viewed|"
                      r"explore\s+more(?:\s+on\s+(?:these|this)\s+topics?)?|more\s+on\s+(?:these|this)\s+topics?")
COMMENT_HEADER = _line(r"leave\s+a\s+(?:reply|comment)|(?:\d+\s+)?(?:comments?|responses?|replies)(?:\s*\(\d+\))?|"
                       r"join\s+the\s+(?:conversation|discussion)|add\s+(?:a|your)\s+comment|post\s+a\s+comment|"
                       r"what\s+do\s+you\s+think\??|comments\s+are\s+closed\.?|show\s+comments|view\s+comments")
COMMENT_FORM = _line(r"your\s+email\s+address\s+will\s+not\s+be\s+published\.?(?:\s*required\s+fields\s+are\s+"
                     r"marked\s*\*?\.?)?|required\s+fields\s+are\s+marked\s*\*?\.?|(?:comment|name|email|e-mail|"
                     r"website|url)\s*\*?:?|save\s+my\s+name,?\s+email,?\s+and\s+website\s+in\s+this\s+browser\s+"
                     r"for\s+the\s+next\s+time\s+i\s+comment\.?|(?:post|submit)\s+(?:comment|reply)|cancel\s+reply|"
                     r"notify\s+me\s+of\s+(?:follow-up\s+comments|new\s+posts).{0,60}|log\s+in\s+to\s+(?:reply|"
                     r"comment)|you\s+must\s+be\s+logged\s+in\s+to\s+post\s+a\s+comment\.?|reply|δ|Δ|"
                     r"this\s+site\s+uses\s+akismet\s+to\s+reduce\s+spam\..{0,80}")
_FOOTER_COPYRIGHT = r"(?:©|\(c\)|copyright\b).{0,200}"
_FOOTER_RIGHTS = r".{0,120}\ball\s+rights\s+reserved\b.{0,200}"
_FOOTER_REST = (r"(?:(?:suggested|related|more)\s+)?(?:tags?|topics?|keywords?|filed\s+under|categories|category|"
                r"more\s+about)\s*(?::.{0,300})?|(?:our|editorial)\s+standards\s*:.{0,200}|"
                r"#[^#\n]{1,60}(?:#[^#\n]{1,60})+|"
                r"(?:terms\s+(?:of\s+(?:use|service)|and\s+conditions)|privacy(?:\s+policy)?|contact(?:\s+us)?|"
                r"about(?:\s+us)?|careers|advertise(?:\s+with\s+us)?|sitemap|accessibility|help|faq)"
                r"(?:\s*[|·•,/]\s*(?:terms\s+(?:of\s+(?:use|service)|and\s+conditions)|privacy(?:\s+policy)?|"
                r"contact(?:\s+us)?|about(?:\s+us)?|careers|advertise(?:\s+with\s+us)?|sitemap|accessibility|"
                r"help|faq|cookies?(?:\s+policy)?))*|\(?end\)?|-+\s*end\s*-+|###|"
                r"subscribe(?:\s+(?:to|for)\s+\S+(?:\s+\S+){0,4})?|(?:type|enter)\s+your\s+e-?mail(?:\s+address)?\W{0,3}|"
                r"for\s+(?:the\s+latest|more)\b.{0,120}\b(?:head|go)\s+to\b.{0,60}|"
                r"discussion\s+about\s+this\s+(?:post|article)")
FOOTER = re.compile(rf"^\s*(?:{_FOOTER_COPYRIGHT}|{_FOOTER_RIGHTS}|{_FOOTER_REST})\s*$", re.I)
# the end of a story: sign-offs and credits (kept in the text; a cut never reaches above them)
_CREDIT_LEAD = r"^\s*[(\[]?\s*"
_CREDIT_WORDS = (r"(?:additional\s+)?reporting\s+by|writing\s+by|editing\s+by|edited\s+by|compiled\s+by|write\s+to\b|"
                 r"contact\s+(?:the\s+)?(?:reporter|writer)")
_CREDIT_CONTRIBUTED = r".{2,80}\bcontributed\s+(?:to\s+)?(?:this\s+)?(?:report|story|reporting)"
_CREDIT_UPDATED = r"this\s+(?:story|article)\s+(?:has\s+been|was)\s+(?:updated|corrected)"
CREDIT = re.compile(rf"{_CREDIT_LEAD}(?:{_CREDIT_WORDS}|{_CREDIT_CONTRIBUTED}|{_CREDIT_UPDATED})", re.I)
BYLINE = re.compile(r"^\s*(?:by\s*:?|written\s+by|words\s+by|story\s+by|author\s*:)\s+(?P<rest>\S.{1,150}?)\s*$", re.I)
SIGNOFF_BY = re.compile(r"\b(?:reporting|writing)\s+by\s+(?P<names>[^;,)(\n]+?)(?:\s+in\s+[A-Z][\w -]+)?\s*(?:[;,)]|$)",
                        re.I)
WRITE_TO = re.compile(r"(?:^|\b)write\s+to\s+(?P<who>[^@\n]+?)\s+at\s+(?P<email>[\w.+-]+@(?P<domain>[\w-]+(?:\.[\w-]+)+))",
                      re.I)
EMAIL = re.compile(r"\b[\w.+-]+@(?P<domain>[\w-]+(?:\.[\w-]+)+)\b")
URL = re.compile(r"\bhttps?://(?:www\.)?(?P<domain>[\w-]+(?:\.[\w-]+)+)", re.I)
SOURCE_LINE = re.compile(r"^\s*(?:source|publisher|outlet|publication)\s*:\s*(?P<s>\S.{1,80}?)\s*$", re.I)
# scraper output: "date 2026-03-04 Headline …", "title: …", "url: …" header lines at the very top
SCRAPER_PREFIX = re.compile(rf"^\s*(?:date|published|pubdate|datetime)\s*[:=]?\s*(?P<date>{_YEAR}-[01]\d-[0-3]\d)"
                            r"(?:[T ]\d\d:\d\d(?::\d\d)?(?:Z|[+-]\d\d:?\d\d)?)?\s*(?:[|\t,;]\s*)?(?P<rest>.*)$", re.I)
SCRAPER_HEADER = re.compile(r"^\s*(?P<key>title|headline|date|published|url|link|source|author|byline|site|"
                            r"sitename|description|language|lang|id)\s*[:=]\s*(?P<value>.*?)\s*$", re.I)


_CLOSERS = "\"'”’)]"
_KEY_STRIP = " \t\"'“”‘’.,:;!?–—-|"


# Whether a line is a footer or a credit, as FOOTER.match / CREDIT.match say, faster: the
# branches that may start anywhere in the line's first characters (".{0,120} all rights
# reserved", ".{2,80} contributed to this report") are tried only when those characters hold a
# piece of their words ("all", "buted"). The pieces have none of i, s, k, so ``str.lower`` finds
# them wherever the pattern's IGNORECASE would (the only other letters that match an ASCII letter
# under IGNORECASE are İ, ı, ſ and the Kelvin sign).
_FOOTER_NOT_RIGHTS = re.compile(rf"^\s*(?:{_FOOTER_COPYRIGHT}|{_FOOTER_REST})\s*$", re.I)
_FOOTER_ONLY_RIGHTS = re.compile(rf"^\s*(?:{_FOOTER_RIGHTS})\s*$", re.I)
_CREDIT_NOT_CONTRIBUTED = re.compile(rf"{_CREDIT_LEAD}(?:{_CREDIT_WORDS}|{_CREDIT_UPDATED})", re.I)
_CREDIT_ONLY_CONTRIBUTED = re.compile(rf"{_CREDIT_LEAD}(?:{_CREDIT_CONTRIBUTED})", re.I)


def is_footer(line: str) -> bool:
    """``FOOTER.match(line) is not None``."""
    if _FOOTER_NOT_RIGHTS.match(line) is not None:
        return True
    # "all" starts at most 120 characters after the leading white space
    lead = len(line) - len(line.lstrip())
    return "all" in line[:lead + 123].lower() and _FOOTER_ONLY_RIGHTS.match(line) is not None


def is_credit(line: str) -> bool:
    """``CREDIT.match(line) is not None``."""
    if _CREDIT_NOT_CONTRIBUTED.match(line) is not None:
        return True
    # "contributed" starts at most 80 characters after the lead: white space, "(" or "[", white space
    rest = line.lstrip()
    if rest[:1] in ("(", "["):
        rest = rest[1:].lstrip()
    lead = len(line) - len(rest)
    return "buted" in line[lead:lead + 91].lower() and _CREDIT_ONLY_CONTRIBUTED.match(line) is not None


def is_sentence(line: str) -> bool:
    r"""Does the line end like a sentence: ``.!?…``, closing quotes or brackets, white space?
    (What ``re.search(r"[.!?…][\"'”’)\]]*\s*$", line)`` finds, without trying every position.)"""
    return line.rstrip().rstrip(_CLOSERS)[-1:] in (".", "!", "?", "…")


def word_count(line: str) -> int:
    return len(line.split())


def key(line: str) -> str:
    r"""Compare lines: case, spacing and outer punctuation do not count. (``str.split`` splits
    at exactly the characters ``\s`` matches: this is ``re.sub(r"\s+", " ", line)``, stripped.)"""
    return " ".join(line.split()).strip(_KEY_STRIP).casefold()
