"""The course's data errors: each names the file, says what is wrong and how to fix it."""

from __future__ import annotations


class DataError(Exception):
    """A data set could not be found or did not pass verification."""


class DataNotFoundError(DataError):
    """No usable copy of a data set exists where the course looks."""


class MissingFileError(DataError):
    """A folder that should hold the data set lacks some of its files."""


class CorruptFileError(DataError):
    """A file is not readable as what it claims to be (truncated, not gzip, too short or too long)."""


class UnreadableFileError(DataError):
    """A file or folder exists, but this user may not read it (permissions) or the disk refused it."""


class WrongFileError(DataError):
    """A file is readable but holds something else (swapped, other data set, edited, a folder)."""


class UnverifiedFileError(WrongFileError):
    """A file matches no copy the course knows, so it is not opened (it may hold pickles)."""


class DataWarning(UserWarning):
    """A copy of the data was skipped in favour of another one."""
