# shellcheck shell=bash
# The preamble every script shares: source it first, before anything else runs.
#   source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
# Strict mode, so a failed command or an unset variable stops the script where it happened.
set -euo pipefail

# shellcheck disable=SC2034 # used by the scripts that source this file
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Messages go to stderr, tagged with the script's folder (deploy, cluster, tools, …) so the
# output of one make target that runs several scripts says who spoke; a script may set LOG_TAG.
LOG_TAG="${LOG_TAG:-$(basename "$(cd "$(dirname "$0")" && pwd)")}"

log() { printf '[%s] %s\n' "$LOG_TAG" "$*" >&2; }

die() {
  printf '[%s] ERROR: %s\n' "$LOG_TAG" "$*" >&2
  exit 1
}
