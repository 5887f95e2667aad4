#!/usr/bin/env bash
# Build Deckhand's installable packages for this computer and print where they are.
#
#   ./scripts/package.sh             # everything this system can build:
#                                    #   Linux .deb and .rpm, macOS .app and .dmg,
#                                    #   Windows (Git Bash) .msi and the NSIS setup .exe
#   ./scripts/package.sh deb         # only some of them (deb rpm app dmg msi nsis)
#
# The last lines of the output are the packages' paths, one per line. Before them: each
# package's size, the size of the app binary inside, and how long the build took.
#
# It installs what it needs and is missing: the build packages (scripts/setup.sh), Rust, and
# tauri-cli 2.x from crates.io into $DECKHAND_TOOLS (once, a few minutes; shared with any clone).
# On Linux it needs nothing else from the internet. No AppImage: tauri-cli downloads its tools
# from GitHub for that. Safe to run again: the release build is incremental.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
say() { echo "package: $*" >&2; }

case "$(uname -s)" in
  Linux) all="deb rpm"; scripts/setup.sh run ;;
  Darwin) all="app dmg" ;;
  MINGW* | MSYS* | CYGWIN*) all="msi nsis" ;;
  *) say "unknown system $(uname -s)"; exit 2 ;;
esac
# shellcheck source=env.sh
source scripts/env.sh
bundles=${*:-$all}

# tauri-cli, built once into the shared tools folder. A debug build of it: it compiles in well
# under half the time of a release build and bundles just as well (measured: README).
# One install at a time: another clone (or CI job) may be installing it right now.
install_tauri_cli() {
  cargo-tauri --version 2>/dev/null | grep -q '^tauri-cli 2\.' && return 0
  mkdir -p "$DECKHAND_TOOLS"
  if command -v flock >/dev/null; then
    exec 9>"$DECKHAND_TOOLS/.tauri-cli.lock"
    flock 9
    if cargo-tauri --version 2>/dev/null | grep -q '^tauri-cli 2\.'; then exec 9>&-; return 0; fi
  fi
  say "installing tauri-cli 2 into $DECKHAND_TOOLS (once, a few minutes)"
  local t0=$SECONDS
  CARGO_PROFILE_DEV_DEBUG=0 CARGO_TARGET_DIR="$deckhand_cache/tauri-cli-build" \
    cargo install tauri-cli --version '^2' --locked --debug --root "$DECKHAND_TOOLS" --quiet
  rm -rf "$deckhand_cache/tauri-cli-build"
  say "tauri-cli installed in $((SECONDS - t0)) s"
  if command -v flock >/dev/null; then exec 9>&-; fi
}
install_tauri_cli

target_dir=${CARGO_TARGET_DIR:-$ROOT/target}
bundle_dir=$target_dir/release/bundle
mkdir -p "$bundle_dir"
# Packages of earlier runs stay in bundle_dir; only those this run writes are printed.
marker=$(mktemp "$bundle_dir/.started.XXXXXX")
trap 'rm -f "$marker"' EXIT

say "building $bundles (release)"
t0=$SECONDS
# --ci: never wait for a key press. The binary is built and stripped by the release profile
# in Cargo.toml.
cargo tauri build --ci --bundles "$(echo "$bundles" | tr ' ' ',')"
elapsed=$((SECONDS - t0))

packages=()
while IFS= read -r p; do packages+=("$p"); done < <(
  find "$bundle_dir" -mindepth 2 -maxdepth 2 -newer "$marker" \
    \( -name '*.deb' -o -name '*.rpm' -o -name '*.dmg' -o -name '*.app' -o -name '*.msi' -o -name '*-setup.exe' \) | sort)
if [ ${#packages[@]} -eq 0 ]; then say "no package was written"; exit 1; fi

size() { if [ -d "$1" ]; then du -sk "$1" | awk '{ print $1 * 1024 }'; else wc -c <"$1" | tr -d ' '; fi; }
mb() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1000000 }'; }
binary=$target_dir/release/deckhand
[ -f "$binary.exe" ] && binary=$binary.exe
echo "built in ${elapsed} s"
echo "app binary: $(size "$binary") bytes ($(mb "$(size "$binary")")) $binary"
for p in "${packages[@]}"; do echo "package: $(size "$p") bytes ($(mb "$(size "$p")")) $(basename "$p")"; done
for p in "${packages[@]}"; do echo "$p"; done
