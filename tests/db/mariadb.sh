#!/bin/sh
# A private MariaDB for the PHP tests and the demo: no system service, no TCP.
#   tests/db/mariadb.sh start   start (if not running), create database `whmcs`, print the socket
#   tests/db/mariadb.sh stop    shut down and wait
#   tests/db/mariadb.sh status  print the socket and exit 0 when it answers, exit 1 otherwise
# HOSTKEYRESELLERMOD_RUN_DIR overrides the run folder (default tests/.run).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
run_dir=${HOSTKEYRESELLERMOD_RUN_DIR:-$here/../.run}
mkdir -p "$run_dir"
run_dir=$(cd "$run_dir" && pwd)
data_dir=$run_dir/mysql
socket=$run_dir/mysqld.sock
pid_file=$run_dir/mysqld.pid
log_file=$run_dir/mysqld.log

server_bin() {
    for candidate in mariadbd mysqld; do
        for dir in /usr/sbin /usr/bin /usr/local/sbin /usr/local/bin; do
            if [ -x "$dir/$candidate" ]; then
                echo "$dir/$candidate"
                return 0
            fi
        done
    done
    echo "mariadb.sh: no mariadbd/mysqld found (apt-get install mariadb-server)" >&2
    exit 1
}

client() {
    if command -v mariadb >/dev/null 2>&1; then
        mariadb --no-defaults --socket="$socket" --user=root "$@"
    else
        mysql --no-defaults --socket="$socket" --user=root "$@"
    fi
}

answers() {
    [ -S "$socket" ] && client --batch --skip-column-names -e 'SELECT 1' >/dev/null 2>&1
}

install_db() {
    if [ -d "$data_dir/mysql" ]; then
        return 0
    fi
    mkdir -p "$data_dir"
    installer=$(command -v mariadb-install-db || command -v mysql_install_db || true)
    if [ -z "$installer" ]; then
        echo "mariadb.sh: mariadb-install-db not found" >&2
        exit 1
    fi
    "$installer" --no-defaults --user=root --datadir="$data_dir" \
        --auth-root-authentication-method=normal --skip-test-db >"$run_dir/mysql-install.log" 2>&1 || {
        cat "$run_dir/mysql-install.log" >&2
        exit 1
    }
}

start() {
    if answers; then
        echo "$socket"
        return 0
    fi
    install_db
    rm -f "$socket"
    # A private tmpdir: two servers (two checkouts) never share temporary-table files.
    mkdir -p "$run_dir/tmp"
    bin=$(server_bin)
    # setsid: the server must outlive this script and ignore the caller's signals.
    setsid "$bin" --no-defaults --user=root --skip-networking \
        --datadir="$data_dir" --socket="$socket" --pid-file="$pid_file" --tmpdir="$run_dir/tmp" \
        --log-error="$log_file" --character-set-server=utf8mb4 \
        --collation-server=utf8mb4_unicode_ci --innodb-autoinc-lock-mode=1 \
        --innodb-buffer-pool-size=64M --skip-log-bin </dev/null >/dev/null 2>&1 &
    tries=0
    until answers; do
        tries=$((tries + 1))
        if [ "$tries" -gt 300 ]; then
            echo "mariadb.sh: server did not answer within 30 s; log: $log_file" >&2
            tail -n 20 "$log_file" >&2 || true
            exit 1
        fi
        sleep 0.1
    done
    client -e 'CREATE DATABASE IF NOT EXISTS whmcs CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci'
    echo "$socket"
}

stop() {
    if [ ! -f "$pid_file" ]; then
        return 0
    fi
    pid=$(cat "$pid_file")
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        tries=0
        while kill -0 "$pid" 2>/dev/null; do
            tries=$((tries + 1))
            if [ "$tries" -gt 600 ]; then
                echo "mariadb.sh: server $pid did not stop within 60 s" >&2
                exit 1
            fi
            sleep 0.1
        done
    fi
    rm -f "$pid_file" "$socket"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status)
        if answers; then
            echo "$socket"
        else
            echo "mariadb.sh: not running" >&2
            exit 1
        fi
        ;;
    *)
        echo "usage: $0 start|stop|status" >&2
        exit 2
        ;;
esac
