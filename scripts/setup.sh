#!/usr/bin/env bash
# Install what Deckhand needs and is missing, and nothing else. Safe to run again and again.
#
#   scripts/setup.sh run    # build and run the app: compiler, GTK/WebKit headers, Rust
#   scripts/setup.sh test   # also everything the tests use: Xvfb, WebKitWebDriver, gnome-keyring,
#                           # Chromium, Node 20+, tauri-driver
#
# Debian 12 and Ubuntu 22.04+ (apt). Works as root (CI) or through sudo (a developer).
set -euo pipefail

mode=${1:-run}
export DEBIAN_FRONTEND=noninteractive

# shellcheck source=env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cache=$deckhand_cache
mkdir -p "$DECKHAND_TOOLS/bin"

say() { echo "setup: $*" >&2; }

# Tauri's documented Linux build list (measured complete on a minimal Debian 12).
run_pkgs=(build-essential pkg-config libssl-dev libdbus-1-dev
  libwebkit2gtk-4.1-dev libjavascriptcoregtk-4.1-dev libgtk-3-dev libsoup-3.0-dev
  libayatana-appindicator3-dev librsvg2-dev libxdo-dev ca-certificates curl xz-utils)
# Headless testing: a virtual X server, a session bus with a real Secret Service, a kernel
# session keyring, WebKit's WebDriver for the real app and Chromium for the page alone; for the
# installed package: its menu entry's checker, rpm to read the .rpm, and X tools to find,
# move and resize its window and read the clipboard.
test_pkgs=(xvfb xauth dbus dbus-x11 at-spi2-core fonts-dejavu-core
  webkit2gtk-driver gnome-keyring keyutils libsecret-tools
  desktop-file-utils rpm xdotool xclip x11-utils)

# Debian ships Chromium as a .deb; Ubuntu only as a snap (handled below).
distro=$(. /etc/os-release 2>/dev/null && echo "${ID:-} ${ID_LIKE:-}")
case " $distro " in *" ubuntu "*) ubuntu=1 ;; *) ubuntu=0; test_pkgs+=(chromium) ;; esac

install_apt() {
  command -v dpkg-query >/dev/null || { say "no apt/dpkg here: install the packages listed in README.md by hand"; return 0; }
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_rust() {
  if command -v cargo >/dev/null; then return 0; fi
  say "installing Rust (rustup, stable, minimal profile) into ~/.cargo"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --no-modify-path
}

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

install_node() {
  [ "$(node_major)" -ge 20 ] && return 0
  # apt's nodejs is 18 on Debian 12 and Ubuntu 22.04/24.04: take the official 20 LTS build.
  local arch ver base file
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) say "install Node 20+ by hand"; return 1 ;; esac
  base=https://nodejs.org/dist/latest-v20.x
  file=$(curl -fsSL "$base/SHASUMS256.txt" | awk -v a="linux-$arch.tar.xz" '$2 ~ a"$" {print $2}')
  say "installing $file into $DECKHAND_TOOLS/node"
  local tmp; tmp=$(mktemp -d)
  curl -fsSL "$base/$file" -o "$tmp/$file"
  (cd "$tmp" && curl -fsSL "$base/SHASUMS256.txt" | grep " $file\$" | sha256sum -c --quiet)
  rm -rf "$DECKHAND_TOOLS/node" && mkdir -p "$DECKHAND_TOOLS/node"
  tar -xJf "$tmp/$file" -C "$DECKHAND_TOOLS/node" --strip-components=1
  rm -rf "$tmp"
}

install_chromium() {
  [ -n "${CHROMIUM:-}" ] || [ "$ubuntu" = 0 ] && return 0   # found by env.sh, or apt's
  if command -v snap >/dev/null; then
    say "installing Chromium from snap (Ubuntu has no Chromium .deb)"
    as_root snap install chromium
  else
    say "no Chromium found: install it and set CHROMIUM=/path/to/chromium"; return 1
  fi
}

install_tauri_driver() {
  command -v tauri-driver >/dev/null && return 0
  say "building tauri-driver 2 into $DECKHAND_TOOLS (about a minute, once)"
  # Its own target dir: never mixed with (or cleaned by) the project's build.
  CARGO_TARGET_DIR="$cache/tauri-driver-build" \
    cargo install tauri-driver --version '^2' --locked --root "$DECKHAND_TOOLS" --quiet
  rm -rf "$cache/tauri-driver-build"
}

case "$mode" in
  run) install_apt "${run_pkgs[@]}"; install_rust ;;
  test)
    install_apt "${run_pkgs[@]}" "${test_pkgs[@]}"
    install_rust; install_node; install_chromium; install_tauri_driver ;;
  *) say "usage: scripts/setup.sh run|test"; exit 2 ;;
esac
