#!/usr/bin/env bash
# `pnpm test`: the tests of every package, carrying on past a red one so one failure hides nothing,
# then the one line CI reads ("N passed, N failed", from scripts/test-summary.mjs). Exits non-zero
# when a test failed or a package left no report (its build failed, or its tests could not start).
set -uo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

# A report left by an earlier run must not stand in for a package that did not run this time
# (turbo puts a cached package's report back itself).
rm -f lint-result.txt packages/*/test-results.json apps/*/test-results.json tests/*/test-results.json examples/test-results.json

# Formatting and lint errors (Biome) first: its verdict is one line of the summary, and it never stops
# the tests. Warnings are left to `pnpm lint`.
if pnpm exec biome ci . --diagnostic-level=error; then echo passed > lint-result.txt; else echo failed > lint-result.txt; fi

# dependencies-successful: a package whose build failed has no tests to run; the summary counts it.
pnpm exec turbo run test --concurrency=1 --continue=dependencies-successful "$@"
status=$?
node scripts/test-summary.mjs || status=1
exit $status
