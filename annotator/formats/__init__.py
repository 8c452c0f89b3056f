"""Qt-free readers and writers, one module per format, and a registry of them
(:mod:`annotator.formats.registry`: the one list of formats).

A reader is ``read(path, **options) -> Iterator[NewDocument | InputError]``: it yields an
error for a bad record and goes on with the next, so one bad line does not sink a file.
A writer is defined by the export service (see ``annotator.services.exporting``).
"""

from annotator.formats.registry import REGISTRY, Format, Reader, reader_for, readers, register

__all__ = ["REGISTRY", "Format", "Reader", "reader_for", "readers", "register"]
