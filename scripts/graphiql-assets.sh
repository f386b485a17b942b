#!/usr/bin/env bash
# Fetches the pinned GraphiQL, explorer plugin and React releases from the npm registry
# (tools/graphiql/package.json + package-lock.json) and copies the six files the gateway serves
# into build/graphiql-assets/. Never committed; `make demo` and the browser test run this.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/graphiql-assets
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is not installed: GraphiQL will load from the public CDN instead" >&2
  exit 0
fi
(cd tools/graphiql && npm ci --no-audit --no-fund --loglevel=error)
mkdir -p "$out"
modules=tools/graphiql/node_modules
cp "$modules/react/umd/react.production.min.js" "$out/"
cp "$modules/react-dom/umd/react-dom.production.min.js" "$out/"
cp "$modules/graphiql/graphiql.min.js" "$modules/graphiql/graphiql.min.css" "$out/"
cp "$modules/@graphiql/plugin-explorer/dist/index.umd.js" "$out/plugin-explorer.umd.js"
cp "$modules/@graphiql/plugin-explorer/dist/style.css" "$out/plugin-explorer.css"
echo "GraphiQL assets ready in $out"
