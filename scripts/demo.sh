#!/usr/bin/env bash
# The newcomer's demo: set up, then start the embedded database, migrate, load the sample plan and
# serve on http://127.0.0.1:8000 (Ctrl-C stops the server; `.venv/bin/rdtr db stop` stops the database).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
exec .venv/bin/rdtr demo "$@"
