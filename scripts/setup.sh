#!/usr/bin/env bash
# Set up a development machine (Debian/Ubuntu) for rdtr. Idempotent: a second run only checks.
#
#   scripts/setup.sh [--with-browser]
#
# 1. system packages: PostgreSQL server + PostGIS (the embedded database runs from these binaries),
#    gdal-bin (ogr2ogr, for the ingest benchmark) and, with --with-browser, chromium (browser tests).
#    Installed with apt-get when missing and we are root; otherwise the exact command is printed.
# 2. .venv with `pip install -e '.[dev]'` (redone only when pyproject.toml changes).
# 3. web assets (Leaflet, Leaflet.draw) into api/static/vendor with npm (git-ignored, never committed).
#
# Environment: PYTHON=python3.12 to choose the interpreter (default python3, must be >= 3.11).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

WITH_BROWSER=0
for arg in "$@"; do
    case "$arg" in
        --with-browser) WITH_BROWSER=1 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "setup.sh: unknown option: $arg (try --help)" >&2; exit 2 ;;
    esac
done

VENDOR_DIR=api/static/vendor
NPM_PACKAGES=(leaflet@1.9.4 leaflet-draw@1.0.4 leaflet.vectorgrid@1.3.0 swagger-ui-dist@5.35.0 redoc@2.5.2 axe-core@4.14.1)

say()  { printf '==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }
have() { command -v "$1" >/dev/null 2>&1; }
pkg_installed() { have dpkg-query && dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | grep -q '^ii'; }

# --- 1. system packages ------------------------------------------------------------------------

# Highest PostgreSQL major whose server binaries are installed (Debian layout), else empty.
pg_major_installed() {
    local d best=""
    for d in /usr/lib/postgresql/*/bin/initdb; do
        [ -x "$d" ] || continue
        d=${d#/usr/lib/postgresql/}; d=${d%%/*}
        if [ -z "$best" ] || [ "$d" -gt "$best" ] 2>/dev/null; then best=$d; fi
    done
    echo "$best"
}

# The major apt would install with the `postgresql` metapackage (15 on bookworm), else a guess.
pg_major_candidate() {
    local major=""
    if have apt-cache; then
        major=$(apt-cache policy postgresql 2>/dev/null | sed -nE 's/^ *Candidate: *([0-9]+)\+.*/\1/p' | head -n1)
    fi
    if [ -z "$major" ] && [ -r /etc/os-release ]; then
        # shellcheck disable=SC1091
        case "$(. /etc/os-release; echo "${VERSION_CODENAME:-}")" in
            bullseye) major=13 ;; bookworm) major=15 ;; trixie) major=17 ;;
            focal) major=12 ;; jammy) major=14 ;; noble) major=16 ;;
        esac
    fi
    echo "${major:-15}"
}

other_pg_bindir() {  # non-Debian layouts: initdb on PATH or from pg_config
    if have pg_config && [ -x "$(pg_config --bindir 2>/dev/null)/initdb" ]; then pg_config --bindir
    elif have initdb; then dirname "$(command -v initdb)"
    fi
}

# Fills MISSING (required) and OPTIONAL (nice to have) with Debian package names.
find_missing() {
    MISSING=(); OPTIONAL=()
    local major
    major=$(pg_major_installed)
    if [ -n "$major" ]; then
        [ -f "/usr/share/postgresql/$major/extension/postgis.control" ] || MISSING+=("postgresql-$major-postgis-3")
    elif [ -n "$(other_pg_bindir)" ]; then
        [ -f "$(pg_config --sharedir 2>/dev/null)/extension/postgis.control" ] || MISSING+=("postgis")
    else
        major=$(pg_major_candidate)
        MISSING+=(postgresql "postgresql-$major-postgis-3")
    fi
    have ogr2ogr || MISSING+=(gdal-bin)
    if [ "$WITH_BROWSER" = 1 ]; then
        have chromium || have chromium-browser || MISSING+=(chromium)
        have chromedriver || pkg_installed chromium-driver || OPTIONAL+=(chromium-driver)
    fi
}

apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    # Wait for a concurrent apt/dpkg (unattended-upgrades) instead of failing on the lock.
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@"
}

