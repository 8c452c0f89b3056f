"""Writes the conformance fixtures the way each real tool writes its files (run it to rebuild
them; the files are committed). Offsets are computed here independently of annotator's own
conversion code: UTF-16 by encoding, grapheme clusters with ``regex``'s ``\\X``.

- doccano 1.8 (backend/data_export): pandas ``to_json(orient="records", lines=True,
  force_ascii=False)``: compact JSON, ``/`` escaped as ``\\/``, one object per line; offsets
  as doccano's front end measured them (JavaScript string indices: UTF-16 code units).
- Prodigy 1.x ``db-out``: one task per line with ``_input_hash``, ``_task_hash``, ``tokens``,
  ``_view_id``, ``spans`` (``token_start``/``token_end`` inclusive), ``answer``,
  ``_timestamp``, ``_annotator_id``/``_session_id`` (``DATASET-SESSION``); code points.
- brat v1.3: ``.txt`` + ``.ann`` (``T``/``R``/``E``/``A``/``N``/``*``/``#`` lines), offsets in
  characters of the ``.txt`` as decoded (a BOM is character 0, a ``\\r`` is a character).
- CoNLL-2003 as distributed: ``TOKEN POS CHUNK NER`` (IOB1), ``-DOCSTART- -X- -X- O``.
"""

from __future__ import annotations

import json
from pathlib import Path

import regex

HERE = Path(__file__).parent


def u16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


def graphemes(text: str, cp: int) -> int:
    starts = [m.start() for m in regex.finditer(r"\X", text)] + [len(text)]
    return starts.index(cp)


def at(text: str, surface: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = text.index(surface, i + 1)
    return i, i + len(surface)


def pandas_line(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).replace("/", "\\/")


def write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)


# ------------------------------------------------------------------ doccano
T1 = "🇰🇵 Kim Jong Un met Putin in Moscow 😀 on Tuesday."
T2 = "李明 visited 東京 with Zoe\u0301 Hale."
T3 = "Minister Hale\tsaid\r\nthe 👩\u200d👩\u200d👧 family left Karsk."


def doccano_seq(text: str, spans: list[tuple[str, str, int]], n: int, conv=u16) -> dict:
    label = sorted([conv(text, at(text, s, k)[0]), conv(text, at(text, s, k)[1]), lab] for s, lab, k in spans)
    return {"id": n, "text": text, "label": label, "Comments": []}


