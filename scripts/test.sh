#!/usr/bin/env bash
# Run the test suite: set up (with the browser for the browser tests), then pytest.
#
#   scripts/test.sh [pytest arguments...]     e.g. scripts/test.sh -k lookup -x
#
# Reports go to test-output/ (junit.xml; tests write their own artefacts there too).
# The exit status is pytest's; "no tests collected" (pytest exit 5) counts as a failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh --with-browser

# House rules first: lint and formatting (ruff, configured in pyproject.toml).
LINTED=(rdtr api bench tests)
.venv/bin/ruff check "${LINTED[@]}" || { echo "error: ruff check failed (run: .venv/bin/ruff check --fix ${LINTED[*]})" >&2; exit 1; }
.venv/bin/ruff format --check "${LINTED[@]}" || { echo "error: not formatted (run: .venv/bin/ruff format ${LINTED[*]})" >&2; exit 1; }

mkdir -p test-output
status=0
.venv/bin/python -m pytest --junitxml=test-output/junit.xml "$@" || status=$?
if [ "$status" -eq 5 ]; then
    echo "error: pytest collected no tests (exit 5): treating that as a failure" >&2
fi
exit "$status"
