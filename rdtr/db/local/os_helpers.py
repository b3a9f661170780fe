"""Small filesystem, port and process helpers of the embedded cluster."""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
from pathlib import Path


def _short_hash(text: str, n: int = 12) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:n]


def _write_text(path: Path, text: str, mode: int = 0o644) -> None:
    """Write atomically and leave the file readable (root-created files in $RDTR_HOME stay readable)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text().strip() or None
    except FileNotFoundError:
        return None


def _port_free(port: int) -> bool:
    """Nobody listens on 127.0.0.1:port (SO_REUSEADDR so our own TIME_WAIT sockets don't count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _pid_alive(pid: int) -> bool:
    """The process exists and is not a zombie (a killed server whose parent never reaped it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    with contextlib.suppress(OSError, IndexError):
        # /proc/PID/stat: "pid (comm) state ..."; comm may contain spaces or parentheses.
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    return True


def _log_tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    tail = [line for line in text.splitlines() if line.strip()][-lines:]
    return "\n".join(tail)


def _mkdirs(path: Path) -> None:
    """``mkdir -p`` that leaves each directory it creates 0755, whatever the umask, so that the server
    user can traverse them."""
    missing = []
    for p in [path, *path.parents]:
        if p.exists():
            break
        missing.append(p)
    for p in reversed(missing):
        with contextlib.suppress(FileExistsError):
            p.mkdir()
            os.chmod(p, 0o755)
