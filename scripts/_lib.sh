# Shared by scripts/serve and scripts/test: find Odoo 19.0 and PostgreSQL.
# shellcheck shell=bash

PROJECT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL_DIR="$PROJECT_ROOT/.local"
PYTHON="${PYTHON:-python3}"

die() {
    echo "error: $*" >&2
    exit 2
}

info() {
    echo "[customer_care] $*" >&2
}

# Sets ODOO_CMD (an array) and ODOO_CORE_ADDONS, or stops with a message
# naming what is missing.
find_odoo() {
    command -v "$PYTHON" >/dev/null 2>&1 || die "Python 3 ('$PYTHON') is not installed."
    if [ -n "${ODOO_HOME:-}" ]; then
        [ -f "$ODOO_HOME/odoo/release.py" ] ||
            die "ODOO_HOME=$ODOO_HOME is not an Odoo source tree (no odoo/release.py there)."
        export PYTHONPATH="$ODOO_HOME${PYTHONPATH:+:$PYTHONPATH}"
    fi
    local version
    version=$("$PYTHON" -c 'import odoo.release as r; print(r.version_info[0], r.version_info[1])' 2>/dev/null) ||
        die "Odoo 19.0 is missing: set ODOO_HOME to an Odoo 19.0 source tree, or install Odoo 19.0 so that 'import odoo' works in $PYTHON (see README.md, Prerequisites)."
    [ "$version" = "19 0" ] || die "Odoo 19.0 is required, found Odoo ${version/ /.}."
    "$PYTHON" -c 'import psycopg2, lxml, werkzeug' 2>/dev/null ||
        die "Odoo 19.0's Python requirements are not installed (pip install -r requirements.txt of the Odoo tree)."
    ODOO_CMD=("$PYTHON" -m odoo)
}

pg_reachable() {
    "$PYTHON" - <<'PY' 2>/dev/null
import psycopg2
psycopg2.connect(dbname="postgres", connect_timeout=3).close()
PY
}

# Use the PostgreSQL that the PG* variables (or libpq's defaults) reach;
# when none answers, start a throwaway cluster under .local/ (ignored by
# git).  Exports PGHOST/PGPORT/PGUSER for Odoo and the client tools.
setup_postgres() {
    if [ "${CARE_EMBEDDED_PG:-}" != "1" ] && pg_reachable; then
        if [ "${PGUSER:-$(id -un)}" = "postgres" ]; then
            die "Odoo refuses the PostgreSQL role 'postgres': set PGUSER to another role with CREATEDB."
        fi
        info "using the PostgreSQL server at ${PGHOST:-local socket}:${PGPORT:-5432}"
        return
    fi
    info "no PostgreSQL server reachable: starting the embedded cluster in .local/pg"
    start_embedded_postgres
}

pg_bindir() {
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir
        return
    fi
    local dir
    for dir in /usr/lib/postgresql/*/bin /usr/local/pgsql/bin; do
        [ -x "$dir/initdb" ] && { echo "$dir"; return; }
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return; }
    return 1
}

start_embedded_postgres() {
    local bindir data run port owner
    bindir=$(pg_bindir) || die "PostgreSQL is missing: no server is reachable and no initdb/pg_ctl is installed to start an embedded one (install the PostgreSQL server, >= 13)."
    data="$LOCAL_DIR/pg/data"
    run="$LOCAL_DIR/pg/run"
    port="${CARE_PG_PORT:-55432}"
    mkdir -p "$data" "$run"
    # initdb and postgres refuse to run as root: use the postgres account then
    local as=()
    if [ "$(id -u)" = "0" ]; then
        owner=$(id -un postgres 2>/dev/null || echo nobody)
        chown -R "$owner" "$LOCAL_DIR/pg"
        chmod 755 "$LOCAL_DIR" "$LOCAL_DIR/pg"
        as=(runuser -u "$owner" --)
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
        "${as[@]}" "$bindir/initdb" -D "$data" -U odoo --auth=trust -E UTF8 --locale=C >"$LOCAL_DIR/pg/initdb.log" 2>&1 ||
            die "initdb failed, see $LOCAL_DIR/pg/initdb.log"
    fi
    if ! "${as[@]}" "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        "${as[@]}" "$bindir/pg_ctl" -D "$data" -l "$LOCAL_DIR/pg/server.log" -w -t 60 \
            -o "-k $run -p $port -c listen_addresses=''" start >/dev/null ||
            die "the embedded PostgreSQL did not start, see $LOCAL_DIR/pg/server.log"
    fi
    export PGHOST="$run" PGPORT="$port" PGUSER=odoo
    unset PGPASSWORD PGDATABASE PGSERVICE
    pg_reachable || die "the embedded PostgreSQL at $run:$port does not answer"
    info "embedded PostgreSQL running (socket $run, port $port); stop it with: pg_ctl -D $data stop"
}

# Odoo options for the database connection taken from the environment.
db_options() {
    local opts=()
    [ -n "${PGHOST:-}" ] && opts+=("--db_host=$PGHOST")
    [ -n "${PGPORT:-}" ] && opts+=("--db_port=$PGPORT")
    [ -n "${PGUSER:-}" ] && opts+=("--db_user=$PGUSER")
    [ -n "${PGPASSWORD:-}" ] && opts+=("--db_password=$PGPASSWORD")
    [ ${#opts[@]} -eq 0 ] || printf '%s\n' "${opts[@]}"
}

db_exists() {
    "$PYTHON" - "$1" <<'PY'
import sys, psycopg2
conn = psycopg2.connect(dbname="postgres")
cur = conn.cursor()
cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (sys.argv[1],))
sys.exit(0 if cur.fetchone() else 1)
PY
}

drop_db() {
    "$PYTHON" - "$1" <<'PY'
import sys, psycopg2
conn = psycopg2.connect(dbname="postgres")
conn.autocommit = True
conn.cursor().execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % sys.argv[1].replace('"', ''))
PY
}
