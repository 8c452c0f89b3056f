"""annotator: a desktop tool for labelling news text (entities, claims, stance)."""

# The version, as pyproject.toml gives it (a test checks they agree): a constant, so that
# ``import annotator`` does not load importlib.metadata (~40 ms on the way to the first window).
__version__ = "0.1.0"
