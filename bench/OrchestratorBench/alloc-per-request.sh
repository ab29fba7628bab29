#!/bin/bash
# Allocations (and CPU) per request of the orchestrator under OrchestratorBench load, from the runtime's own counters:
# load-insensitive, unlike latency. Needs dotnet-counters (~/.dotnet/tools) and a Release build of the bench.
#
#   bench/OrchestratorBench/alloc-per-request.sh [path/Orchestrator.dll] [row: norag|stream|full|checked|exact] [concurrency]
#
# KB per request = the sum of dotnet.gc.heap.total_allocated over 25 s of load / the requests Kestrel counted meanwhile
# (the counter session's own allocations are included, alike for every build compared).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dll=${1:-$root/Orchestrator/bin/Release/net10.0/Orchestrator.dll}
row=${2:-norag}
concurrency=${3:-16}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet "$root/bench/OrchestratorBench/bin/Release/net10.0/OrchestratorBench.dll" --duration 40 --warmup 5 --orchestrator "$dll" \
    --only "$row" --concurrency "$concurrency" > "$work/bench.txt" 2>&1 &
bench=$!
sleep 14
pid=$(pgrep -f -- "$dll --urls" | head -1)
timeout 40 ~/.dotnet/tools/dotnet-counters collect -p "$pid" --counters "System.Runtime,Microsoft.AspNetCore.Hosting[total-requests]" \
    --duration 00:00:00:25 --refresh-interval 1 -o "$work/counters.csv" > /dev/null
wait "$bench"
grep -E "^(what|no retr|stream|full|checked|exact)" "$work/bench.txt"
python3 - "$work/counters.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))[1:]
allocated = [float(r[4]) for r in rows if r[2].startswith('dotnet.gc.heap.total_allocated')]
cpu = [float(r[4]) for r in rows if r[2].startswith('dotnet.process.cpu.time')]
requests = [float(r[4]) for r in rows if r[2] == 'Total Requests']
served, seconds = requests[-1] - requests[0], len(requests) - 1
print('%d requests in %d s: %.1f KB allocated per request, %.2f ms CPU per request (counters)'
      % (served, seconds, sum(allocated[-seconds:]) / served / 1024, sum(cpu[-2 * seconds:]) / served * 1000))
PY
