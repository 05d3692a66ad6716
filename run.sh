#!/usr/bin/env bash
# One entry point for people and CI:
#   ./run.sh demo [crawler demo options]   set up .venv, then crawl the offline fixture site
#   ./run.sh test [pytest options]         set up .venv and .venv-pywb, then run the test suite
#   ./run.sh setup                         set up only
# Needs Python 3.11+ (Debian: python3, python3-venv). Installs missing Debian packages when run as root.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}

apt_install() {
    # Install Debian packages only when a command is missing; needs root (CI and dev machines run as root).
    local missing=()
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "run.sh: please install these Debian packages first: ${missing[*]}" >&2
        return 1
    fi
    echo "run.sh: installing Debian packages: ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

make_venv() {  # make_venv DIR STAMP_INPUT PIP_ARGS...
    local dir=$1 stamp_input=$2; shift 2
    local stamp; stamp=$(printf '%s' "$stamp_input" | sha256sum | cut -c1-16)
    if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$stamp" ]; then return 0; fi
    if ! "$PY" -m venv --help >/dev/null 2>&1 || ! "$PY" -c 'import ensurepip' >/dev/null 2>&1; then
        apt_install python3-venv
    fi
    "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
        echo "run.sh: Python 3.11 or newer is needed ($PY is $("$PY" --version 2>&1))" >&2; exit 2; }
    rm -rf "$dir"
    "$PY" -m venv "$dir"
    "$dir/bin/pip" install -q --upgrade pip >/dev/null
    "$dir/bin/pip" install -q "$@"
    echo "$stamp" > "$dir/.stamp"
}

setup_main() {
    make_venv .venv "$(cat pyproject.toml)" -e ".[test]"
}

setup_test_tools() {
    # pywb pins old redis/fakeredis, so it lives in its own virtualenv (used for replay tests).
    make_venv .venv-pywb "$(cat deploy/pywb-requirements.txt)" -r deploy/pywb-requirements.txt
    # redis-server: the distributed-crawl tests start their own on loopback
    apt_install wget chromium redis-server
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
    demo)  setup_main; exec .venv/bin/crawler demo "$@" ;;
    test)  setup_main; setup_test_tools; exec .venv/bin/python -m pytest "$@" ;;
    setup) setup_main; setup_test_tools ;;
    *) echo "usage: ./run.sh demo|test|setup [options]" >&2; exit 2 ;;
esac
