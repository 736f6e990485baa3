#!/usr/bin/env bash
# The browser suite: the member's and the secretariat's journeys in headless
# Chromium against the real server binary, and every page through the W3C
# Nu HTML checker and axe-core. Installs what it needs when it is missing
# (as root, on Debian), builds the server, and exits non-zero when any check
# finds a problem. Screenshots, saved pages and the report's PDF go to
# target/browser/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

# Never let a tool fetch a browser of its own: the tests use Debian's.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

fail() {
  echo "error: $1" >&2
  exit 1
}

apt_updated=no
apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    return 1
  fi
  if [ "$apt_updated" = no ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
    apt_updated=yes
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if [ ! -x "$CHROMIUM" ]; then
  echo "== installing Debian's chromium"
  apt_install chromium chromium-driver || true
  [ -x "$CHROMIUM" ] ||
    fail "Chromium is missing at $CHROMIUM; install it with: apt-get update && apt-get install -y chromium chromium-driver (as root), or set CHROMIUM to a Chromium binary"
fi
if ! command -v java >/dev/null 2>&1; then
  echo "== installing a Java runtime for the Nu HTML checker"
  apt_install default-jre-headless || true
  command -v java >/dev/null 2>&1 ||
    fail "java is missing (the W3C Nu HTML checker runs on it); install it with: apt-get update && apt-get install -y default-jre-headless (as root)"
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  fail "Node.js 20 or later and npm are missing (Debian 12's nodejs is too old); install Node.js 20 with its npm"
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || fail "Node.js $(node --version) is too old: the tests need Node.js 20 or later"

if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/axe-core" ] || [ ! -f "$here/node_modules/vnu-jar/build/dist/vnu.jar" ]; then
  echo "== npm ci (playwright-core, axe-core, vnu-jar)"
  # No install scripts: vnu-jar's would fetch a Java runtime; the machine's java is used.
  (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund) ||
    fail "npm ci failed in tests/browser; it needs the npm registry (registry.npmjs.org)"
fi

echo "== cargo build (the server binary)"
cargo build --quiet --bin spam-survey
target="${CARGO_TARGET_DIR:-$repo/target}"
case "$target" in /*) ;; *) target="$repo/$target" ;; esac
export SPAM_SURVEY_BIN="$target/debug/spam-survey"
[ -x "$SPAM_SURVEY_BIN" ] || fail "the build did not leave $SPAM_SURVEY_BIN"

echo "== node --test (headless Chromium: journeys, HTML validity, accessibility)"
cd "$here"
node --test --test-concurrency=2
