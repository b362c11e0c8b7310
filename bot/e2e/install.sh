#!/usr/bin/env bash
# Installs the Telegram Bot API emulator (npm package telegram-test-api
# 4.2.1) that the end-to-end tests of bot/e2e run planbot serve against.
# Idempotent: does nothing when the pinned version is already installed.
# The tests look for it in bot/e2e/testdata/node_modules, or in the
# node_modules folder named by PLANBOT_E2E_NODE_MODULES.
set -euo pipefail

dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/testdata"
want=4.2.1
pkg="$dir/node_modules/telegram-test-api/package.json"

if [[ -f "$pkg" ]] && grep -q "\"version\": \"$want\"" "$pkg"; then
  echo "telegram-test-api $want already installed in $dir/node_modules"
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "install.sh: npm not found; install Node.js and npm first" >&2
  exit 1
fi
cd "$dir"
if [[ -f package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi
echo "telegram-test-api $want installed in $dir/node_modules"
