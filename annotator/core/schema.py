"""Label schemas: read and write them as JSON files."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from annotator.core.errors import InputError
from annotator.core.model import LabelDef, Layer

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_CLAIM_STANCES = ("supports", "refutes", "neutral")
MAX_LABEL_CHARS = 100


def shown_label(name: str, limit: int = 40) -> str:
    """A label as a message shows it: as it is when it is a plain label; quoted, control
    characters escaped and cut to ``limit`` characters when not."""
    if len(name) <= limit and name.isprintable() and name == name.strip() and name:
        return name
    return repr(name if len(name) <= limit else name[:limit] + "…")


def label_name_problem(name: object) -> str | None:
    """Why ``name`` cannot be a label (None if it can): a label is printable text on one line,
    1 to 100 characters, without white space at its ends. Exports write labels into files where
    a line break or a control character would break the file (CoNLL, brat, CSV)."""
    if not isinstance(name, str) or not name.strip():
        return "a label needs a name"
    if len(name) > MAX_LABEL_CHARS:
        return f"label {shown_label(name)!s} has {len(name):,} characters; a label may have at most {MAX_LABEL_CHARS}"
    bad = next((ch for ch in name if not ch.isprintable()), None)
    if bad is not None:
        what = "a line break" if bad in "\r\n\u2028\u2029\x85" else ("a NUL" if bad == "\x00" else f"the character U+{ord(bad):04X}")
        return f"label {shown_label(name)} contains {what}; a label is printable text on one line"
    if name != name.strip():
        return f"label {shown_label(name)} begins or ends with white space"
    return None


@dataclass
class Schema:
    name: str = "news"
    labels: list[LabelDef] = field(default_factory=list)
    stance_target: str = ""
    claim_stances: tuple[str, ...] = DEFAULT_CLAIM_STANCES

    def by_layer(self, layer: Layer) -> list[LabelDef]:
        return [lab for lab in self.labels if lab.layer == layer]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "stance_target": self.stance_target,
            "claim_stances": list(self.claim_stances),
            "labels": [
                {k: v for k, v in {
                    "name": lab.name, "layer": str(lab.layer), "color": lab.color, "hotkey": lab.hotkey,
                    "description": lab.description, "group": lab.group,
                }.items() if v not in (None, "")}
                for lab in self.labels
            ],
        }


def schema_from_dict(data: Any, where: str = "schema") -> Schema:
    if not isinstance(data, dict) or not isinstance(data.get("labels"), list):
        raise InputError("a label schema is a JSON object with a list 'labels'", where)
    labels: list[LabelDef] = []
    seen: set[tuple[str, str]] = set()
    hotkeys: dict[str, str] = {}
    for i, raw in enumerate(data["labels"]):
        at = f"{where}: labels[{i}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"].strip():
            raise InputError("each label needs a non-empty 'name'", at)
        problem = label_name_problem(raw["name"])
        if problem:
            raise InputError(problem, at)
        try:
            layer = Layer(raw.get("layer", "entity"))
        except ValueError:
            raise InputError(f"unknown layer {raw.get('layer')!r} (use entity, claim or document)", at) from None
        color = raw.get("color", "#cccccc")
        if not isinstance(color, str) or not _COLOR.match(color):
            raise InputError(f"colour {color!r} is not of the form #rrggbb", at)
        key = (layer.value, raw["name"])
        if key in seen:
            raise InputError(f"label {raw['name']!r} appears twice in layer {layer}", at)
        seen.add(key)
        hotkey = raw.get("hotkey")
        if hotkey is not None:
            hotkey = str(hotkey)
            if hotkey in hotkeys:
                raise InputError(f"hotkey {hotkey!r} is used by {hotkeys[hotkey]!r} already", at)
            hotkeys[hotkey] = raw["name"]
        group = raw.get("group") or ("stance" if layer == Layer.DOCUMENT else None)
        labels.append(LabelDef(raw["name"], layer, color.lower(), hotkey, str(raw.get("description", "")), group))
    stances = tuple(data.get("claim_stances") or DEFAULT_CLAIM_STANCES)
    return Schema(str(data.get("name", "schema")), labels, str(data.get("stance_target", "")), stances)


def load_schema(path: str | Path) -> Schema:
    path = Path(path)
    try:
        raw = path.read_bytes()
        enc = next((e for bom, e in ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                                     (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")) if raw.startswith(bom)), None)
        data = orjson.loads(raw.decode(enc) if enc else raw.removeprefix(b"\xef\xbb\xbf"))
    except UnicodeDecodeError as e:
        raise InputError(f"not valid {enc.upper()} text ({e.reason})", str(path)) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", str(path)) from None
    except orjson.JSONDecodeError as e:
        raise InputError(f"not valid JSON: {e}", str(path)) from None
    return schema_from_dict(data, str(path))


def save_schema(schema: Schema, path: str | Path) -> None:
    Path(path).write_bytes(orjson.dumps(schema.to_dict(), option=orjson.OPT_INDENT_2) + b"\n")
