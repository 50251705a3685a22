#!/bin/bash
# Entrypoint of the local rabbitmq stand-in (cluster/images/rabbitmq/Containerfile). RabbitMQ
# reads RABBITMQ_DEFAULT_USER / RABBITMQ_DEFAULT_PASS itself; this script only
#  * sizes RabbitMQ's memory alarm from the container's memory limit (cgroup v2 memory.max or
#    v1 memory.limit_in_bytes): RabbitMQ 3.10 would take the host's RAM, and the kernel would
#    kill the container long before the alarm's 40 % of it;
#  * keeps the Erlang distribution listener on the loopback;
#  * runs rabbitmq-server (arguments starting with - are passed to it), or any other command.
set -Eeuo pipefail

if [ "$#" -eq 0 ] || [ "${1:0:1}" = - ]; then set -- rabbitmq-server "$@"; fi
if [ "$1" != rabbitmq-server ]; then exec "$@"; fi
shift

limit=""
for f in /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory/memory.limit_in_bytes; do
  if [ -r "$f" ]; then
    limit="$(cat "$f")"
    break
  fi
done
erl_args="-kernel inet_dist_use_interface {127,0,0,1}"
# "max" or a number near 2^63 means no limit.
if [[ "$limit" =~ ^[0-9]+$ ]] && [ "${#limit}" -lt 16 ]; then
  erl_args+=" -rabbit total_memory_available_override_value $limit"
  printf '[entrypoint] memory limit %s bytes: the memory alarm is at 40 %% of it\n' "$limit" >&2
fi
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="${RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS:+$RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS }$erl_args"

exec /usr/lib/rabbitmq/bin/rabbitmq-server "$@"
