#!/usr/bin/env bash
# Times the aggregate verb on the golden tape: all 15 golden timeframes in one invocation, run as a user runs it,
# `dotnet candles.dll aggregate` from the Release build (which is ReadyToRun, Candles.Host.csproj). Needs hyperfine
# (Debian package). For the ratio against DuckDB in one run, see `candles-load versus-duckdb` (docs/PERFORMANCE.md).
# Usage: infra/bench-aggregate.sh [runs]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-20}"
golden="${CANDLES_GOLDEN_DIR:-$root/../shared/golden/btcusdt}"
command -v hyperfine >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q hyperfine; }
dotnet build "$root/src/Candles.Host" -c Release >/dev/null
out="$(mktemp -d)"
hyperfine --warmup 3 --runs "$runs" \
  "dotnet $root/src/Candles.Host/bin/Release/net10.0/candles.dll aggregate --file $golden/trades.csv.gz --tick-size 0.01 --qty-step 0.00001 --tf 1m,3m,5m,7m,15m,30m,1h,90m,2h,4h,6h,12h,1d,1w,1M --out $out"
rm -rf "$out"
