#!/usr/bin/env bash
# Packs every published @xetrack package (private ones are skipped) into dist-tarballs/ (or $1), as
# `pnpm publish` would ship them: `workspace:^` dependencies become the packed versions' ranges.
# Build first (`pnpm build`): the tarballs hold dist/. How to install them: docs/install.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mkdir -p "${1:-$root/dist-tarballs}" && cd "${1:-$root/dist-tarballs}" && pwd)"
rm -f "$out"/*.tgz "$out/overrides.json"

overrides=()
for manifest in "$root"/packages/*/package.json "$root"/apps/*/package.json; do
  dir="$(dirname "$manifest")"
  read -r name private < <(node -e 'const p = require(process.argv[1]); console.log(p.name, p.private === true)' "$manifest")
  if [ "$private" = true ]; then continue; fi
  if [ ! -d "$dir/dist" ]; then
    echo "pack.sh: $name has no dist/ (run pnpm build first)" >&2
    exit 1
  fi
  file="$(cd "$dir" && pnpm pack --pack-destination "$out" --json | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).filename))')"
  overrides+=("\"$name\": \"file:$out/$(basename "$file")\"")
  echo "packed $name -> $(basename "$file")"
done

# Point every @xetrack range at its tarball: paste into package.json "overrides" (npm) or
# pnpm-workspace.yaml "overrides:" (pnpm), so nothing @xetrack is fetched from a registry.
{
  echo '{'
  for i in "${!overrides[@]}"; do
    sep=','; [ "$i" -eq $((${#overrides[@]} - 1)) ] && sep=''
    echo "  ${overrides[$i]}$sep"
  done
  echo '}'
} > "$out/overrides.json"
echo "wrote $out/overrides.json"
