#!/usr/bin/env bash
# Fetch GraphiQL's assets only when they are missing or their pinned versions changed, so a
# second `make demo` starts in seconds. Without npm the page falls back to the CDN (and says so).
set -euo pipefail
cd "$(dirname "$0")/.."
marker=build/graphiql-assets/graphiql.min.js
if [ -f "$marker" ] && [ "$marker" -nt tools/graphiql/package-lock.json ]; then
  exit 0
fi
bash scripts/graphiql-assets.sh
