#!/usr/bin/env bash
# ensure-postgres.sh [start|status|stop|install]: a PostgreSQL server for the tests.
#
# start (default) prints a postgres:// URL on stdout:
#   - DATABASE_URL is set: that URL, as is;
#   - else a private cluster: PostgreSQL's server binaries (Debian's `postgresql`, installed through
#     ensure-debian.sh when missing), `initdb` in $PAYBACK_PG_DIR (default /tmp/inference-payback-pg-<uid>-<repo hash>),
#     run as the `postgres` user when we are root (root cannot run postgres), started with `pg_ctl -w` on a
#     free localhost port (the port of its last run when that is free, so a restart keeps the URL), with a
#     database `payback_test`. A cluster already running there is reused.
# status  exit 0 when the private cluster is running, 1 when not.
# stop    stop the private cluster.
# install only make sure the server binaries are there.
#
# Exit 3, with the reason on stderr, when no server can be had on this machine (none installed, and
# installing needs root and apt-get): callers skip their suite with that reason. Any other failure is a
# real failure (exit 1).
set -uo pipefail
cmd="${1:-start}"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
say() { echo "ensure-postgres: $*" >&2; }
die() { say "$*"; exit 1; }

if [ "$cmd" = start ] && [ -n "${DATABASE_URL:-}" ]; then
  echo "$DATABASE_URL"
  exit 0
fi

find_bin() {
  local d
  if [ -n "${PG_BIN:-}" ] && [ -x "$PG_BIN/pg_ctl" ]; then echo "$PG_BIN"; return 0; fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ] && [ -x "$d/postgres" ]; then echo "$d"; return 0; fi
  done
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return 0
  fi
  return 1
}

bin="$(find_bin)"
if [ -z "$bin" ]; then
  if [ "$cmd" = status ] || [ "$cmd" = stop ]; then exit 1; fi
  # Debian puts the server under /usr/lib/postgresql/<major>/bin, off PATH; pg_ctlcluster (postgresql-common) is on it
  bash "$here/ensure-debian.sh" pg_ctlcluster postgresql
  rc=$?
  if [ $rc -eq 3 ]; then
    say "!! no PostgreSQL server on this machine and no way to install one: the PostgreSQL suites are SKIPPED (set DATABASE_URL to run them)"
    exit 3
  fi
  [ $rc -eq 0 ] || die "installing Debian's postgresql failed (exit $rc)"
  bin="$(find_bin)" || die "postgresql is installed but no server binaries were found under /usr/lib/postgresql/*/bin (set PG_BIN)"
fi
[ "$cmd" = install ] && { say "server binaries in $bin"; exit 0; }

hash="$(printf '%s' "$repo" | cksum | cut -d' ' -f1)"
dir="${PAYBACK_PG_DIR:-/tmp/inference-payback-pg-$(id -u)-$hash}"
data="$dir/data"
db=payback_test

# root cannot run postgres: run the server tools as the postgres user, from a directory it may enter
runas=()
if [ "$(id -u)" = 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres || die "cannot create the postgres user"
  fi
  runas=(runuser -u postgres --)
fi
pg() { (cd / && "${runas[@]}" "$@"); }

running() { [ -f "$data/PG_VERSION" ] && pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

case "$cmd" in
  status) if running; then exit 0; else exit 1; fi ;;
  stop)
    if running; then pg "$bin/pg_ctl" -D "$data" -m fast -w stop >&2 || die "pg_ctl stop failed"; fi
    exit 0 ;;
  start) ;;
  *) die "unknown command '$cmd' (start, status, stop, install)" ;;
esac

mkdir -p "$dir" || die "cannot create $dir"
exec 8>"$dir.lock"
flock 8
if [ "$(id -u)" = 0 ]; then chown postgres "$dir" && chmod 700 "$dir" || die "cannot hand $dir to the postgres user"; fi

if ! [ -f "$data/PG_VERSION" ]; then
  say "initdb $data ($bin)"
  pg "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
fi

if running && [ -f "$dir/port" ]; then
  port="$(cat "$dir/port")"
  say "reusing the server on 127.0.0.1:$port ($data)"
else
  # the port of the last run when it is free (a restarted server keeps its URL), else a free one
  last="$(cat "$dir/port" 2>/dev/null || true)"
  port="$(node -e "const n=require('net');const t=(p,k)=>{const s=n.createServer();s.once('error',()=>k());s.listen(p,'127.0.0.1',()=>{const a=s.address().port;s.close(()=>console.log(a))})};t(Number(process.argv[1])||0,()=>t(0,()=>process.exit(1)))" "$last")" \
    || die "cannot find a free port"
  pg sh -c "echo $port > '$dir/port'" || die "cannot write $dir/port"
  say "starting PostgreSQL on 127.0.0.1:$port ($data)"
  # a throwaway test cluster: no fsync; the server must not inherit the lock (fd 8), or it holds it forever
  pg "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >&2 8>&- \
    || { tail -n 30 "$dir/server.log" >&2; die "the server did not start"; }
fi

exists="$(pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" \
  || die "cannot connect to the server on port $port"
if [ "$exists" != 1 ]; then pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db" || die "createdb failed"; fi
echo "postgres://postgres@127.0.0.1:$port/$db"
