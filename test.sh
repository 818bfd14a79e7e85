#!/usr/bin/env bash
# Runs every test: installs the prerequisites (chromium, fonts, the chDB engine), builds, runs
# `dotnet test` on the whole solution and ends with one line of totals.
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-test-prerequisites.sh
dotnet build Analytics.sln -c Release -nologo -clp:ErrorsOnly
dotnet src/Analytics.Web/bin/Release/net10.0/analytics.dll setup

mkdir -p artifacts
log=artifacts/test-output.log
set +e
dotnet test Analytics.sln -c Release --no-build -nologo --logger trx --results-directory artifacts/test-results 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Each test assembly prints "Passed!|Failed!  - Failed: F, Passed: P, Skipped: S, Total: T"; add them up.
awk '/^(Passed|Failed)!  - Failed:/ {
       gsub(",", "");
       for (i = 1; i <= NF; i++) {
         if ($i == "Failed:") failed += $(i + 1);
         if ($i == "Passed:") passed += $(i + 1);
         if ($i == "Skipped:") skipped += $(i + 1);
       }
       assemblies++
     }
     END {
       if (assemblies == 0) { print "No test assembly reported results."; exit 1 }
       printf "Tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped
     }' "$log" > artifacts/test-totals.txt || { cat artifacts/test-totals.txt; exit 1; }
cat artifacts/test-totals.txt
exit "$status"
