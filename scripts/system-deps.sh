#!/usr/bin/env bash
# Installs the Debian packages the tests and the local platform run need, when they are missing.
# PostgreSQL and RabbitMQ are Debian's servers; the tests and `make local` start their own
# throwaway instances on loopback and never use the system-wide ones the packages set up.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=deps

need=()
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || need+=(rabbitmq-server)

if [ ${#need[@]} -eq 0 ]; then
  log "system packages present"
  exit 0
fi

log "installing Debian packages: ${need[*]}"
if [ "$(id -u)" -eq 0 ]; then
  run=()
elif command -v sudo >/dev/null; then
  run=(sudo)
else
  die "need root to install ${need[*]}: run 'apt-get install ${need[*]}' as root"
fi
# Package post-install scripts try to start a system-wide cluster; the project never uses it.
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -qq
"${run[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
log "installed ${need[*]}"
