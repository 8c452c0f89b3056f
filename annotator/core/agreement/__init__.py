"""Inter-annotator agreement measures (no Qt, no storage). See docs/agreement.md."""

from annotator.core.agreement.coding import (
    NOT_ANNOTATED,
    CodingData,
    cohen_kappa,
    confusion_matrix,
    fleiss_kappa,
    krippendorff_alpha_nominal,
    observed_agreement,
)
from annotator.core.agreement.result import Result, Score, Undefined
from annotator.core.agreement.spans import PairCounts, align, compare, exact_matches, overlap_matches, token_tags
from annotator.core.agreement.unitizing import UnitizingResult, unitizing_alpha

__all__ = [
    "NOT_ANNOTATED", "CodingData", "PairCounts", "Result", "Score", "Undefined", "UnitizingResult", "align",
    "cohen_kappa", "compare", "confusion_matrix", "exact_matches", "fleiss_kappa", "krippendorff_alpha_nominal",
    "observed_agreement", "overlap_matches", "token_tags", "unitizing_alpha",
]
