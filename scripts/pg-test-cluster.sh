#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and benches: initdb in a temporary directory, a free
# port on 127.0.0.1, the socket in that directory; gone when the command ends.
#
#   scripts/pg-test-cluster.sh run -- npm test     # start, run the command with RECEIPT_SPOOL_TEST_PG set, tear down
#   eval "$(scripts/pg-test-cluster.sh start)"     # start and print the exports (PG_TEST_DIR, RECEIPT_SPOOL_TEST_PG)
#   scripts/pg-test-cluster.sh stop "$PG_TEST_DIR" # tear down what start made
#   scripts/pg-test-cluster.sh restart "$PG_TEST_DIR"  # crash-restart the server (immediate stop, same port)
#
# Needs Debian's postgresql package (binaries in /usr/lib/postgresql/<version>/bin). initdb and
# postgres refuse to run as root, so as root they run as the `postgres` user the package creates.
set -euo pipefail

pg_bin() {
  local dir
  for dir in "${PG_BIN:-}" /usr/lib/postgresql/*/bin; do
    if [ -n "$dir" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return; fi
  done
  echo "pg-test-cluster: no PostgreSQL found (apt-get install -y postgresql, or set PG_BIN)" >&2
  exit 1
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"
}

start() {
  local bin dir port
  bin="$(pg_bin)"
  dir="$(mktemp -d -t receipt-spool-pg.XXXXXX)"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  port="$(free_port)"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null ||
    { cat "$dir/server.log" >&2; exit 1; }
  echo "export PG_TEST_DIR='$dir'"
  echo "export RECEIPT_SPOOL_TEST_PG='postgres://postgres@127.0.0.1:$port/postgres'"
}

stop() {
  local dir="$1"
  [ -d "$dir/data" ] && as_owner "$(pg_bin)/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

restart() {
  as_owner "$(pg_bin)/pg_ctl" -D "$1/data" -m immediate -w -t 30 restart >/dev/null
}

case "${1:-}" in
  start) start ;;
  restart) restart "${2:?usage: pg-test-cluster.sh restart DIR}" ;;
  stop) stop "${2:?usage: pg-test-cluster.sh stop DIR}" ;;
  run)
    shift
    [ "${1:-}" = "--" ] && shift
    exports="$(start)" || exit 1
    eval "$exports"
    trap 'stop "$PG_TEST_DIR"' EXIT
    echo "pg-test-cluster: PostgreSQL at $RECEIPT_SPOOL_TEST_PG" >&2
    "$@"
    ;;
  *)
    echo "usage: pg-test-cluster.sh run -- COMMAND... | start | stop DIR | restart DIR" >&2
    exit 2
    ;;
esac
