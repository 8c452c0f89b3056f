"""Seeded generator of realistic news articles for the benchmarks (shared by every bench_*.py).

``articles(n, seed)`` yields dicts shaped like the JSONL the importer reads: ``text`` (~3 KB:
a headline, a wire dateline with date and agency, a byline and ~10 paragraphs of varied
sentences with names, places, numbers, quotes and a few non-ASCII letters), and a ``meta``
with an ``id``. No ``title``/``published``/``source`` keys: the importer extracts them, as it
would for real scraped articles. The same ``(n, seed)`` always gives the same bytes, and
every text is different (so deduplication keeps them all).

Helpers: ``write_jsonl`` writes a file; ``cached_project`` builds (once, then reuses from a
cache folder) a project with N imported articles and a realistic spread of per-annotator
statuses, spans and stances, for the open/search/export/agreement benchmarks.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import orjson

FIRST = ["Marta", "Jonas", "Aisha", "Tomás", "Li", "Priya", "Oskar", "Zofia", "Kwame", "Elena", "Dmitri",
         "Sofía", "Hiroshi", "Amara", "Lukas", "Fatima", "Mateo", "Ingrid", "Ravi", "Chloé", "Nikolai", "Yara"]
LAST = ["Ilić", "Berger", "Okafor", "Novák", "Chen", "Sharma", "Lindqvist", "Kowalska", "Mensah", "Rossi",
        "Petrov", "García", "Tanaka", "Diallo", "Müller", "Haddad", "Fernández", "Hansen", "Iyer", "Dubois"]
PLACES = ["Karsk", "Ostrava", "Brezno", "Valmora", "Port Elsin", "Dunhaven", "Lisbeth", "Novigrad", "Tarsa",
          "Kelmont", "São Vicente", "Eastmere", "Rövid", "Hallbrook", "Zlín", "Marecchia"]
ORGS = ["the Ministry of Finance", "the city council", "the central bank", "the port authority",
        "the national rail operator", "the health ministry", "the electoral commission", "the teachers' union",
        "the regional parliament", "the energy regulator", "Northwind Logistics", "Valmora Steel",
        "the farmers' cooperative", "the supreme court", "the transport ministry", "Helix Pharmaceuticals"]
AGENCIES = ["Northwire", "Reuters", "AP", "AFP", "Baltic Press", "Danube News Service"]
OUTLETS = ["Ostrava Daily Herald", "The Karsk Courier", "Valmora Evening Post", "Coastal Ledger"]
TOPICS = ["budget", "rail strike", "port expansion", "election", "hospital funding", "steel tariffs",
          "drought relief", "school reform", "energy prices", "housing plan", "flood defences", "vaccine trial"]
VERBS = ["said", "warned", "argued", "insisted", "told reporters", "claimed", "denied", "confirmed", "noted"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
TEMPLATES = [
    "{org_c} announced on {day} that the {topic} would cost {num} million, {pct}% more than planned.",
    "\u201cWe cannot accept a {topic} that leaves {place} behind,\u201d {person} {verb}.",
    "{person}, a spokesperson for {org}, {verb} that the figures were {adj}.",
    "Critics in {place} {verb} the {topic} had been rushed through without consultation.",
    "According to {org}, about {num} households in {place} would be affected by the {topic}.",
    "The {topic} is expected to come before {org} again in {month}, officials {verb}.",
    "{person} {verb} that {org} had known about the problem since {month} {year}.",
    "Residents of {place} gathered outside the offices of {org} on {day}, some carrying banners.",
    "Analysts at {outlet} estimated the {topic} could add {pct} percentage points to inflation.",
    "\u201cThis is {adj}, and everyone in {place} knows it,\u201d said {person}.",
    "The vote on the {topic} passed {num} to {num2}, with {num3} abstentions.",
    "{org_c} declined to comment on the {topic} when contacted by {outlet}.",
    "In {place}, where unemployment stands at {pct}%, the {topic} has become the main issue.",
    "{person} was not available for comment; an aide {verb} the claims were {adj}.",
]
ADJS = ["misleading", "accurate", "exaggerated", "unprecedented", "reasonable", "deeply worrying", "premature",
        "long overdue", "unrealistic", "encouraging"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _sentence(rng: random.Random) -> str:
    org = rng.choice(ORGS)
    return rng.choice(TEMPLATES).format(
        org=org, org_c=org[0].upper() + org[1:], topic=rng.choice(TOPICS), num=rng.randint(2, 900),
        num2=rng.randint(2, 300), num3=rng.randint(0, 40), pct=rng.randint(1, 40), place=rng.choice(PLACES),
        person=f"{rng.choice(FIRST)} {rng.choice(LAST)}", verb=rng.choice(VERBS), adj=rng.choice(ADJS),
        day=rng.choice(DAYS), month=rng.choice(MONTHS), year=rng.randint(2015, 2025),
        outlet=rng.choice(OUTLETS))


def article(i: int, rng: random.Random, target: int = 3000) -> dict:
    """One article of about ``target`` characters; ``i`` is woven in so every text differs."""
    topic, place = rng.choice(TOPICS), rng.choice(PLACES)
    person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    year, month, day = rng.randint(2018, 2025), rng.randrange(12), rng.randint(1, 28)
    headline = f"{place} {rng.choice(['faces', 'debates', 'rejects', 'approves', 'delays'])} {topic} " \
               f"as {person} {rng.choice(['warns', 'promises', 'resigns', 'speaks out'])}"
    head = (f"{headline}\n\nBy {rng.choice(FIRST)} {rng.choice(LAST)}, {rng.choice(OUTLETS)}\n\n"
            f"{place.upper()}, {MONTHS[month]} {day}, {year} ({rng.choice(AGENCIES)}) \u2014 ")
    parts = [head]
    size = len(head)
    para: list[str] = []
    while size < target:
        s = _sentence(rng)
        para.append(s)
        size += len(s) + 1
        if len(para) >= rng.randint(2, 4):
            parts.append(" ".join(para) + "\n\n")
            para = []
    if para:
        parts.append(" ".join(para) + "\n\n")
    parts.append(f"(Reporting by {person}; article {i})\n")
    return {"text": "".join(parts), "meta": {"id": f"bench-{i}"}}


def articles(n: int, seed: int = 12) -> Iterator[dict]:
    rng = random.Random(seed)
    for i in range(n):
        yield article(i, rng)


def write_jsonl(path: Path, n: int, seed: int = 12) -> int:
    """Write ``n`` articles as JSON Lines; returns the number of bytes written."""
    with open(path, "wb") as fh:
        for a in articles(n, seed):
            fh.write(orjson.dumps(a))
            fh.write(b"\n")
    return path.stat().st_size


def cache_dir() -> Path:
    d = Path(os.environ.get("ANNOTATOR_BENCH_CACHE") or Path(tempfile.gettempdir()) / "annotator-bench")
    d.mkdir(parents=True, exist_ok=True)
    return d


def cached_jsonl(n: int, seed: int = 12) -> Path:
    path = cache_dir() / f"articles-{n}-{seed}.jsonl"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        write_jsonl(tmp, n, seed)
        tmp.replace(path)
    return path


ANNOTATORS = ("alice", "bo", "chen")


def _annotate(project, seed: int) -> None:
    """A realistic spread of work: each annotator has statuses on ~30% of the documents (a third
    done), ~8 entity spans and a stance on the documents they touched."""
    from annotator.core.model import Layer, Origin, Role

    from sqlalchemy import insert

    from annotator.storage.project import DL, ST

    rng = random.Random(seed + 1)
    ids = project.document_ids()
    ents = [lab.id for lab in project.labels(Layer.ENTITY)]
    stances = [lab.id for lab in project.labels(Layer.DOCUMENT) if lab.group == "stance"]
    now = time.time()
    for name in ANNOTATORS:
        aid = project.ensure_annotator(name, Role.ANNOTATOR).id
        touched = sorted(rng.sample(ids, len(ids) * 3 // 10))
        st_rows, dl_rows, spans = [], [], []
        for did in touched:
            st_rows.append(dict(document_id=did, annotator_id=aid, updated_at=now,
                                status="done" if rng.random() < 0.34 else "in_progress"))
            if stances:
                dl_rows.append(dict(document_id=did, annotator_id=aid, label_id=rng.choice(stances), attrs={},
                                    updated_at=now))
            pos = 0
            for _ in range(8):
                start = pos + rng.randint(5, 300)
                end = start + rng.randint(3, 20)
                if end > 2900:
                    break
                spans.append((did, aid, rng.choice(ents), start, end, {}, Origin.MANUAL))
                pos = end
        with project.write() as c:
            c.execute(insert(ST), st_rows)
            if dl_rows:
                c.execute(insert(DL), dl_rows)
        for i in range(0, len(spans), 50_000):
            project.add_spans(spans[i:i + 50_000])


def cached_project(n: int, seed: int = 12) -> Path:
    """A project file with ``n`` imported articles and three annotators' work, built once and
    reused (delete the cache folder, or set ANNOTATOR_BENCH_CACHE, to rebuild). Callers get a
    fresh copy so that benchmarks never change the cached file."""
    from annotator.core.schema import load_schema
    from annotator.services.importing import import_paths
    from annotator.services.sample import default_schema_path
    from annotator.storage import Project
    from annotator.storage.db import head_revision

    path = cache_dir() / f"project-{n}-{seed}-{head_revision()}.annotator"
    if not path.exists():
        tmp = path.with_name(path.name + ".building")
        for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
            p.unlink(missing_ok=True)
        with Project.create(tmp, load_schema(default_schema_path())) as project:
            import_paths(project, [cached_jsonl(n, seed)])
            _annotate(project, seed)
            with project.write() as c:
                c.exec_driver_sql("INSERT INTO document_fts(document_fts) VALUES ('optimize')")
            with project.engine.connect() as c:
                c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        tmp.replace(path)
    return path


def fresh_copy(src: Path, dest_dir: Path) -> Path:
    dest = dest_dir / src.name
    shutil.copyfile(src, dest)
    return dest
