#!/usr/bin/env bash
# pgtest.sh starts and stops a throwaway PostgreSQL 15 for the tests of
# internal/postgres. Nothing it creates outlives "stop": the cluster lives in
# one directory under $TMPDIR, listens on 127.0.0.1 only, on a free port, with
# trust authentication and its unix socket inside that directory.
#
#   scripts/pgtest.sh start      start (or reuse) the server; print its URL
#   scripts/pgtest.sh url        print the URL of the running server
#   scripts/pgtest.sh env        print "export ATALAYA_TEST_POSTGRES=…" for eval
#   scripts/pgtest.sh status     exit 0 if the server is running
#   scripts/pgtest.sh stop       stop the server and delete its directory
#   scripts/pgtest.sh run CMD…   start, run CMD with ATALAYA_TEST_POSTGRES and
#                                ATALAYA_REQUIRE_POSTGRES=1 set, stop; exit
#                                with CMD's status
#
# The URL is also written to $STATE/url, where STATE is $ATALAYA_PGTEST_DIR or
# ${TMPDIR:-/tmp}/atalaya-pgtest.
#
# Binaries come from $PGBIN or /usr/lib/postgresql/15/bin. If they are missing
# and the script runs as root, Debian's postgresql-15 is installed with
# apt-get; otherwise it stops with a message. PostgreSQL refuses to run as
# root, so as root the cluster belongs to the "postgres" OS user.
#
# The server trades durability for speed (fsync, synchronous_commit and
# full_page_writes off): it holds test data only.
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
STATE=${ATALAYA_PGTEST_DIR:-${TMPDIR:-/tmp}/atalaya-pgtest}
DBNAME=atalaya_test

die() {
	echo "pgtest: $*" >&2
	exit 1
}

# as_pg runs a command as the OS user that owns the cluster: the postgres
# user when we are root, ourselves otherwise.
as_pg() {
	if [ "$(id -u)" -ne 0 ]; then
		"$@"
	elif command -v runuser >/dev/null 2>&1; then
		runuser -u postgres -- "$@"
	else
		su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
	fi
}

ensure_binaries() {
	if [ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pg_ctl" ]; then
		return
	fi
	if [ "$(id -u)" -ne 0 ]; then
		die "no PostgreSQL 15 in $PGBIN; install Debian's postgresql-15 (apt-get install postgresql-15) or set PGBIN"
	fi
	echo "pgtest: installing postgresql-15 with apt-get" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends postgresql-15 >&2
	[ -x "$PGBIN/initdb" ] || die "postgresql-15 installed but $PGBIN/initdb is missing; set PGBIN"
}

# port_free reports whether nothing listens on 127.0.0.1:$1. It asks ss when
# there is one, and otherwise tries to connect with bash's /dev/tcp.
port_free() {
	local port=$1
	if command -v ss >/dev/null 2>&1; then
		! ss -Hltn "sport = :$port" 2>/dev/null | grep -q .
		return
	fi
	! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

free_port() {
	local i port
	for i in $(seq 1 100); do
		port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		if port_free "$port"; then
			echo "$port"
			return
		fi
	done
	die "no free port found"
}

running() {
	[ -f "$STATE/url" ] && [ -d "$STATE/data" ] && as_pg "$PGBIN/pg_ctl" -D "$STATE/data" status >/dev/null 2>&1
}

start() {
	if running; then
		cat "$STATE/url"
		return
	fi
	ensure_binaries
	if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
		die "running as root, but there is no postgres OS user to own the cluster"
	fi
	rm -rf "$STATE"
	mkdir -p "$STATE"
	chmod 755 "$STATE"
	mkdir "$STATE/data" "$STATE/sock"
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres: "$STATE/data" "$STATE/sock"
	fi
	chmod 700 "$STATE/data"

	as_pg "$PGBIN/initdb" -D "$STATE/data" -U postgres -A trust -E UTF8 --locale=C >"$STATE/initdb.log" 2>&1 ||
		{ cat "$STATE/initdb.log" >&2; die "initdb failed"; }
	cat >"$STATE/data/pg_hba.conf" <<-'EOF'
		# Throwaway test cluster: trust, and only over loopback and the private socket.
		local all all              trust
		host  all all 127.0.0.1/32 trust
	EOF

	local port attempt
	for attempt in 1 2 3; do
		port=$(free_port)
		if as_pg "$PGBIN/pg_ctl" -D "$STATE/data" -l "$STATE/data/server.log" -w -t 60 start \
			-o "-p $port -k $STATE/sock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
			>/dev/null; then
			break
		fi
		[ "$attempt" -lt 3 ] || { tail -n 20 "$STATE/data/server.log" >&2; die "pg_ctl start failed"; }
	done

	as_pg "$PGBIN/psql" -h "$STATE/sock" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt \
		-c "CREATE DATABASE $DBNAME" >/dev/null || die "could not create database $DBNAME"
	echo "$port" >"$STATE/port"
	echo "postgres://postgres@127.0.0.1:$port/$DBNAME?sslmode=disable" >"$STATE/url"
	cat "$STATE/url"
}

stop() {
	if [ -d "$STATE/data" ]; then
		as_pg "$PGBIN/pg_ctl" -D "$STATE/data" -m fast -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$STATE"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
url) running || die "not running; use: $0 start"; cat "$STATE/url" ;;
env) running || die "not running; use: $0 start"; echo "export ATALAYA_TEST_POSTGRES='$(cat "$STATE/url")'" ;;
status) running ;;
run)
	shift
	[ $# -gt 0 ] || die "usage: $0 run COMMAND [ARG…]"
	# A server that was already running is left running.
	if running; then
		url=$(cat "$STATE/url")
	else
		url=$(start)
		trap stop EXIT
	fi
	status=0
	ATALAYA_TEST_POSTGRES=$url ATALAYA_REQUIRE_POSTGRES=1 "$@" || status=$?
	exit "$status"
	;;
*)
	echo "usage: $0 start|stop|url|env|status|run COMMAND…" >&2
	exit 2
	;;
esac
