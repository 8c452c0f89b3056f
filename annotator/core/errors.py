"""Errors that carry a message meant for the user."""


class AnnotatorError(Exception):
    """Base class: str(err) is a sentence a user can act on."""


class InputError(AnnotatorError):
    """Bad input data. ``where`` names the file (and line) it came from."""

    def __init__(self, message: str, where: str = "") -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}" if where else message)


class ProjectError(AnnotatorError):
    """A project file cannot be opened or used."""


class ProjectTooNewError(ProjectError):
    """The project was written by a newer version of annotator."""


class ProjectReadOnlyError(ProjectError):
    """The project file cannot be written (read-only mount, no permission); str(err) starts
    with "read-only: PATH"."""


class SpanError(AnnotatorError):
    """A span that cannot be stored (empty, whitespace only, out of range)."""
