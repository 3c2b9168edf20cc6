#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian 12 machine with the .NET SDK, then runs every test.
# Usage: infra/test.sh            (from the repository root or anywhere)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

"$root/infra/install-deps.sh"

dotnet restore Orleans.Candles.sln
dotnet build Orleans.Candles.sln -c Release --no-restore

log="$(mktemp)"
status=0
dotnet test Orleans.Candles.sln -c Release --no-build 2>&1 | tee "$log" || status=$?

# One closing line any CI can read: the totals of every test project's summary line.
awk '/(Passed|Failed)! +- Failed: /{gsub(",", ""); for(i=1;i<=NF;i++){if($i=="Failed:")f+=$(i+1); if($i=="Passed:")p+=$(i+1); if($i=="Skipped:")s+=$(i+1)}} END{printf "%d passed, %d failed, %d skipped\n", p, f, s}' "$log"
rm -f "$log"
exit $status
