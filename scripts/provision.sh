#!/usr/bin/env bash
# Installs and starts what the test suite needs on a Debian machine: the Docker engine (a
# single-node Swarm manager), a local registry, MariaDB, Git, Chromium and busybox-static (test
# images are built from it, nothing is pulled from the internet), the tools the pipeline steps
# and backup procedures use (curl, jq, sqlite3), and a local Node 20 base image for the host
# image. Idempotent: every step checks before it acts. Run as root.
set -euo pipefail

log() { printf 'provision: %s\n' "$*"; }
: "${RSGO_TEST_STATE:=/var/tmp/rsgo-test}"
mkdir -p "$RSGO_TEST_STATE"

want=(docker.io mariadb-server docker-registry busybox-static chromium git docker-compose curl jq sqlite3)
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

wait_for() { # wait_for SECONDS CMD...: true once CMD succeeds
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# Docker engine
if ! docker version >/dev/null 2>&1; then
  log "starting dockerd"
  # The default pools hold about 30 networks; a parallel test run creates more at once.
  # Kept running: Debian's engine (20.10) can crash in Swarm's orchestrator when a service is
  # removed while its tasks are reaped; one crash must not take every later test down with it.
  setsid bash -c 'while :; do dockerd --default-address-pool base=10.200.0.0/16,size=24; sleep 1; done' >>"$RSGO_TEST_STATE/dockerd.log" 2>&1 < /dev/null &
  wait_for 60 docker version || { tail -20 "$RSGO_TEST_STATE/dockerd.log"; exit 1; }
fi

# Single-node Swarm on the same engine, for the swarm-runtime tests. The engine's containers and
# the docker-runtime keep working as before. Overlay networks take their subnets from
# 10.201.0.0/16, apart from the engine's bridge pool 10.200.0.0/16.
if [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
  log "initialising a single-node swarm"
  docker swarm init --advertise-addr 127.0.0.1 --default-addr-pool 10.201.0.0/16 >/dev/null
fi

# Local registry on 127.0.0.1:5000 (allowed without TLS by the engine)
if ! wait_for 1 bash -c 'exec 3<>/dev/tcp/127.0.0.1/5000'; then
  log "starting registry on 127.0.0.1:5000"
  mkdir -p "$RSGO_TEST_STATE/registry"
  cat >"$RSGO_TEST_STATE/registry.yml" <<YML
version: 0.1
log: { level: error }
storage:
  filesystem: { rootdirectory: $RSGO_TEST_STATE/registry }
  delete: { enabled: true }
http: { addr: 127.0.0.1:5000 }
YML
  setsid docker-registry serve "$RSGO_TEST_STATE/registry.yml" >"$RSGO_TEST_STATE/registry.log" 2>&1 < /dev/null &
  wait_for 30 bash -c 'exec 3<>/dev/tcp/127.0.0.1/5000'
fi

# MariaDB with a test database and user
if ! mysqladmin ping >/dev/null 2>&1; then
  log "starting mariadb"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
  start-stop-daemon --start --background --exec /usr/sbin/mariadbd -- --user=mysql --bind-address=127.0.0.1
  wait_for 60 mysqladmin ping
fi
mysql -uroot <<'SQL'
CREATE DATABASE IF NOT EXISTS rsgo_test;
CREATE USER IF NOT EXISTS 'rsgo'@'127.0.0.1' IDENTIFIED BY 'rsgo-test';
CREATE USER IF NOT EXISTS 'rsgo'@'localhost' IDENTIFIED BY 'rsgo-test';
GRANT ALL PRIVILEGES ON *.* TO 'rsgo'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'rsgo'@'localhost';
FLUSH PRIVILEGES;
SQL

# The local stand-in for the official Node 20 image, which the host image is built from in tests
# (no image can be pulled here), and one build of that image: its dependency layer (npm ci, which
# compiles better-sqlite3 for minutes) is then cached when the test builds it again.
bash "$(dirname "$0")/build-node-base.sh"
log "building the host image once (cached after the first time)"
docker build --quiet --build-arg NODE_IMAGE=rsgo-node-base:20-bookworm --tag rsgo-provisioned:latest "$(dirname "$0")/.." >/dev/null

log "ready (docker in swarm mode, registry 127.0.0.1:5000, mariadb mysql://rsgo:rsgo-test@127.0.0.1:3306)"
