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

# The real Backstage backend (catalog + scaffolder from npm) the Backstage source's tests start on loopback
# (tests/backstage-backend); without Node.js those tests are skipped, saying so. better-sqlite3 builds from source
# when no prebuilt binary can be fetched (a few minutes, once).
backstage_backend="$(dirname "$0")/../tests/backstage-backend"
if command -v npm >/dev/null 2>&1; then
  if [ ! -d "$backstage_backend/node_modules/@backstage/plugin-catalog-backend" ]; then
    echo "Installing the Backstage test backend (npm ci)…"
    (cd "$backstage_backend" && npm ci --no-audit --no-fund >/dev/null)
  fi
  # GitHub's published webhook examples, the envelopes of the simulated GitHub's webhook deliveries (9 MB of JSON).
  webhook_examples="$(dirname "$0")/../tests/github-webhook-examples"
  if [ ! -f "$webhook_examples/node_modules/@octokit/webhooks-examples/api.github.com/index.json" ]; then
    echo "Installing GitHub's webhook examples (npm ci)…"
    (cd "$webhook_examples" && npm ci --no-audit --no-fund >/dev/null)
  fi
else
  echo "npm not found: the Backstage source tests will be skipped (install Node.js 20 to run them)." >&2
fi
