"""Metadata that news articles carry in their text: title, dateline date, source."""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
_MONTHS.update({k[:3]: v for k, v in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MON = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DATE_PATTERNS = [
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"),
    re.compile(_MON + r"\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b", re.I),
    re.compile(r"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+" + _MON + r",?\s+(?P<y>(?:19|20)\d\d)\b", re.I),
]
_SOURCES = [
    (re.compile(r"\(\s*Reuters\s*\)|\bReuters\b"), "Reuters"),
    (re.compile(r"\(\s*AP\s*\)|\bAssociated Press\b"), "Associated Press"),
    (re.compile(r"\(\s*AFP\s*\)|\bAgence France-Presse\b"), "AFP"),
    (re.compile(r"\bBBC News\b"), "BBC News"),
    (re.compile(r"\bAl Jazeera\b"), "Al Jazeera"),
]
_SOURCE_LINE = re.compile(r"^\s*(?:[^\n]*[—–-]\s*)?(?:Source|Publisher)\s*:\s*(?P<s>[^\n]{2,80}?)\s*$", re.I | re.M)
# a wire dateline: "KARSK, March 4, 2025 (Northwire) — …"
_DATELINE_AGENCY = re.compile(r"\((?P<s>[A-Z][A-Za-z .&'-]{1,40})\)\s*[—–-]")
# a byline with the outlet: "By Marta Ilić, Ostrava Daily Herald"
_BYLINE_OUTLET = re.compile(r"^By [^,\n]{2,60}, (?P<s>[A-Z][^\n,]{2,60})\s*$", re.M)


def extract_title(text: str, max_len: int = 300) -> str:
    for line in text.split("\n"):
        line = line.strip()
        if line:
            return line if len(line) <= max_len else line[: max_len - 1] + "…"
    return ""


def extract_date(text: str, head_chars: int = 600) -> str | None:
    """The first plausible date near the top (dateline, byline), as ISO ``YYYY-MM-DD``."""
    head = text[:head_chars]
    best: tuple[int, str] | None = None
    for pat in _DATE_PATTERNS:
        m = pat.search(head)
        if not m:
            continue
        try:
            month = int(m.group("m")) if "m" in m.groupdict() and m.group("m") else _MONTHS[m.group("mon").lower().rstrip(".")]
            iso = date(int(m.group("y")), month, int(m.group("d"))).isoformat()
        except (ValueError, KeyError):
            continue
        if best is None or m.start() < best[0]:
            best = (m.start(), iso)
    return best[1] if best else None


def extract_source(text: str, head_chars: int = 800) -> str | None:
    m = _SOURCE_LINE.search(text[:head_chars])
    if m:
        return m.group("s")
    head = text[:head_chars]
    for pat in (_DATELINE_AGENCY, _BYLINE_OUTLET):
        m = pat.search(head)
        if m:
            return m.group("s").strip()
    for pat, name in _SOURCES:
        if pat.search(head):
            return name
    return None
