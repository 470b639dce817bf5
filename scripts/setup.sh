#!/usr/bin/env bash
# Installs everything xetrack-ts needs on a fresh machine, then builds every package.
# Safe to run again. Each setting is explained where it is made.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.4.2
# better-sqlite3 and sqlite3 compile from source here; node-gyp must use the installed Node headers,
# and pnpm 12 reads this only from the environment (not from .npmrc).
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
export TURBO_TELEMETRY_DISABLED=1

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION with npm (corepack cannot verify signatures here)"
  npm install --global "pnpm@$PNPM_VERSION"
fi

echo "setup: installing dependencies"
pnpm install --frozen-lockfile

echo "setup: building packages"
pnpm build
