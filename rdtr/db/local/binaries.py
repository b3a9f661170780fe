"""Finding the PostgreSQL server binaries, their version and share directory, and the PostGIS install hint."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from pathlib import Path

from rdtr.db.local.config import SERVER_BINARIES, LocalClusterError


def _pg_candidate_major() -> str:
    """The PostgreSQL major version apt would install (Debian/Ubuntu), for install hints; "15" if unknown."""
    if shutil.which("apt-cache"):
        with contextlib.suppress(Exception):
            out = subprocess.run(
                ["apt-cache", "policy", "postgresql"], capture_output=True, text=True, timeout=20
            ).stdout
            m = re.search(r"Candidate:\s*(\d+)", out)
            if m:
                return m.group(1)
    return "15"


def _has_server_binaries(bindir: Path) -> bool:
    return all((bindir / name).is_file() and os.access(bindir / name, os.X_OK) for name in SERVER_BINARIES)


def find_pg_bin() -> Path:
    """The directory holding ``initdb``, ``pg_ctl`` and ``postgres``.

    Looked for in ``$RDTR_PG_BIN``, ``pg_config --bindir``, ``/usr/lib/postgresql/<major>/bin`` (highest
    major first; Debian/Ubuntu put the server there) and finally ``$PATH``.
    """
    candidates: list[Path] = []
    if os.environ.get("RDTR_PG_BIN"):
        candidates.append(Path(os.environ["RDTR_PG_BIN"]))
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(Exception):
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10)
            if out.returncode == 0 and out.stdout.strip():
                candidates.append(Path(out.stdout.strip()))

    def _major(p: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", p.parent.name)) or (0,)

    debian = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if p.parent.name[:1].isdigit()]
    candidates.extend(sorted(debian, key=_major, reverse=True))
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    for bindir in candidates:
        if _has_server_binaries(bindir):
            return bindir
    major = _pg_candidate_major()
    raise LocalClusterError(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found; install them with: "
        f"sudo apt-get install -y postgresql postgresql-{major}-postgis-3 "
        "(or set RDTR_DATABASE_URL to use an existing PostGIS server)"
    )


def _pg_version(bindir: Path) -> str | None:
    """Full server version of the binaries, e.g. "15.14"."""
    with contextlib.suppress(Exception):
        out = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True, timeout=10).stdout
        m = re.search(r"\(PostgreSQL\)\s+(\S+)", out)
        if m:
            return m.group(1)
    return None


def _sharedir(bindir: Path, major: str) -> Path | None:
    pg_config = bindir / "pg_config"
    if pg_config.is_file():
        with contextlib.suppress(Exception):
            out = subprocess.run([str(pg_config), "--sharedir"], capture_output=True, text=True, timeout=10)
            if out.returncode == 0 and out.stdout.strip():
                return Path(out.stdout.strip())
    debian = Path("/usr/share/postgresql") / major
    return debian if debian.is_dir() else None


def _postgis_hint(major: str) -> str:
    return (
        f"PostGIS is not installed for PostgreSQL {major}; install it with: "
        f"sudo apt-get install postgresql-{major}-postgis-3"
    )
