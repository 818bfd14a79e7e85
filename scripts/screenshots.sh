#!/usr/bin/env bash
# Screenshots of each dashboard page at 1440 px wide on the demo organisation, into docs/screenshots/<page>.png.
#
# Not part of the app (nothing ships or tests it). It builds the app, starts it in Development on a new temporary data
# folder (XDG_DATA_HOME, so the first start loads the demo organisation and the app is open without sign-in), waits for
# /health/ready, captures each page full-height with Debian's Chromium driven by Playwright (the driver the test projects
# restore from NuGet; no browser is downloaded), then stops the app and removes the folder. The charts need the Blazor
# circuit (Radzen measures them in the browser), so each page is captured once every chart has drawn its series.
#
#   scripts/screenshots.sh                 # every page
#   PORT=5199 TEAM=payments MAX_HEIGHT=0 OUT=/tmp/shots scripts/screenshots.sh   # whole pages, elsewhere
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-5199}
TEAM=${TEAM:-payments}
MAX_HEIGHT=${MAX_HEIGHT:-2600}   # px; a longer page is cut there (0: never), to keep each PNG small
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
OUT=${OUT:-docs/screenshots}

[[ -x $CHROMIUM ]] || { echo "No Chromium at $CHROMIUM (apt-get install chromium); no browser is downloaded." >&2; exit 1; }
version=$(sed -n 's/.*Include="Microsoft.Playwright" Version="\([^"]*\)".*/\1/p' Directory.Packages.props)
driver="${NUGET_PACKAGES:-$HOME/.nuget/packages}/microsoft.playwright/$version/.playwright"
if [[ ! -d $driver/package ]]; then
  dotnet restore tests/Analytics.Web.Tests --nologo -v q
fi
[[ -d $driver/package ]] || { echo "Playwright $version's driver is not in the NuGet cache ($driver)." >&2; exit 1; }
node="$driver/node/linux-x64/node"
[[ -x $node ]] || node=node

dotnet build src/Analytics.Web --nologo -v q -c Debug
app_dir=src/Analytics.Web/bin/Debug/net10.0

data=$(mktemp -d)
app=
cleanup() {
  if [[ -n $app ]] && kill -0 "$app" 2>/dev/null; then
    kill "$app"; wait "$app" 2>/dev/null || true
  fi
  rm -rf "$data"
}
trap cleanup EXIT

base="http://127.0.0.1:$PORT"
echo "Starting the app on $base with its data in $data (the demo organisation loads on this first start)…"
XDG_DATA_HOME="$data" ASPNETCORE_ENVIRONMENT=Development \
  "$app_dir/analytics" --urls "$base" >"$data/app.log" 2>&1 &
app=$!

for _ in $(seq 1 900); do
  if curl -fsS -o /dev/null "$base/health/ready" 2>/dev/null; then break; fi
  if ! kill -0 "$app" 2>/dev/null; then echo "The app stopped:" >&2; tail -30 "$data/app.log" >&2; exit 1; fi
  sleep 2
done
curl -fsS -o /dev/null "$base/health/ready" || { echo "The app was not ready in 30 minutes." >&2; exit 1; }

mkdir -p "$OUT"
BASE="$base" TEAM="$TEAM" OUT="$OUT" MAX_HEIGHT="$MAX_HEIGHT" CHROMIUM="$CHROMIUM" PLAYWRIGHT="$driver/package" \
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 "$node" - <<'JS'
const { chromium } = require(process.env.PLAYWRIGHT);
const { BASE, TEAM, OUT, CHROMIUM } = process.env;
const maxHeight = Number(process.env.MAX_HEIGHT) || Infinity;
const team = encodeURIComponent(TEAM);
const pages = [
  ['overview', '/'],
  ['leadership', '/dashboards/leadership'],
  ['team', `/teams/${team}`],
  ['team-lead', `/dashboards/team-lead?team=${team}`],
  ['platform-pm', '/dashboards/platform-pm'],
  ['monthly-report', '/reports/monthly'],
];
(async () => {
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, locale: 'en-GB' });
  let failed = 0;
  for (const [name, path] of pages) {
    const page = await context.newPage();
    await page.setViewportSize({ width: 1440, height: 900 });
    const response = await page.goto(BASE + path, { waitUntil: 'networkidle', timeout: 120_000 });
    if (!response || !response.ok()) { console.error(`${path}: HTTP ${response && response.status()}`); failed++; continue; }
    // Loaded (no spinner), every chart drawn (an svg with a series path), and the content's height settled. The layout
    // scrolls inside .rz-body, not the document, so the window is made as high as that content (up to MAX_HEIGHT).
    await page.waitForFunction(() => !document.querySelector('.rz-progressbar-circular')
      && [...document.querySelectorAll('.rz-chart')].every(chart => chart.querySelector('svg path')), null, { timeout: 120_000 })
      .catch(() => { console.error(`${path}: still loading, or a chart not drawn, after 120 s`); failed++; });
    const contentHeight = () => page.evaluate(() => {
      const body = document.querySelector('.rz-body');
      return body ? Math.ceil(body.getBoundingClientRect().top + body.scrollHeight) : document.documentElement.scrollHeight;
    });
    let height = 0;
    for (let i = 0; i < 20; i++) {
      await page.waitForTimeout(500);
      const now = await contentHeight();
      if (now === height) break;
      height = now;
      await page.setViewportSize({ width: 1440, height: Math.min(height, maxHeight) });
    }
    const charts = await page.locator('.rz-chart').count();
    const file = `${OUT}/${name}.png`;
    await page.screenshot({ path: file });
    console.log(`${file}: ${path}, ${charts} charts, page ${height} px high${height > maxHeight ? `, cut at ${maxHeight}` : ''}`);
    await page.close();
  }
  await browser.close();
  process.exit(failed ? 1 : 0);
})().catch(error => { console.error(error); process.exit(1); });
JS
ls -l "$OUT"/*.png
