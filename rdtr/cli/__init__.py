"""The ``rdtr`` command. Thin: it parses arguments, calls the library, prints the answer.

Each group of commands lives in its own module and registers itself on ``app``.
Exit status: 0 success, 1 failure (one-line reason on stderr), 2 usage error.
"""

from __future__ import annotations

import sys

from rdtr.cli.common import app

# Importing the modules registers their commands, in the order `rdtr --help` lists them.
# isort: off
from rdtr.cli import serve as _serve  # noqa: E402,F401
from rdtr.cli import ingest as _ingest  # noqa: E402,F401
from rdtr.cli import answers as _answers  # noqa: E402,F401
from rdtr.cli import render as _render  # noqa: E402,F401
from rdtr.cli import db as _db  # noqa: E402,F401
from rdtr.cli import check as _check  # noqa: E402,F401
from rdtr.cli import places as _places  # noqa: E402,F401
from rdtr.cli import diff as _diff  # noqa: E402,F401
from rdtr.cli import watches as _watches  # noqa: E402,F401
# isort: on


def main() -> None:
    """Entry point of the ``rdtr`` console script: run the command and exit with its status (0, 1 or 2)."""
    sys.exit(app(standalone_mode=True) or 0)


__all__ = ["app", "main"]
