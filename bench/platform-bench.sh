#!/usr/bin/env bash
# The platform benchmark in one command: installs the Portkey peer (npm ci), builds AiAspire and the benchmark in
# Release, and runs bench/PlatformBench, which prints one Markdown table. Options go to the benchmark
# (e.g. --duration 2 --warmup 1 --concurrency 1,16 for a smoke run, --soak for the 10-minute memory run; --help).
# --topology services|colocated|both (default both) picks AiAspire's layouts: as separate services, and co-located
# (guard and router engines in the orchestrator's process, rows labelled "… colocated"); each layout is started on its
# own, after the previous one has stopped, and measured against the same direct and Portkey rows (measured once).
# --soak runs one layout: services unless --topology colocated.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
portkey="$root/bench/PlatformBench/portkey"

command -v node >/dev/null || { echo "Node.js is needed for the Portkey gateway (apt-get install -y nodejs npm)." >&2; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server is needed for AiAspire's local profile (apt-get install -y redis-server)." >&2; exit 1; }

if [[ ! -f "$portkey/node_modules/@portkey-ai/gateway/build/start-server.js" \
   || "$portkey/package-lock.json" -nt "$portkey/node_modules/.package-lock.json" ]]; then
  echo "Installing the Portkey gateway (npm ci)…" >&2
  (cd "$portkey" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
fi

echo "Building AiAspire and the benchmark (Release)…" >&2
dotnet build "$root/bench/PlatformBench" -c Release --nologo -v quiet "-clp:ErrorsOnly;NoSummary" >&2

exec dotnet "$root/bench/PlatformBench/bin/Release/net10.0/PlatformBench.dll" "$@"
