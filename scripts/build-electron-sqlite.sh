#!/usr/bin/env bash
# Builds better-sqlite3 for Electron's ABI into native/electron-v<ABI>-<platform>-<arch>/,
# which the app loads through better-sqlite3's `nativeBinding` option. Needs network access
# (Electron's headers) and a C++ toolchain; run it on a build machine, not in CI here.
#
# It builds in a scratch copy of the package, never in node_modules, so the Node build that
# the CLI and the tests use stays intact (electron-builder install-app-deps would replace it).
set -euo pipefail
cd "$(dirname "$0")/.."

electron_version=$(node -p "require('electron/package.json').version")
abi=$(node -p "try { require('node-abi').getAbi('$electron_version', 'electron') } catch { '' }")
if [ -z "$abi" ]; then
  echo "Cannot tell Electron ${electron_version}'s ABI (node-abi missing); pass it: ABI=150 $0" >&2
  abi=${ABI:?}
fi
platform=$(node -p process.platform)
arch=$(node -p process.arch)
target="native/electron-v${abi}-${platform}-${arch}"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -R node_modules/better-sqlite3 "$scratch/"
cd "$scratch/better-sqlite3"
# ~/.npmrc may set nodedir=/usr, which would make node-gyp build for Node's ABI instead.
unset npm_config_nodedir
npx --yes node-gyp rebuild --release \
  --runtime=electron --target="$electron_version" --dist-url=https://electronjs.org/headers
cd - >/dev/null
mkdir -p "$target"
cp "$scratch/better-sqlite3/build/Release/better_sqlite3.node" "$target/"
echo "Built $target/better_sqlite3.node for Electron $electron_version (ABI $abi)"
