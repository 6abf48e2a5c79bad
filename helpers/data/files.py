"""Reading data files safely: the OS's and gzip's refusals become course errors, and nothing reads unbounded."""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from helpers.data.errors import CorruptFileError, UnreadableFileError, WrongFileError
from helpers.paths import display_path


@contextmanager
def reading(path: Path, fix: str) -> Iterator[None]:
    """Turn a failure to read `path` (or a file in it) into a DataError that names the file; `fix` says what to do."""
    try:
        yield
    except (gzip.BadGzipFile, zlib.error) as exc:  # before OSError: BadGzipFile is one
        raise CorruptFileError(
            f"{display_path(path)} is not a valid gzip file ({exc}). It is damaged, or not the file it is "
            f"named after. Move it aside and {fix}"
        ) from exc
    except EOFError as exc:
        raise CorruptFileError(
            f"{display_path(path)} ends before its compressed data does: the file is truncated, probably by an "
            f"interrupted download or copy. Move it aside and {fix}"
        ) from exc
    except OSError as exc:
        raise _os_error(Path(exc.filename) if exc.filename else path, exc, fix) from exc


def _os_error(path: Path, exc: OSError, fix: str) -> WrongFileError | UnreadableFileError:
    """The course error for an OSError met while reading path."""
    where = display_path(path)
    if isinstance(exc, IsADirectoryError):
        return WrongFileError(f"{where} is a folder where a file should be. Move it aside and {fix}")
    if isinstance(exc, PermissionError):
        return UnreadableFileError(
            f"{where} cannot be read by this user (permission denied). Give yourself read access (`chmod u+r` "
            f"on the file, `chmod u+rx` on its folders), or {fix}"
        )
    return UnreadableFileError(f"{where} cannot be read ({exc.strerror or exc}). Check the disk, or {fix}")


def read_at_most(stream: BinaryIO, limit: int | None, path: Path, fix: str, already: int = 0) -> bytes:
    """Up to `limit` more decompressed bytes (None: all, for a pinned file); a stream holding more is refused at once.

    `already`: bytes read from the stream before, counted in the size the message gives.
    """
    if limit is None:
        return stream.read()
    payload = stream.read(limit + 1)  # gzip decompresses only as much as is asked for: memory stays bounded
    if len(payload) > limit:
        raise CorruptFileError(
            f"{display_path(path)} decompresses to more than the {already + limit:,} bytes it may hold, so reading "
            f"stopped there: the file is padded, or not the file it is named after. Move it aside and {fix}"
        )
    return payload


def gunzip_at_most(path: Path, compressed: bytes, limit: int | None, fix: str) -> bytes:
    """The decompressed bytes of gzip data read from path, refused as soon as they pass `limit`."""
    with reading(path, fix), gzip.GzipFile(fileobj=io.BytesIO(compressed), mode="rb") as stream:
        return read_at_most(stream, limit, path, fix)
