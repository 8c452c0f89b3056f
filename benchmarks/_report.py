"""How a benchmark reports a figure, so that ``run_all.py`` can collect it.

Each figure is printed once for people and once as a machine line::

    BENCH {"name": "import", "value": 41.2, "unit": "s", "baseline": 30.1, "ratio": 0.73, ...}

``ratio`` is ours / baseline, both measured in the same run (a throughput: higher is better;
a time: lower is better; ``better`` says which). ``target`` applies to ``target_on`` ("value"
or "ratio"); ``met`` is true/false, or null without a target.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def emit(name: str, value: float, unit: str, *, baseline: float | None = None, baseline_label: str = "",
         ratio: float | None = None, target: float | None = None, target_on: str = "value",
         better: str = "lower", note: str = "", **extra: Any) -> dict:
    """Print a figure (human line + ``BENCH`` JSON line) and return the record."""
    if ratio is None and baseline:
        ratio = value / baseline
    met = None
    if target is not None:
        got = ratio if target_on == "ratio" else value
        if got is not None:
            met = got >= target if better == "higher" else got <= target
    rec = dict(name=name, value=value, unit=unit, baseline=baseline, baseline_label=baseline_label, ratio=ratio,
               target=target, target_on=target_on, better=better, met=met, note=note, **extra)
    human = f"{name}: {value:,.4g} {unit}"
    if baseline is not None:
        human += f"  (baseline {baseline_label or ''} {baseline:,.4g} {unit}"
        human += f", ratio {ratio:.2f})" if ratio is not None else ")"
    elif ratio is not None:
        human += f"  (ratio {ratio:.2f})"
    if target is not None:
        human += f"  target {'≥' if better == 'higher' else '≤'} {target:g}{'' if target_on == 'value' else ' (ratio)'}"
        human += ": MET" if met else ": NOT MET"
    if note:
        human += f"  [{note}]"
    print(human)
    print("BENCH " + json.dumps(rec, ensure_ascii=False))
    sys.stdout.flush()
    return rec
