"""Write a file so that readers see the old content or the new, never half of either.

The data goes to a temporary file beside the target, is flushed to disk, and
then renamed over the target in one step (``os.replace``). When anything goes
wrong the temporary file is removed and the target is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from safekg.errors import SafeKGError

Writer = Callable[[BinaryIO], None]

_O_BINARY: int = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


def write_atomic(path: str | os.PathLike[str], data: bytes | Writer) -> None:
    """Replace ``path`` with ``data``, or with what ``data(file)`` writes.

    A new file gets the usual permissions (0o666 less the umask); a replaced file
    keeps its own. A failure of the file system (``OSError``, also from the
    writer) raises :class:`SafeKGError`; any other exception from the writer
    propagates unchanged. Either way the target is untouched.

    >>> write_atomic(Path("out.ttl"), lambda f: f.write(b"<a> <b> <c> .\\n"))  # doctest: +SKIP
    """
    target = Path(path)
    directory = target.parent
    temp = directory / f".{target.name}.{secrets.token_hex(6)}.tmp"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o666)
    except OSError as exc:
        raise SafeKGError(f"cannot write {target}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes | bytearray | memoryview):
                handle.write(data)
            else:
                data(handle)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise SafeKGError(f"cannot write {target}: {exc.strerror or exc}") from exc
        raise
    _sync_directory(directory)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories can't be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
