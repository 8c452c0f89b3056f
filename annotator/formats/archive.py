"""ZIP archives of articles: every ``.txt``, ``.jsonl`` and ``.csv`` member is imported with
the reader for its type.

Safety, since an archive may come from anywhere:

* member names never reach the file system: each member is copied, under a name we make
  up, into a private temporary folder that is deleted right after it is read; a name that is
  absolute, has a drive letter, a ``..`` part, a NUL or a control character is refused (it
  would escape the target folder if anyone extracted the archive);
* zip bombs are bounded: a member's declared size, its compression ratio, the bytes actually
  decompressed, the number of members and the total size of the archive's contents all have
  limits; a member over a limit is refused with a message, the rest still imports;
* encrypted members, nested archives and damaged archives get a message, not a traceback.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from annotator.core.errors import InputError
from annotator.core.model import NewDocument
from annotator.formats.registry import Format, reader_for, register
from annotator.formats.decoding import MAX_BYTES, human_size

MAX_MEMBERS = 100_000
MAX_TABLE_BYTES = 1024 * 1024 * 1024  # one .jsonl / .csv member
MAX_TOTAL_BYTES = 4 * 1024 * 1024 * 1024  # everything in one archive, decompressed
MAX_RATIO = 200  # decompressed / compressed, for members over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
_CHUNK = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def unsafe_name(name: str) -> str | None:
    """Why a member name would be unsafe to extract, or None."""
    if _CONTROL.search(name):
        return "contains control characters"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "is an absolute path"
    if any(part == ".." for part in re.split(r"[/\\]", name)):
        return "climbs out of the folder ('..')"
    return None


def _shown(name: str) -> str:
    return name if not _CONTROL.search(name) else repr(name)


def _skip(name: str) -> bool:
    base = PurePosixPath(name).name
    return name.startswith("__MACOSX/") or base.startswith(".") or not base


def _copy_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, limit: int) -> int:
    """Decompress a member into ``dest``, stopping past ``limit`` bytes whatever the header says."""
    n = 0
    with zf.open(info) as src, dest.open("wb") as out:
        while chunk := src.read(_CHUNK):
            n += len(chunk)
            if n > limit:
                raise InputError(f"decompresses to more than {human_size(limit)}; refused")
            out.write(chunk)
    return n


def read(path: Path, max_bytes: int = MAX_BYTES, text_column: str | None = None, offsets: str | None = None,
         keep_boilerplate: bool = False,
         **_: object) -> Iterator[NewDocument | InputError]:
    archive = str(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, ValueError):
        yield InputError("is not a readable ZIP archive (damaged or truncated)", archive)
        return
    except OSError as e:
        yield InputError(f"cannot read: {e.strerror}", archive)
        return
    with zf, tempfile.TemporaryDirectory(prefix="annotator-zip-") as tmp:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            yield InputError(f"has {len(infos):,} files; at most {MAX_MEMBERS:,} per archive", archive)
            return
        budget = MAX_TOTAL_BYTES
        importable = 0
        for k, info in enumerate(infos):
            name = info.filename
            where = f"{archive}!{_shown(name)}"
            why = unsafe_name(name)
            if why:
                yield InputError(f"unsafe file name in the archive: it {why}; skipped", where)
                continue
            if _skip(name):
                continue
            base = PurePosixPath(name.replace("\\", "/")).name
            if base.lower().endswith(".zip"):
                yield InputError("an archive inside the archive; extract it and import it on its own", where)
                continue
            fmt = reader_for(Path(base))
            if fmt is None or fmt.name == "zip":
                continue  # like a folder: files of other types are left alone
            importable += 1
            if info.flag_bits & 0x1:
                yield InputError("is encrypted; refused", where)
                continue
            limit = max_bytes if fmt.name == "text" else MAX_TABLE_BYTES
            if info.file_size > limit:
                yield InputError(f"is {human_size(info.file_size)}; one "
                                 f"{'article' if fmt.name == 'text' else 'file'} may be at most {human_size(limit)}",
                                 where)
                continue
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                yield InputError(f"expands {info.file_size // max(info.compress_size, 1):,} times "
                                 f"({human_size(info.compress_size)} to {human_size(info.file_size)}): "
                                 "refused as a possible zip bomb", where)
                continue
            if info.file_size > budget:
                yield InputError(f"the archive's contents exceed {human_size(MAX_TOTAL_BYTES)}; "
                                 "this file and the rest are skipped", where)
                return
            # a name of our own: the member's name never touches the file system
            local = Path(tmp) / f"member-{k}{''.join(PurePosixPath(base).suffixes[-2:]) or '.txt'}"
            try:
                budget -= _copy_member(zf, info, local, min(limit, budget))
            except InputError as e:
                yield InputError(e.message, where)
                local.unlink(missing_ok=True)
                continue
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as e:
                yield InputError(f"cannot be decompressed ({e}); the archive is damaged", where)
                local.unlink(missing_ok=True)
                continue
            try:
                for rec in fmt.reader(local, max_bytes=max_bytes, text_column=text_column, offsets=offsets,
                                      keep_boilerplate=keep_boilerplate):
                    yield _relabel(rec, str(local), where, base, path.name)
            finally:
                local.unlink(missing_ok=True)
        if not importable:
            yield InputError("has no .txt, .jsonl or .csv files", archive)


def _relabel(rec: NewDocument | InputError, local: str, where: str, base: str, archive_name: str
             ) -> NewDocument | InputError:
    """Name the archive member, not our temporary copy, in messages and metadata."""
    if isinstance(rec, InputError):
        return InputError(rec.message, rec.where.replace(local, where))
    rec.origin = rec.origin.replace(local, where)
    meta = dict(rec.meta)
    if meta.get("file") == Path(local).name:
        meta["file"] = base
    meta["archive"] = archive_name
    rec.meta = meta
    return rec


register(Format("zip", (".zip",), "ZIP archive of .txt, .jsonl and .csv files", reader=read))