find_missing
if [ "${#MISSING[@]}" -gt 0 ]; then
    if ! have apt-get; then
        die "missing: ${MISSING[*]} — this script installs packages only on Debian/Ubuntu; install the
       equivalents (PostgreSQL server + PostGIS 3, GDAL tools, and Chromium for --with-browser) and run
       it again, or set RDTR_DATABASE_URL to an existing PostGIS server"
    fi
    if ! is_root; then
        printf 'error: missing system packages: %s\n' "${MISSING[*]}" >&2
        printf 'Install them with:\n\n    sudo apt-get update && sudo apt-get install -y %s\n\n' "${MISSING[*]}" >&2
        printf 'then run %s again.\n' "$0" >&2
        exit 1
    fi
    say "installing system packages: ${MISSING[*]}"
    apt_install "${MISSING[@]}" || die "apt-get install -y ${MISSING[*]} failed (see above)"
    # Optional (chromium-driver): only while apt runs anyway; no candidate on this release is fine.
    if [ "${#OPTIONAL[@]}" -gt 0 ]; then
        apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${OPTIONAL[@]}" \
            || warn "optional package(s) not installed: ${OPTIONAL[*]}"
    fi
    find_missing
    [ "${#MISSING[@]}" -eq 0 ] || die "still missing after apt-get install: ${MISSING[*]}"
fi
say "system packages: PostgreSQL $(pg_major_installed) + PostGIS, gdal-bin$([ "$WITH_BROWSER" = 1 ] && echo ', chromium') present"

# --- 2. Python virtual environment -------------------------------------------------------------

PY=${PYTHON:-python3}
have "$PY" || die "$PY not found: install Python 3.11 or newer (sudo apt-get install -y python3 python3-venv)"
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || die "Python >= 3.11 is needed, $PY is $("$PY" -V 2>&1); install a newer one and run: PYTHON=python3.11 $0"

if [ -x .venv/bin/python ] && ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    die ".venv uses $(.venv/bin/python -V 2>&1 || echo 'a broken interpreter'), but rdtr needs >= 3.11: remove .venv and run $0 again"
fi
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
    say "creating .venv with $("$PY" -V 2>&1)"
    rm -rf .venv
    if ! "$PY" -m venv .venv || ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
        rm -rf .venv
        die "could not create .venv with $PY: install the venv module (sudo apt-get install -y python3-venv, or python3.X-venv for your version) and run $0 again"
    fi
fi

STAMP=.venv/.rdtr-setup-stamp
WANT=$(.venv/bin/python -c 'import hashlib; print(hashlib.sha256(open("pyproject.toml", "rb").read()).hexdigest())')
if [ "$(cat "$STAMP" 2>/dev/null)" = "$WANT" ] && [ -x .venv/bin/rdtr ]; then
    say "python packages: up to date (.venv)"
else
    say "installing python packages into .venv (pip install -e '.[dev]')"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]' \
        || die "pip install -e '.[dev]' failed (see the errors above)"
    echo "$WANT" > "$STAMP"
fi

# --- 3. web assets -----------------------------------------------------------------------------

vendored() {
    local spec name version
    for spec in "${NPM_PACKAGES[@]}"; do
        name=${spec%@*}; version=${spec##*@}
        grep -q "\"version\": *\"$version\"" "$VENDOR_DIR/node_modules/$name/package.json" 2>/dev/null || return 1
    done
}

if vendored; then
    say "web assets: ${NPM_PACKAGES[*]} present in $VENDOR_DIR"
elif have npm; then
    say "vendoring web assets into $VENDOR_DIR: ${NPM_PACKAGES[*]}"
    mkdir -p "$VENDOR_DIR"
    npm install --prefix "$VENDOR_DIR" --save-exact --no-audit --no-fund --loglevel=error "${NPM_PACKAGES[@]}" \
        || warn "npm install failed: map previews will lack Leaflet until it succeeds (run $0 again)"
else
    warn "npm not found: map previews will lack Leaflet (install nodejs/npm, e.g. sudo apt-get install -y npm, and run $0 again)"
fi

say "set-up done: .venv/bin/rdtr demo (or scripts/demo.sh) starts the local database and serves on http://127.0.0.1:8000"
