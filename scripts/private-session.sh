#!/usr/bin/env bash
# Run a command in a throwaway desktop session, so tests (or a trial run of the app) never touch
# your own keyring, settings or decks:
#   - a private D-Bus session bus with its own gnome-keyring Secret Service, unlocked;
#   - a fresh kernel session keyring (keyring's keyutils cache needs one: `keyctl session -`);
#   - XDG data/config/cache/runtime folders in a temp dir that is deleted afterwards.
#
#   scripts/private-session.sh cargo test --workspace --test real_keychain
set -euo pipefail

tmp=$(mktemp -d "${TMPDIR:-/tmp}/deckhand-session.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/runtime" "$tmp/data" "$tmp/cache" "$tmp/config"
chmod 700 "$tmp/runtime"
# A private XDG_RUNTIME_DIR keeps gnome-keyring from finding (and talking to) a keyring daemon
# the person already runs.
export XDG_RUNTIME_DIR=$tmp/runtime XDG_DATA_HOME=$tmp/data XDG_CACHE_HOME=$tmp/cache XDG_CONFIG_HOME=$tmp/config
unset DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL

# The password on stdin creates and unlocks a new "login" keyring under $XDG_DATA_HOME/keyrings.
# dbus-daemon's "Failed to set fd limit" warning when not root is harmless.
dbus-run-session -- bash -c '
  printf %s deckhand-test-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec keyctl session - "$@" ' private-session "$@"
