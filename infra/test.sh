#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian 12 machine with the .NET SDK, then runs every test.
# Usage: infra/test.sh            (from the repository root or anywhere)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

"$root/infra/install-deps.sh"

dotnet restore Orleans.Candles.sln
dotnet build Orleans.Candles.sln -c Release --no-restore

results="$root/TestResults"
rm -rf "$results"
status=0
dotnet test Orleans.Candles.sln -c Release --no-build --logger "trx" --results-directory "$results" || status=$?

# One closing line any CI can read: totals over every test project.
awk -F'"' '/<Counters /{for(i=1;i<NF;i++){if($i~/ passed=$/)p+=$(i+1); if($i~/ failed=$/)f+=$(i+1); if($i~/ notExecuted=$/)s+=$(i+1)}} END{printf "%d passed, %d failed, %d skipped\n", p, f, s}' "$results"/*.trx
exit $status
