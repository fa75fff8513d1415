"""Reading a file the user names on the command line, in bounded time and memory.

At most max_bytes + 1 bytes are read, so /dev/zero or a huge file costs no more
than that. A named pipe is opened without blocking: one that nobody writes to
reads as empty instead of hanging (a pipe that is written to, as with
`-f <(kubectl get ...)`, reads as usual).
"""

from __future__ import annotations

import os
import stat

from .problems import InputError, Problem


def read_bounded(path: str, max_bytes: int, stdin=None, source: str | None = None) -> bytes:
    """The file's bytes (stdin's for '-'), or InputError naming the file and the reason."""
    source = source or ("<stdin>" if path == "-" else path)
    try:
        if path == "-":
            stream = getattr(stdin, "buffer", stdin)
            data = stream.read(max_bytes + 1)
            if isinstance(data, str):
                data = data.encode("utf-8", "surrogateescape")
        else:
            data = _read_path(path, max_bytes)
    except OSError as exc:
        raise InputError([Problem(f"cannot read: {exc.strerror or exc}", source)]) from None
    if data is None:
        raise InputError([Problem("cannot read: a named pipe that nothing writes to", source)])
    if len(data) > max_bytes:
        raise InputError([Problem(f"file is larger than the limit of {max_bytes} bytes", source)])
    return data


def _read_path(path: str, max_bytes: int) -> bytes | None:
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # opening a FIFO would wait for a writer
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "Is a directory")
        first = b""
        if stat.S_ISFIFO(mode):
            try:
                first = os.read(fd, max_bytes + 1)
            except BlockingIOError:  # a writer, no data yet: wait for it as for any pipe
                pass
            else:
                if not first:
                    return None  # no writer at all
        os.set_blocking(fd, True)
        return first + _read_fd(fd, max_bytes - len(first))
    finally:
        os.close(fd)


def _read_fd(fd: int, max_bytes: int) -> bytes:
    """Up to max_bytes + 1 bytes, so the caller can tell a file that is too large."""
    chunks, size = [], 0
    while size <= max_bytes:
        chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)
