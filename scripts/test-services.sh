#!/usr/bin/env bash
# Sourced by scripts/test.sh: brings up what the study-storage tests talk to and exports
#   ATELIER_TEST_POSTGRES_URL  a PostgreSQL database on 127.0.0.1 (role and database "atelier")
#   ATELIER_TEST_PYTHON        a venv's python with optuna 5.1.0, optuna-dashboard, psycopg2-binary,
#                              tensorboard and tbparse (read TensorBoard event files), selenium
#                              (drives the browser)
#   ATELIER_TEST_CHROMIUM      Debian's chromium, with chromium-driver beside it (study pages are
#                              checked in a real browser)
# Idempotent: a running cluster, an existing role/database and a complete venv are reused; a
# variable the caller set already is left alone. It stops nothing that was running before; a
# cluster it had to start is stopped again by stop_test_services (test.sh's exit trap).
# Set ATELIER_SKIP_SERVICES=1 to skip all of it (the tests then skip with a note, unless CI=true).

ATELIER_STARTED_CLUSTER=""

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

start_postgres() {
  if [ -n "${ATELIER_TEST_POSTGRES_URL:-}" ]; then return 0; fi
  local line version cluster status
  # The newest installed cluster, whatever its version (Debian 12: 15, Debian 13: 17).
  line=$(pg_lsclusters -h 2>/dev/null | sort -k1,1n | tail -1 || true)
  if [ -z "$line" ]; then
    version=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
    [ -n "$version" ] || { echo "test-services: PostgreSQL is not installed (scripts/setup.sh installs it)" >&2; return 1; }
    echo "test-services: creating cluster $version main" >&2
    as_root pg_createcluster "$version" main >/dev/null
    line=$(pg_lsclusters -h | sort -k1,1n | tail -1)
  fi
  read -r version cluster port status _ <<<"$line"
  if [ "$status" != "online" ]; then
    echo "test-services: starting PostgreSQL $version/$cluster on port $port" >&2
    as_root pg_ctlcluster "$version" "$cluster" start
    ATELIER_STARTED_CLUSTER="$version $cluster"
  fi
  if [ "$(as_postgres psql -p "$port" -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'atelier'")" != "1" ]; then
    as_postgres psql -p "$port" -qc "CREATE ROLE atelier LOGIN CREATEDB PASSWORD 'atelier'"
  fi
  if [ "$(as_postgres psql -p "$port" -tAc "SELECT 1 FROM pg_database WHERE datname = 'atelier_test'")" != "1" ]; then
    as_postgres createdb -p "$port" -O atelier atelier_test
  fi
  export ATELIER_TEST_POSTGRES_URL="postgresql://atelier:atelier@127.0.0.1:$port/atelier_test"
}

prepare_python() {
  if [ -n "${ATELIER_TEST_PYTHON:-}" ]; then return 0; fi
  local venv="${XDG_CACHE_HOME:-$HOME/.cache}/atelier/pyenv"
  local check="import optuna, optuna_dashboard, psycopg2, tensorboard, tbparse, selenium; assert optuna.__version__ == '5.1.0', optuna.__version__"
  if ! "$venv/bin/python" -c "$check" 2>/dev/null; then
    echo "test-services: creating $venv with optuna 5.1.0, optuna-dashboard, psycopg2-binary, tensorboard, tbparse, selenium" >&2
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    if ! python3 -m venv "$venv" 2>/dev/null; then
      # Debian's own python3 keeps venv/ensurepip in a separate package.
      rm -rf "$venv"
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
      python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install -q --disable-pip-version-check "optuna==5.1.0" optuna-dashboard psycopg2-binary tensorboard tbparse selenium >&2
    "$venv/bin/python" -c "$check"
  fi
  export ATELIER_TEST_PYTHON="$venv/bin/python"
}

prepare_chromium() {
  if [ -n "${ATELIER_TEST_CHROMIUM:-}" ]; then return 0; fi
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    echo "test-services: installing chromium and chromium-driver from Debian" >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >&2 \
      || { as_root apt-get update -qq >&2 && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >&2; }
  fi
  export ATELIER_TEST_CHROMIUM="$(command -v chromium)"
}

start_test_services() {
  if [ "${ATELIER_SKIP_SERVICES:-0}" = "1" ]; then
    echo "test-services: skipped (ATELIER_SKIP_SERVICES=1)" >&2
    return 0
  fi
  start_postgres
  prepare_python
  prepare_chromium
  echo "test-services: ATELIER_TEST_POSTGRES_URL=${ATELIER_TEST_POSTGRES_URL/:atelier@/:***@} ATELIER_TEST_PYTHON=$ATELIER_TEST_PYTHON ATELIER_TEST_CHROMIUM=$ATELIER_TEST_CHROMIUM" >&2
}

stop_test_services() {
  if [ -n "$ATELIER_STARTED_CLUSTER" ]; then
    # shellcheck disable=SC2086
    as_root pg_ctlcluster $ATELIER_STARTED_CLUSTER stop || true
  fi
}
