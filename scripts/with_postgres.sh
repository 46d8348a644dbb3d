#!/usr/bin/env bash
# Run a command (the test suite) with a throwaway PostgreSQL server on loopback.
#
#   scripts/with_postgres.sh COMMAND [ARGS…]
#
# `make test` runs the suite through this script, so the PostgreSQL half of the engine tests
# (tests/conftest.py, fixture `location`) has a real server:
#
# 1. the server binaries: Debian's `postgresql` package (/usr/lib/postgresql/*/bin). When they
#    are missing and we are root on a Debian-like system, `apt-get install postgresql` — the
#    distribution's server, kept patched by the system, rather than binaries from PyPI. Nothing
#    is installed when they are present, so a second run costs nothing here.
# 2. a new cluster in a temporary folder (initdb as the unprivileged `postgres` user when run
#    as root — the server refuses to run as root), listening on 127.0.0.1 only, on a free
#    port, with password (scram) authentication; fsync is off: the cluster is thrown away.
# 3. KXPLAN_TEST_PG (the server's URL, without password) and PGPASSWORD for the command;
# 4. the server is stopped and its folder removed when the command ends, fails or is
#    interrupted (trap on EXIT).
#
# Without PostgreSQL (and no way to install it) the command still runs: the PostgreSQL tests
# are skipped with the reason. In CI (CI=true) a server that cannot start fails the run.
# KXPLAN_TEST_PG already set (a server of your own) is used as is; KXPLAN_TEST_PG=skip runs
# without a server.
set -uo pipefail

say() { printf 'with_postgres: %s\n' "$*" >&2; }
ci() { [ "${CI:-}" = "true" ] || [ "${CI:-}" = "1" ]; }
if [ $# -eq 0 ]; then
    say "usage: scripts/with_postgres.sh COMMAND [ARGS…]"
    exit 2
fi

if [ -n "${KXPLAN_TEST_PG:-}" ]; then
    if [ "$KXPLAN_TEST_PG" = "skip" ] && ci; then
        say "FAILED: KXPLAN_TEST_PG=skip in CI — CI must run the PostgreSQL tests"
        exit 1
    fi
    exec "$@"
fi

run_without() {
    # $1: why there is no server
    if ci; then
        say "FAILED: $1 — CI must run the PostgreSQL tests"
        exit 1
    fi
    say "no PostgreSQL server: $1; the PostgreSQL tests are skipped"
    KXPLAN_TEST_PG=skip KXPLAN_TEST_PG_REASON="$1" "${COMMAND[@]}"
    exit $?  # the EXIT trap (once set) removes a half-made cluster
}
COMMAND=("$@")

pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
        printf '%s\n' "$dir"
    elif command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
    fi
}

BIN=$(pg_bin)
if [ -z "$BIN" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian's postgresql package (apt-get) …"
    if ! { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1 ||
           { apt-get update -qq >/dev/null 2>&1 &&
             DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }; }; then
        run_without "apt-get install postgresql failed"
    fi
    BIN=$(pg_bin)
fi
[ -n "$BIN" ] || run_without "initdb and pg_ctl not found (Debian: apt-get install postgresql)"

RUN_AS=()
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || run_without "running as root and there is no 'postgres' user to run the server"
    RUN_AS=(runuser -u postgres --)
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kxplan-pg.XXXXXX") || run_without "no temporary folder"
chmod 700 "$WORK"
[ ${#RUN_AS[@]} -eq 0 ] || chown postgres: "$WORK"
PGDATA_DIR="$WORK/data"

stop_server() {
    if [ -f "$PGDATA_DIR/postmaster.pid" ]; then
        "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w stop >/dev/null 2>&1
    fi
    rm -rf "$WORK"
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PASSWORD=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$PASSWORD" >"$WORK/pw"
[ ${#RUN_AS[@]} -eq 0 ] || chown postgres: "$WORK/pw"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

if ! "${RUN_AS[@]}" "$BIN/initdb" -D "$PGDATA_DIR" -U kxadmin --pwfile="$WORK/pw" \
        -A scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1; then
    cat "$WORK/initdb.log" >&2
    run_without "initdb failed"
fi
rm -f "$WORK/pw"
if ! "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$PGDATA_DIR" -l "$WORK/server.log" -w -t 60 \
        -o "-p $PORT -k $WORK -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=120" \
        start >/dev/null 2>&1; then
    cat "$WORK/server.log" >&2
    run_without "the server did not start"
fi
say "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT (cluster in $WORK)"

export KXPLAN_TEST_PG="postgresql://kxadmin@127.0.0.1:$PORT/postgres"
export PGPASSWORD="$PASSWORD"
export KXPLAN_TEST_PG_BIN="$BIN"
"${COMMAND[@]}"
status=$?
exit $status
