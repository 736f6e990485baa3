#!/usr/bin/env bash
# The whole test suite, as the README gives it: formatting, lints, then every
# test. Installs what the tests need when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "error: cargo is missing; install Rust from https://rustup.rs (rustup installs cargo, rustfmt and clippy)" >&2
  exit 1
fi
for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    if command -v rustup >/dev/null 2>&1; then
      rustup component add "$component"
    else
      echo "error: cargo $component is missing; install it with: rustup component add $component" >&2
      exit 1
    fi
  fi
done

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets --quiet -- -D warnings
echo "== spam-survey check (the bundled questionnaire definitions)"
cargo run --quiet -- check
# The mail tests talk to a real SMTP server on 127.0.0.1: aiosmtpd.
if ! python3 -c "import aiosmtpd" >/dev/null 2>&1 && ! /usr/bin/python3 -c "import aiosmtpd" >/dev/null 2>&1; then
  echo "== installing aiosmtpd (the SMTP server of the mail tests)"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd >/dev/null || true
  fi
  if ! /usr/bin/python3 -c "import aiosmtpd" >/dev/null 2>&1; then
    python3 -m pip install --quiet aiosmtpd || python3 -m pip install --quiet --break-system-packages aiosmtpd
  fi
fi
echo "== cargo test"
cargo test --all-targets --quiet
echo "== the demo report recounted from the exports with pandas (members only)"
if ! python3 -c "import pandas" >/dev/null 2>&1; then
  python3 -m pip install --quiet pandas || python3 -m pip install --quiet --break-system-packages pandas
fi
cargo build --quiet
python3 tests/recount/recount.py "${CARGO_TARGET_DIR:-target}/debug/spam-survey"
echo "== the published demo edition read back with pandas, openpyxl and the Frictionless validator"
for module in frictionless openpyxl pandas; do
  if ! python3 -c "import $module" >/dev/null 2>&1; then
    python3 -m pip install --quiet "$module" || python3 -m pip install --quiet --break-system-packages "$module"
  fi
done
python3 tests/publication/check.py "${CARGO_TARGET_DIR:-target}/debug/spam-survey"
echo "== browser tests (headless Chromium, the Nu HTML checker, axe-core)"
bash tests/browser/run.sh
