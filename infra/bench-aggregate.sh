#!/usr/bin/env bash
# Times the aggregate verb on the golden tape: all 15 golden timeframes in one invocation, with the
# executable published ReadyToRun (as a deployment runs it). Needs hyperfine (Debian package).
# Usage: infra/bench-aggregate.sh [runs]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-20}"
golden="${CANDLES_GOLDEN_DIR:-$root/../shared/golden/btcusdt}"
command -v hyperfine >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q hyperfine; }
dotnet publish "$root/src/Candles.Host" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$root/out/bench" >/dev/null
out="$(mktemp -d)"
hyperfine --warmup 3 --runs "$runs" \
  "$root/out/bench/candles aggregate --file $golden/trades.csv.gz --tick-size 0.01 --qty-step 0.00001 --tf 1m,3m,5m,7m,15m,30m,1h,90m,2h,4h,6h,12h,1d,1w,1M --out $out"
rm -rf "$out"
