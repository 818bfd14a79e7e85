#!/usr/bin/env bash
# What the tests need beyond the .NET SDK, installed only when missing:
#   chromium          the real browser the Playwright tests drive (never a downloaded browser build);
#   fonts-dejavu-core fonts for ScottPlot's PNG/SVG exports and for screenshots (without them text vanishes).
# The chDB library is fetched by `analytics setup` (test.sh calls it after the build).
set -euo pipefail

missing=()
for package in chromium fonts-dejavu-core; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "Installing ${missing[*]} from Debian's packages…"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
