#!/usr/bin/env bash
# 200 concurrent GET /footprint?tf=1m&limit=5000 against a fresh embedded service holding the golden tape; prints RSS.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=$(mktemp -d)
DLL=${DLL:-src/Candles.Host/bin/Release/net10.0/candles.dll}
PORT=${PORT:-5391}
export Candles__Ingest__ApiKey=k
dotnet "$DLL" serve --urls http://127.0.0.1:$PORT --Candles:Silo:Simulator=false --Candles:Gateway:GrpcPort=$((PORT + 1)) --Logging:LogLevel:Default=Warning "$@" >${OUT}/serve.log 2>&1 &
PID=$!
trap 'kill $PID' EXIT
until curl -sf http://127.0.0.1:$PORT/api/v1/instruments >/dev/null; do sleep 0.2; done
dotnet "$DLL" replay --file ${TAPE:-../shared/golden/btcusdt/trades.csv.gz} --instrument BINANCE:BTCUSDT --tick-size 0.01 --qty-step 0.00001 --url http://127.0.0.1:$PORT --api-key k >/dev/null 2>&1
rss() { awk '/VmRSS/{printf "%d", $2/1024}' /proc/$PID/status; }
URL="http://127.0.0.1:$PORT/api/v1/footprint?instrument=BINANCE:BTCUSDT&tf=1m&limit=5000"
curl -s -o ${OUT}/one.json -w "one request: %{http_code}, %{size_download} bytes, %{time_total} s\n" "$URL"
echo "RSS after replay and one read: $(rss) MiB"
PEAK=0; ( while kill -0 $PID 2>/dev/null; do r=$(rss); echo $r; sleep 0.1; done ) > ${OUT}/samples &
SAMPLER=$!
START=$(date +%s.%N)
seq 200 | xargs -P 200 -I{} curl -s -o /dev/null -w "%{http_code}\n" "$URL" | sort | uniq -c
END=$(date +%s.%N)
echo "200 concurrent reads in $(awk "BEGIN{printf \"%.1f\", $END - $START}") s"
sleep 30
kill $SAMPLER
echo "peak RSS during the reads: $(sort -n ${OUT}/samples | tail -1) MiB; 30 s later: $(rss) MiB"
