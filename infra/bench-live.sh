#!/usr/bin/env bash
# Live delivery under load: a fresh embedded service (coalescing off, live updates at every commit), then the load
# tool's `live` verb against it on this machine: ticks in over gRPC, WebSocket clients out, tick-to-client latency.
# Needs `dotnet build -c Release` first. CANDLES_BENCH_ROOT runs another checkout's build (a before/after pair).
# Usage: infra/bench-live.sh [load options...]     e.g. infra/bench-live.sh --instruments 100 --rate 100000 --clients 1000 --seconds 20
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CANDLES_BENCH_ROOT:-$root}"
port="${CANDLES_BENCH_PORT:-5098}"
grpc=$((port + 1))
Candles__Ingest__ApiKey=bench dotnet "$build/src/Candles.Host/bin/Release/net10.0/candles.dll" serve --urls "http://127.0.0.1:$port" \
  --Candles:Gateway:GrpcPort=$grpc --Candles:Silo:Simulator=false --Candles:Gateway:MaxUpdatesPerSecond=0 \
  --Candles:Symbols:UpdatePeriod=00:00:00.010 ${CANDLES_BENCH_SERVE:-} >/dev/null 2>&1 &
service=$!
trap 'kill $service 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -sf -o /dev/null "http://127.0.0.1:$port/api/v1/instruments" && break; sleep 0.1; done
dotnet "$root/tests/Candles.LoadTool/bin/Release/net10.0/candles-load.dll" live --url "http://127.0.0.1:$port" --grpc "http://127.0.0.1:$grpc" \
  --api-key bench --server-pid "$service" "$@"
