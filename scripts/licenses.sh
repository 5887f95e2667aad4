#!/usr/bin/env bash
# Regenerate src-tauri/licenses/third-party.json, the list of third-party components and their
# licenses that the About view shows and the app ships: every crate compiled into Deckhand for
# Linux, macOS and Windows (build scripts' and tests' dependencies left out), with the text of
# its license. Run it after adding or updating a dependency; the test
# src-tauri/tests/third_party_licenses.rs fails until you do.
#
#   scripts/licenses.sh
#
# Installs cargo-about (pinned, from crates.io) into $DECKHAND_TOOLS once: a few minutes.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=env.sh
source scripts/env.sh

if ! cargo-about --version 2>/dev/null | grep -q '^cargo-about 0\.9\.'; then
  echo "licenses: installing cargo-about 0.9 into $DECKHAND_TOOLS (once)" >&2
  mkdir -p "$DECKHAND_TOOLS"
  CARGO_TARGET_DIR="$deckhand_cache/cargo-about-build" \
    cargo install cargo-about --version '~0.9' --locked --features cli --root "$DECKHAND_TOOLS" --quiet
  rm -rf "$deckhand_cache/cargo-about-build"
fi

out=src-tauri/licenses/third-party.json
cargo about generate --locked --manifest-path src-tauri/Cargo.toml \
  --config src-tauri/licenses/about.toml src-tauri/licenses/about.hbs --output-file "$out.tmp"
# Valid JSON, or keep the old file.
node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$out.tmp" 2>/dev/null ||
  python3 -m json.tool "$out.tmp" >/dev/null
mv "$out.tmp" "$out"
echo "licenses: wrote $out" >&2
