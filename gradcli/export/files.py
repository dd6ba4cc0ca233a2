"""Writing an output file whole or not at all.

The bytes go to a temporary file in the target's folder, which is then
renamed over the target: a failure or an interruption leaves the target as it
was, never half-written.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from ..errors import OutputFailed, UsageError


def write_file(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically; a bad path is a ``UsageError``.

    A path that is a device or a pipe (``/dev/stdout``) is written straight
    into, never replaced; a symbolic link keeps pointing where it did.
    """
    target = Path(path)
    if target.is_dir():
        raise UsageError(
            f"cannot write {path}: it is a folder", hint=f"give a file name, such as {target / 'graph.svg'}"
        )
    if target.exists() and not target.is_file():
        _write_through(path, data)
        return
    if target.is_symlink():
        target = target.resolve()
    folder = target.parent
    if not folder.is_dir():
        raise UsageError(f"cannot write {path}: there is no folder {folder}")
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        # mkstemp makes the file private (0600); give it the mode a new file would have.
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise _cannot_write(path, error) from None
        raise


def _write_through(path: str, data: bytes) -> None:
    try:
        with open(path, "wb") as stream:
            stream.write(data)
    except OSError as error:
        raise _cannot_write(path, error) from None


def _cannot_write(path: str, error: OSError) -> UsageError | OutputFailed:
    """A full disk or a failing device is an I/O error (exit 74); a bad path or permission, a usage error."""
    full = (errno.ENOSPC, errno.EIO, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC))
    kind = OutputFailed if error.errno in full else UsageError
    return kind(f"cannot write {path}: {error.strerror or error}")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
