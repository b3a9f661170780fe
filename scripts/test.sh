#!/usr/bin/env bash
# Run the test suite: set up (with the browser for the browser tests), then pytest.
#
#   scripts/test.sh [pytest arguments...]     e.g. scripts/test.sh -k lookup -x
#
# Reports go to test-output/ (junit.xml; tests write their own artefacts there too).
# The exit status is pytest's; "no tests collected" (pytest exit 5) counts as a failure.
#
# The suite's embedded database ($RDTR_TEST_HOME, default .rdtr-test) is stopped at the end — also after
# Ctrl-C — when this run started it and no other session is connected to it; RDTR_KEEP_DB=1 leaves it running
# (the next run then skips initdb and start). Not used with RDTR_TEST_DATABASE_URL (a server of your own).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh --with-browser

# ogctests (the black-box verifier of OGC API – Features) pins pytest<9, httpx<0.28 and pyarrow<18, which
# rdtr's own pins exclude: it lives in a venv of its own, made once (tests/integration/test_ogc.py uses it).
OGCTESTS=ogctests==0.1.15
if ! .venv-ogctests/bin/python -c 'import ogctests' >/dev/null 2>&1; then
    echo "==> installing $OGCTESTS into .venv-ogctests"
    { rm -rf .venv-ogctests && .venv/bin/python -c 'import sys; print(sys.base_prefix)' >/dev/null \
        && "$(.venv/bin/python -c 'import sys; print(sys._base_executable)')" -m venv .venv-ogctests \
        && .venv-ogctests/bin/python -m pip install --quiet --disable-pip-version-check "$OGCTESTS"; } \
        || echo "warning: could not install $OGCTESTS: its conformance test will skip" >&2
fi
export RDTR_OGCTESTS_PYTHON=${RDTR_OGCTESTS_PYTHON:-$PWD/.venv-ogctests/bin/python}

TEST_HOME=${RDTR_TEST_HOME:-$PWD/.rdtr-test}
test_db() { env -u RDTR_DATABASE_URL -u RDTR_OWNER_DATABASE_URL RDTR_HOME="$TEST_HOME" .venv/bin/rdtr db "$@"; }
# Sessions other than ours on the test cluster (another engineer's pytest): then it is left running.
others_connected() {
    .venv/bin/python - "$TEST_HOME" <<'PY'
import sys
from sqlalchemy import create_engine, text
from rdtr.db.local import LocalCluster
cluster = LocalCluster(sys.argv[1])
if not cluster.running():
    sys.exit(1)
engine = create_engine(cluster.url())
with engine.connect() as conn:
    n = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")).scalar()
engine.dispose()
sys.exit(0 if n else 1)
PY
}
DB_WAS_RUNNING=1
if [ -z "${RDTR_TEST_DATABASE_URL:-}" ] && ! test_db status >/dev/null 2>&1; then DB_WAS_RUNNING=0; fi
stop_test_db() {
    [ "$DB_WAS_RUNNING" = 0 ] && [ "${RDTR_KEEP_DB:-0}" != 1 ] || return 0
    test_db status >/dev/null 2>&1 || return 0
    if others_connected; then
        echo "==> the test database under $TEST_HOME is in use by another session: left running" >&2
    elif test_db stop >/dev/null; then
        echo "==> stopped the test database under $TEST_HOME (RDTR_KEEP_DB=1 leaves it running)" >&2
    fi
}
trap stop_test_db EXIT

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
