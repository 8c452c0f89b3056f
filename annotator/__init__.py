"""annotator: a desktop tool for labelling news text (entities, claims, stance)."""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("annotator")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"
