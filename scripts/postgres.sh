#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster on loopback for the test suite and exports
# TRADEWIND_TEST_POSTGRES_URL. Sourced by scripts/test.sh; the cluster is removed on exit.
# Needs Debian's `postgresql` package (.ci/run installs it).

start_test_postgres() {
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
        echo "PostgreSQL is needed by the tests: apt-get install -y postgresql" >&2
        return 1
    fi
    PG_TEST_DIR=$(mktemp -d /tmp/tradewind-pg.XXXXXX)
    local port=$(( 20000 + RANDOM % 20000 ))
    local password="tradewind-test"
    echo "$password" > "$PG_TEST_DIR/pwfile"
    local run=()
    # initdb and postgres refuse to run as root: use the package's postgres user.
    if [[ $(id -u) -eq 0 ]]; then
        chown -R postgres "$PG_TEST_DIR"
        run=(runuser -u postgres --)
    fi
    "${run[@]}" "$bin/initdb" -D "$PG_TEST_DIR/data" -U tradewind --pwfile="$PG_TEST_DIR/pwfile" \
        --auth-local=trust --auth-host=scram-sha-256 -E UTF8 >"$PG_TEST_DIR/initdb.log" 2>&1 \
        || { cat "$PG_TEST_DIR/initdb.log" >&2; return 1; }
    "${run[@]}" "$bin/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$PG_TEST_DIR -c max_connections=200 -c fsync=off" start >/dev/null \
        || { cat "$PG_TEST_DIR/server.log" >&2; return 1; }
    PGPASSWORD=$password "$bin/psql" -h 127.0.0.1 -p "$port" -U tradewind -d postgres -qc "CREATE DATABASE tradewind_test" >/dev/null
    export TRADEWIND_TEST_POSTGRES_URL="postgres://tradewind:$password@127.0.0.1:$port/tradewind_test"
    PG_TEST_STOP=("${run[@]}" "$bin/pg_ctl" -D "$PG_TEST_DIR/data" -m immediate stop)
    trap stop_test_postgres EXIT
    echo "test PostgreSQL on 127.0.0.1:$port ($PG_TEST_DIR)"
}

stop_test_postgres() {
    "${PG_TEST_STOP[@]}" >/dev/null 2>&1 || true
    rm -rf "$PG_TEST_DIR"
}
