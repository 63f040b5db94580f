#!/usr/bin/env bash
# The package as users install it: packs the tarball, lints its metadata (publint
# --strict, attw with the ES-modules-only profile), installs it into fresh projects and
#  - type-checks test-package/ (code mixing every entry, a CommonJS .cts, each README
#    snippet as written) with TypeScript 6 and 7, moduleResolution nodenext and bundler
#    (TypeScript 7 with nodenext also checks the package's own .d.ts files);
#  - require()s every entry (ES modules only: Node >= 20.19 loads them synchronously);
#  - runs a flow with worker threads whose worker module imports genstage/worker;
#  - loads every entry without its optional peers: the core, web, node and testing load,
#    and rxjs, ix and redis fail naming the package to install.
# Uses dist/ as built (builds it if absent) and the npm cache; about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/genstage-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false npm_config_loglevel=error

[ -f dist/index.js ] || npm run build
tarball=$work/$(npm pack --ignore-scripts --silent --pack-destination "$work" | tail -n 1)

echo '== README links work on the registry (absolute, or to a heading)'
if grep -nE '\]\((\.{0,2}/)?[A-Za-z0-9_.-]+/[^)]*\)' README.md | grep -vE '\]\((https?:|#)'; then
  echo 'README.md: the links above are relative to the repository; the registry shows them broken (use https://github.com/genstage/genstage/blob/main/...)' >&2
  exit 1
fi

echo '== publint --strict'
npx --no-install publint run "$tarball" --strict
echo '== attw --profile esm-only'
npx --no-install attw "$tarball" --profile esm-only --no-color --no-emoji

echo "== types: TypeScript 6 and 7, nodenext and bundler (packed in $SECONDS s)"
mkdir "$work/types"
cp -r test-package/src test-package/tsconfig.*.json "$work/types/"
node test-package/readme-snippets.mjs README.md "$work/types/readme"
cd "$work/types"
echo '{ "private": true, "type": "module" }' > package.json
start=$SECONDS
npm install --prefer-offline --no-package-lock "$tarball" 'rxjs@^7.8.0' 'ix@^7.0.0' 'redis@^6.0.0' '@types/node@^20.19.0' \
  'ts6@npm:typescript@~6.0.0' 'ts7@npm:typescript@^7.0.0' >/dev/null
echo "-- installed the tarball, its peers and TypeScript 6 and 7 ($((SECONDS - start)) s)"
for tsc in ts6 ts7; do
  for config in nodenext bundler; do
    start=$SECONDS
    # The package's own .d.ts files are checked once, by the fast (native) TypeScript 7
    # under nodenext (skipLibCheck false there); TypeScript 6 checks the user code.
    "node_modules/$tsc/bin/tsc" -p "tsconfig.$config.json" $([ "$tsc" = ts6 ] && echo --skipLibCheck)
    echo "-- $("node_modules/$tsc/bin/tsc" --version), $config: 0 errors ($((SECONDS - start)) s)"
  done
done

echo "== runtime: require() of every entry, its peers installed ($SECONDS s)"
node --input-type=commonjs -e '
  const { exports } = require("genstage/package.json");
  for (const subpath of Object.keys(exports).filter((s) => s !== "./package.json")) {
    const entry = "genstage" + subpath.slice(1);
    if (Object.keys(require(entry)).length === 0) throw new Error(entry + " has no exports");
  }
  console.log("require() loaded " + (Object.keys(exports).length - 1) + " entries");
'

echo "== runtime: a flow with worker threads, its worker module importing genstage/worker ($SECONDS s)"
cp "$root/test-package/worker-flow.mjs" "$root/test-package/count-words.worker.mjs" .
node worker-flow.mjs

echo "== runtime: every entry without the optional peers ($SECONDS s)"
mkdir "$work/bare"
cd "$work/bare"
echo '{ "private": true, "type": "module" }' > package.json
# genstage has no dependencies: its installed copy is the whole install.
mkdir node_modules && cp -r "$work/types/node_modules/genstage" node_modules/
cp "$root/test-package/missing-peers.mjs" .
node missing-peers.mjs
echo "package check ok ($SECONDS s)"
