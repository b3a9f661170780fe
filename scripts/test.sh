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

mkdir -p test-output
status=0
.venv/bin/python -m pytest --junitxml=test-output/junit.xml "$@" || status=$?
if [ "$status" -eq 5 ]; then
    echo "error: pytest collected no tests (exit 5): treating that as a failure" >&2
fi
exit "$status"
