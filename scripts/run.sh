#!/usr/bin/env bash
# Install what is missing, build Deckhand and open it. Arguments go to the app.
#   ./scripts/run.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
scripts/setup.sh run
# shellcheck source=env.sh
source scripts/env.sh
# A debug build starts in a few seconds after the first (3-5 minute) compile; the keychain
# entries of a build from source are kept apart from an installed Deckhand's (".dev" suffix).
exec cargo run --locked -p deckhand -- "$@"
