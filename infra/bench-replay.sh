#!/usr/bin/env bash
# Replay throughput: a tape (default the golden one) into a fresh embedded service, client and service on this
# machine, with the executable published ReadyToRun (as a deployment runs it). Prints the replay's closing line
# per run. A longer tape: `candles-load tape --days 5 --trades-per-day 1000000 --out /tmp/big.csv.gz`, then
# CANDLES_BENCH_TAPE=/tmp/big.csv.gz.
# Usage: infra/bench-replay.sh [runs] [extra serve options...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-3}"
shift || true
tape="${CANDLES_BENCH_TAPE:-${CANDLES_GOLDEN_DIR:-$root/../shared/golden/btcusdt}/trades.csv.gz}"
port="${CANDLES_BENCH_PORT:-5099}"
dotnet publish "$root/src/Candles.Host" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$root/out/bench" >/dev/null
for run in $(seq 1 "$runs"); do
  Candles__Ingest__ApiKey=bench "$root/out/bench/candles" serve --urls "http://127.0.0.1:$port" --Candles:Silo:Simulator=false "$@" >/dev/null 2>&1 &
  service=$!
  trap 'kill $service 2>/dev/null || true' EXIT
  for _ in $(seq 1 200); do curl -sf -o /dev/null "http://127.0.0.1:$port/api/v1/instruments" && break; sleep 0.1; done
  "$root/out/bench/candles" replay --file "$tape" --instrument BENCH:REPLAY --tick-size 0.01 --qty-step 0.00001 \
    --url "http://127.0.0.1:$port" --api-key bench 2>/dev/null | tail -1
  kill "$service"; wait "$service" 2>/dev/null || true
done
