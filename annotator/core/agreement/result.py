"""Results of agreement measures: a number with the count of items it rests on, or an
explicit ``Undefined`` with the reason. Nothing here ever turns 0/0 into 0 or 1."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Score:
    """A defined figure. ``items`` is what it rests on, in ``unit`` (documents, spans, tokens …)."""

    value: float
    items: int
    unit: str = "items"

    @property
    def defined(self) -> bool:
        return True

    @property
    def reason(self) -> None:
        return None

    def format(self, digits: int = 3) -> str:
        return f"{self.value:.{digits}f}"

    def to_dict(self) -> dict:
        return {"value": self.value, "items": self.items, "unit": self.unit, "undefined": None}


@dataclass(frozen=True, slots=True)
class Undefined:
    """A figure that cannot be computed from the data, and why (e.g. only one label was used,
    so chance agreement is 1 and kappa is 0/0)."""

    reason: str
    items: int = 0
    unit: str = "items"

    @property
    def defined(self) -> bool:
        return False

    @property
    def value(self) -> None:
        return None

    def format(self, digits: int = 3) -> str:
        return "undefined"

    def to_dict(self) -> dict:
        return {"value": None, "items": self.items, "unit": self.unit, "undefined": self.reason}


Result = Score | Undefined


def ratio(num: float, den: float, items: int, unit: str, reason: str) -> Result:
    """``num / den`` or Undefined(reason) when the denominator is zero."""
    if den == 0 or not math.isfinite(den):
        return Undefined(reason, items, unit)
    return Score(num / den, items, unit)


def chance_corrected(observed: float, expected: float, items: int, unit: str, reason: str) -> Result:
    """``(observed - expected) / (1 - expected)``, undefined when expected agreement is 1."""
    if math.isclose(expected, 1.0, rel_tol=0, abs_tol=1e-12):
        return Undefined(reason, items, unit)
    return Score((observed - expected) / (1.0 - expected), items, unit)
