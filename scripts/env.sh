# Sourced by setup.sh, run.sh and test.sh: where Deckhand's hand-installed tools live.
# Tools installed by hand (tauri-driver, Node when apt's is too old) live outside the clone so
# a new clone reuses them. CI points DECKHAND_CACHE_DIR at /var/tmp/deckhand-ci.
deckhand_cache=${DECKHAND_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/deckhand}
export DECKHAND_TOOLS=${DECKHAND_TOOLS:-$deckhand_cache/tools}
export PATH="$DECKHAND_TOOLS/bin:$DECKHAND_TOOLS/node/bin:$HOME/.cargo/bin:$PATH"

# The UI tests start $CHROMIUM (default /usr/bin/chromium). Ubuntu has it only as a snap.
if [ -z "${CHROMIUM:-}" ]; then
  for c in /usr/bin/chromium /snap/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
    if [ -x "$c" ]; then export CHROMIUM=$c; break; fi
  done
fi

# Run a command as root: directly in CI, through sudo for a person.
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "need root for: $*  (install sudo or run as root)" >&2; return 1; fi
}