def doccano() -> None:
    d = HERE / "doccano"
    lines = [doccano_seq(T1, [("Kim Jong Un", "PERSON", 0), ("Putin", "PERSON", 0), ("Moscow", "GPE", 0),
                              ("Tuesday", "DATE", 0)], 1),
             doccano_seq(T2, [("李明", "PERSON", 0), ("東京", "GPE", 0), ("Zoe\u0301 Hale", "PERSON", 0)], 2),
             doccano_seq(T3, [("Hale", "PERSON", 0), ("Karsk", "GPE", 0)], 3)]
    write(d / "seq_labeling" / "admin.jsonl", "".join(pandas_line(x) + "\n" for x in lines))
    # relation project: entities as objects, relations by id
    text = "😀 Hale said 10,000 troops 🇺🇦 crossed the border."
    claim, hale = at(text, "10,000 troops 🇺🇦 crossed the border"), at(text, "Hale")
    ents = [{"id": 11, "label": "CLAIM", "start_offset": u16(text, claim[0]), "end_offset": u16(text, claim[1])},
            {"id": 12, "label": "PERSON", "start_offset": u16(text, hale[0]), "end_offset": u16(text, hale[1])}]
    rels = [{"id": 5, "from_id": 11, "to_id": 12, "type": "claimant"}]
    write(d / "relation" / "admin.jsonl",
          pandas_line({"id": 7, "text": text, "entities": ents, "relations": rels, "Comments": []}) + "\n")
    write(d / "relation_dangling.jsonl",
          pandas_line({"id": 7, "text": text, "entities": ents,
                       "relations": rels + [{"id": 6, "from_id": 11, "to_id": 99, "type": "claimant"}],
                       "Comments": []}) + "\n")
    # intent detection and slot filling: entities as tuples, categories in "cats"
    text = "Send 🇺🇦 troops to Karsk now"
    k = at(text, "Karsk")
    write(d / "intent" / "admin.jsonl", pandas_line(
        {"id": 3, "text": text, "entities": [[u16(text, k[0]), u16(text, k[1]), "GPE"]], "cats": ["FAVOR"],
         "Comments": []}) + "\n")
    # text classification: label is a list of names
    write(d / "textcat" / "admin.jsonl", pandas_line(
        {"id": 4, "text": "The deployment is a mistake 😀", "label": ["AGAINST"], "Comments": []}) + "\n")
    # files written by other tools in other units
    text = "😀😀 Putin spoke."
    p = at(text, "Putin")
    write(d / "codepoints.jsonl", json.dumps({"text": text, "label": [[p[0], p[1], "PERSON"]]}, ensure_ascii=False) + "\n")
    text = "🇰🇵 Putin and e\u0301 Hale."
    lines = [{"text": text, "label": [[graphemes(text, a), graphemes(text, b), lab]
                                      for (a, b), lab in ((at(text, "Putin"), "PERSON"), (at(text, "Hale"), "PERSON"))]}]
    write(d / "graphemes.jsonl", "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines))


# ------------------------------------------------------------------ Prodigy
def tokens(text: str) -> list[dict]:
    out, i = [], 0
    for m in regex.finditer(r"\S+", text):
        word = m.group()
        out.append({"text": word, "start": m.start(), "end": m.end(), "id": i, "ws": m.end() < len(text)
                    and text[m.end()] == " "})
        i += 1
    return out


def pspan(text: str, toks: list[dict], surface: str, label: str, with_text: bool = False) -> dict:
    a, b = at(text, surface)
    ts = next(t["id"] for t in toks if t["start"] == a)
    te = next(t["id"] for t in toks if t["end"] == b)
    d = {"start": a, "end": b, "token_start": ts, "token_end": te, "label": label}
    if with_text:
        d = {"text": surface, **d}
    return d


def task(text: str, spans: list[tuple[str, str]], answer: str, who: str, view: str = "ner_manual",
         n: int = 0, with_text: bool = False) -> dict:
    toks = tokens(text)
    return {"text": text, "_input_hash": -1000 - n, "_task_hash": 2000 + n, "tokens": toks, "_view_id": view,
            "spans": [pspan(text, toks, s, lab, with_text) for s, lab in spans], "answer": answer,
            "_timestamp": 1764650000 + n, "_annotator_id": f"news_ner-{who}", "_session_id": f"news_ner-{who}"}


def prodigy() -> None:
    d = HERE / "prodigy"
    a = "Minister Hale met 李明 in 東京 😀 on Tuesday ."
    b = "The 🇺🇦 delegation left Karsk on Friday ."
    c = "Zoë Hale spoke in Karsk ."
    rows = [task(a, [("Hale", "PERSON"), ("李明", "PERSON"), ("東京", "GPE")], "accept", "alice", n=1),
            task(a, [("Hale", "PERSON"), ("東京", "GPE"), ("Tuesday", "DATE")], "accept", "bob", n=2),
            task(b, [("Karsk", "GPE")], "reject", "alice", n=3),
            task(c, [("Zoë Hale", "PERSON")], "ignore", "bob", n=4)]
    write(d / "ner_manual.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    s = "Hale said 10,000 troops 😀 crossed the border ."
    rows = [task(s, [("Hale", "PERSON"), ("10,000 troops 😀 crossed the border", "CLAIM")], "accept", "alice",
                 view="spans_manual", n=5, with_text=True),
            task(s, [("Hale", "PERSON")], "reject", "bob", view="spans_manual", n=6, with_text=True)]
    write(d / "spans_manual.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    # a JavaScript tool's export: Prodigy-shaped, span text given, offsets in UTF-16 units
    t = "😀 Hale and 🇺🇦 Karsk ."
    sp = [{"text": w, "start": u16(t, at(t, w)[0]), "end": u16(t, at(t, w)[1]), "label": lab}
          for w, lab in (("Hale", "PERSON"), ("Karsk", "GPE"))]
    write(d / "utf16_spans.jsonl", json.dumps({"text": t, "spans": sp, "answer": "accept"}, ensure_ascii=False) + "\n")
    opts = [{"id": x, "text": x} for x in ("FAVOR", "AGAINST", "NONE")]
    t1, t2 = "Troops must go to the border now .", "Sending troops is a mistake ."
    rows = [{"text": t1, "options": opts, "_input_hash": 11, "_task_hash": 21, "_view_id": "choice",
             "accept": ["FAVOR"], "answer": "accept", "_timestamp": 1764650100, "_annotator_id": "stance-alice",
             "_session_id": "stance-alice"},
            {"text": t1, "options": opts, "_input_hash": 11, "_task_hash": 22, "_view_id": "choice",
             "accept": ["FAVOR", "AGAINST"], "answer": "accept", "_timestamp": 1764650101,
             "_annotator_id": "stance-bob", "_session_id": "stance-bob"},
            {"text": t2, "label": "AGAINST", "_input_hash": 12, "_task_hash": 23, "_view_id": "classification",
             "answer": "accept", "_timestamp": 1764650102, "_annotator_id": "stance-alice",
             "_session_id": "stance-alice"},
            {"text": t2, "label": "FAVOR", "_input_hash": 12, "_task_hash": 24, "_view_id": "classification",
             "answer": "reject", "_timestamp": 1764650103, "_annotator_id": "stance-bob",
             "_session_id": "stance-bob"}]
    write(d / "textcat.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


# ------------------------------------------------------------------ brat
def brat() -> None:
    d = HERE / "brat"
    # every line type, relations and attributes before the T lines they point at
    text = "Minister Hale said 10,000 troops attacked Karsk.\nZoë Hale denied it 😀.\n"
    hale, claim, karsk = at(text, "Hale"), at(text, "10,000 troops attacked Karsk"), at(text, "Karsk")
    att, zoe = at(text, "attacked"), at(text, "Zoë Hale")
    ann = [f"R1\tclaimant Arg1:T2 Arg2:T1",
           f"A1\tstance T2 supports",
           f"N1\tReference T3 Wikidata:Q1234\tKarsk",
           f"#1\tAnnotatorNotes T1\tthe minister of defence",
           f"T1\tPERSON {hale[0]} {hale[1]}\tHale",
           f"T2\tCLAIM {claim[0]} {claim[1]}\t{text[claim[0]:claim[1]]}",
           f"T3\tGPE {karsk[0]} {karsk[1]}\tKarsk",
           f"T4\tEVENT {att[0]} {att[1]}\tattacked",
           f"E1\tEVENT:T4 Target:T3",
           f"T5\tPERSON {zoe[0]} {zoe[1]}\tZoë Hale",
           f"*\tEquiv T1 T5",
           f"A2\tNegated E1"]
    write(d / "every_line" / "doc1.txt", text)
    write(d / "every_line" / "doc1.ann", "".join(x + "\n" for x in ann))
    # a discontinuous span over other text (refused) and one over a line break (one stretch)
    text = "North and South America met in\nKarsk City today."
    kc = at(text, "Karsk")[0], at(text, "City")[1]
    ann = [f"T1\tLOC 0 5;16 23\tNorth America",
           f"T2\tGPE {kc[0]} {kc[1]}\tKarsk City",
           f"T3\tLOC 10 23\tSouth America",
           f"T4\tEVENT 24 27;28 30\tmet in",
           f"R1\tlocated Arg1:T1 Arg2:T2"]
    write(d / "discontinuous" / "doc2.txt", text)
    write(d / "discontinuous" / "doc2.ann", "".join(x + "\n" for x in ann))
    # a .txt with a UTF-8 BOM and CRLF line ends: brat counts both the BOM and each \r
    body = "Paris talks\r\nHale met Zoë in Paris 😀.\r\n"
    raw = "\ufeff" + body
    ann = [f"T{i}\t{lab} {at(raw, w, k)[0]} {at(raw, w, k)[1]}\t{w}"
           for i, (w, lab, k) in enumerate((("Paris", "GPE", 0), ("Hale", "PERSON", 0), ("Zoë", "PERSON", 0),
                                            ("Paris", "GPE", 1)), start=1)]
    write(d / "bom_crlf" / "doc3.txt", raw)
    write(d / "bom_crlf" / "doc3.ann", "\r\n".join(ann) + "\r\n")
    # the same .txt, offsets from a tool that skipped the BOM (not as brat counts): refused
    ann = [f"T{i}\t{lab} {at(body, w, k)[0]} {at(body, w, k)[1]}\t{w}"
           for i, (w, lab, k) in enumerate((("Paris", "GPE", 0), ("Hale", "PERSON", 0), ("Paris", "GPE", 1)), start=1)]
    write(d / "bom_not_counted" / "doc4.txt", raw)
    write(d / "bom_not_counted" / "doc4.ann", "\n".join(ann) + "\n")


# ------------------------------------------------------------------ CoNLL
def conll() -> None:
    d = HERE / "conll"
    # CoNLL-2003 as distributed: 4 columns, IOB1 (B- only between two entities of one type)
    rows = ["-DOCSTART- -X- -X- O", "",
            "Veldoria NNP B-NP I-LOC", "sent VBD B-VP O", "troops NNS B-NP O", "to TO B-PP O", "Karsk NNP B-NP I-LOC",
            "Ostrava NNP I-NP B-LOC", ". . O O", "",
            "Jan NNP B-NP I-PER", "Hale NNP I-NP I-PER", "of IN B-PP O", "Northwire NNP B-NP I-ORG", "said VBD B-VP O",
            ". . O O", "",
            "-DOCSTART- -X- -X- O", "",
            "Zoe NNP B-NP I-PER", "Novak NNP I-NP I-PER", "left VBD B-VP O", "Prague NNP B-NP I-LOC", ". . O O", ""]
    write(d / "conll2003.txt", "\n".join(rows) + "\n")
    write(d / "io.conll", "Jan PER\nHale PER\nmet O\nZoe PER\nin O\nKarsk LOC\nOstrava LOC\n. O\n")
    write(d / "iob2.conll", "-DOCSTART- -X- O O\n\nJan B-PER\nHale I-PER\nmet O\nZoe B-PER\nNovak I-PER\n. O\n")
    write(d / "bioes.conll", "Jan B-PER\nHale E-PER\nmet O\nZoe S-PER\nin O\nNew B-LOC\nKarsk I-LOC\nCity E-LOC\n. O\n")
    write(d / "bad_tag.conll", "-DOCSTART- -X- O O\n\nJan B_PER\nHale I-PER\n. O\n\n"
                               "-DOCSTART- -X- O O\n\nZoe B-PER\nleft O\n. O\n")


# ------------------------------------------------------------------ normalisation
def normalisation() -> None:
    d = HERE / "normalisation"
    write(d / "nfc.jsonl", json.dumps({"text": "Zürich hosted the talks."}, ensure_ascii=False) + "\n")
    write(d / "nfd_span.jsonl", json.dumps({"text": "Zu\u0308rich hosted the talks.",
                                            "spans": [{"start": 0, "end": 2, "label": "GPE"}]},
                                           ensure_ascii=False) + "\n")


if __name__ == "__main__":
    doccano()
    prodigy()
    brat()
    conll()
    normalisation()
