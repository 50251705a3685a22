#!/usr/bin/env bash
# Makes a Node base image locally, for machines that reach Debian's and npm's package registries
# but no container registry (the official node image cannot be pulled there):
#
#   make base-image          # or: bash deploy/base-image.sh [IMAGE]; prints the image name last
#   make images NODE_IMAGE=localhost/tracing-demo/node:24.9.0-bookworm-slim CONTAINER_ENGINE=podman
#
# The image is shaped like the official node:<version>-bookworm-slim one (Debian bookworm
# minbase, node and npm in /usr/local, user `node` with uid 1000), so services/Dockerfile
# behaves the same on either. Node is the binary of the `node` devDependency (the version
# the tests run), npm the release that Node version ships with. Needs root (or user
# namespaces for mmdebstrap's unshare mode), mmdebstrap, and docker or podman.
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The npm bundled with Node 24.9.0; moves with the `node` devDependency.
NPM_VERSION=11.6.0

node_bin="$REPO_ROOT/node_modules/node/bin/node"
[ -x "$node_bin" ] || die "no Node binary at $node_bin: run 'make deps' first"
node_version="$("$node_bin" --version)"
node_version="${node_version#v}"
image="${1:-localhost/tracing-demo/node:$node_version-bookworm-slim}"

require_tools "deploy/base-image.sh" "${ENGINE[0]}" mmdebstrap

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
log "npm $NPM_VERSION from the npm registry"
(cd "$work" && npm pack --silent "npm@$NPM_VERSION" >/dev/null)

log "Debian bookworm minbase + node $node_version + npm $NPM_VERSION -> $image"
# Docs, man pages and locales are what "slim" leaves out; apt lists go with mmdebstrap's cleanup.
# No mirror argument: mmdebstrap's default Debian mirror, plus the updates and security suites.
# shellcheck disable=SC2016 # "$1" in a hook is the root directory, expanded by mmdebstrap's shell
mmdebstrap --variant=minbase --format=tar --quiet \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --customize-hook="install -m 0755 '$node_bin' \"\$1/usr/local/bin/node\"" \
  --customize-hook="mkdir -p \"\$1/usr/local/lib/node_modules/npm\" && tar -xzf '$work/npm-$NPM_VERSION.tgz' --strip-components=1 -C \"\$1/usr/local/lib/node_modules/npm\"" \
  --customize-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm"' \
  --customize-hook='ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
  --customize-hook='chroot "$1" groupadd --gid 1000 node' \
  --customize-hook='chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node' \
  bookworm "$work/rootfs.tar"

"${ENGINE[@]}" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$node_version" \
  --change 'CMD ["node"]' \
  "$work/rootfs.tar" "$image" >/dev/null
log "built $image"
echo "$image"
