#!/usr/bin/env bash
# Deckhand's benchmarks, each side by side with its baseline in the same run, written to
# bench/results.md (how to read it is at its top) and bench/results.json (every figure).
#
#   ./scripts/bench.sh                     every benchmark (about 9 minutes on 2 cores once built)
#   ./scripts/bench.sh poll start          only these: poll download start many history sizes
#   ./scripts/bench.sh --reps 5 download   repetitions (default: poll 5, download 3, start 5)
#
# It builds what it needs in release mode first (the first time: the release build of the app,
# the bare Tauri window it is compared with, the packages; later runs reuse them), then:
#   poll      service done → file on disk, and status requests per deck: Deckhand's schedule
#             against polling every 5 s and every 2 s, on the fake servers in scaled time
#   download  the same 1 GiB file over loopback: Deckhand's download path against curl -o
#   start     window mapped, page ready, RSS and PSS: Deckhand (empty, and with 2,000 decks)
#             against the bare window (bench/bare-window), under Xvfb
#   many      200 decks waiting on a slow service: app CPU, events to the window, a click's time
#   history   bench/journal.sh (the deck history's own benchmark), when this checkout has it
#   sizes     release binary, stripped binary, .deb and .rpm against the bare window's
# Results of benchmarks not selected are left out of the report. Nothing here is a test: it
# fails only when a benchmark cannot run, never on a figure.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
say() { echo "bench: $*" >&2; }

all=(poll download start many history sizes)
selected=()
reps=""
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps=${2:?--reps needs a number}; shift 2 ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    poll | download | start | many | history | sizes) selected+=("$1"); shift ;;
    *) say "unknown argument $1 (see --help)"; exit 2 ;;
  esac
done
[ ${#selected[@]} -eq 0 ] && selected=("${all[@]}")
wants() { local b; for b in "${selected[@]}"; do [ "$b" = "$1" ] && return 0; done; return 1; }
reps_or() { echo "${reps:-$1}"; }

if ! scripts/setup.sh test; then say "setup failed"; exit 1; fi
# shellcheck source=env.sh
source scripts/env.sh
export CARGO_TERM_COLOR=never NO_COLOR=1
if [ -n "${DECKHAND_CACHE_DIR:-}" ] && [ -z "${CARGO_TARGET_DIR:-}" ]; then
  export CARGO_TARGET_DIR=$DECKHAND_CACHE_DIR/target
fi
target_dir=${CARGO_TARGET_DIR:-$ROOT/target}
release=$target_dir/release
work=$target_dir/bench-work
rm -rf "$work" && mkdir -p "$work"
t0=$SECONDS
stage() { say "[$((SECONDS - t0)) s] $*"; }
skip() { echo "$2" >"$work/$1.skipped"; say "$1 skipped: $2"; }

# --- builds -----------------------------------------------------------------------------------
stage "building the benchmark harness and the fake servers (release)"
cargo build --release --locked -q -p deckhand-bench -p deckhand-tests --bins || { say "the harness did not build"; exit 1; }
harness=$release/deckhand-bench
if wants start; then  # the job store's own seeder (bench/journal.sh's) makes the long history
  cargo build --release --locked -q -p deckhand-engine --example journal_bench || { say "journal_bench did not build"; exit 1; }
fi

# The release binaries as `cargo tauri build` makes them (tauri's custom-protocol feature on),
# so the app measured is the one packaged; plain cargo with the same feature when there is no
# tauri-cli. The bare window is its own workspace beside this one, sharing the target dir.
tauri_build() {  # DIR (where tauri.conf.json is) [BUNDLES]
  local dir=$1 bundles=${2:-}
  if command -v cargo-tauri >/dev/null; then
    if [ -n "$bundles" ]; then
      (cd "$dir" && cargo tauri build --ci --bundles "$bundles" --config '{"bundle":{"active":true}}' >&2)
    else
      (cd "$dir" && cargo tauri build --ci --no-bundle >&2)
    fi
  elif [ "$dir" = src-tauri ]; then
    cargo build --release --locked -q -p deckhand --bins --features tauri/custom-protocol
  else
    cargo build --release -q --manifest-path "$dir/Cargo.toml" --features tauri/custom-protocol
  fi
}
newest() { find "$1" -name "$2" -newer "$3" 2>/dev/null | head -n 1; }

app_deb="" app_rpm="" bare_deb="" bare_rpm="" sizes_note=""
if wants start || wants many || wants sizes; then
  marker=$(mktemp)
  if wants sizes && [ -x scripts/package.sh ]; then
    stage "building Deckhand and its packages (scripts/package.sh deb rpm)"
    if packages=$(scripts/package.sh deb rpm | tail -n 2); then
      app_deb=$(grep '\.deb$' <<<"$packages" || true)
      app_rpm=$(grep '\.rpm$' <<<"$packages" || true)
    else
      say "scripts/package.sh failed; Deckhand's packages are left out"
    fi
  fi
  if [ -z "$app_deb" ]; then
    stage "building Deckhand (release)"
    tauri_build src-tauri || { say "Deckhand did not build"; exit 1; }
  fi
  if ! [ -x scripts/package.sh ]; then
    sizes_note="This checkout has no scripts/package.sh yet, so Deckhand's packages were not built."
  elif ! command -v cargo-tauri >/dev/null; then
    sizes_note="No tauri-cli here, so the bare window's packages were not built."
  fi
  if wants start || wants sizes; then
    stage "building the bare Tauri window (release, the same profile)"
    if wants sizes; then
      tauri_build bench/bare-window deb,rpm || { say "the bare window did not build"; exit 1; }
      bare_deb=$(newest "$release/bundle/deb" 'Bare Window_*.deb' "$marker")
      bare_rpm=$(newest "$release/bundle/rpm" 'Bare Window-*.rpm' "$marker")
    else
      tauri_build bench/bare-window || { say "the bare window did not build"; exit 1; }
    fi
  fi
  rm -f "$marker"
fi

# Xvfb and a throwaway desktop session (D-Bus, keyring, XDG folders) for the real windows.
in_desktop() { scripts/private-session.sh xvfb-run -a -s "-screen 0 1280x800x24" "$@"; }

# --- benchmarks -------------------------------------------------------------------------------
if wants poll; then
  stage "1. poll"
  "$harness" poll --reps "$(reps_or 5)" --out "$work/poll.json" || skip poll "the poll benchmark failed (see the output above)"
fi

if wants download; then
  stage "2. download"
  "$harness" download --reps "$(reps_or 3)" --dir "$work" --out "$work/download.json" || skip download "the download benchmark failed (see the output above)"
fi

if wants start; then
  stage "3. start: a history of 2,000 decks with 20,000-character notes"
  if "$release/examples/journal_bench" seed "$work/history-2000" 2000 20000 >/dev/null; then
    history_args=(--history-dir "$work/history-2000" --history-decks 2000)
  else
    history_args=()
    say "no history could be made; Deckhand is measured with an empty one only"
  fi
  stage "3. start"
  in_desktop "$harness" start --app "$release/deckhand" --bare "$release/bare-window" --reps "$(reps_or 5)" "${history_args[@]}" \
    --out "$work/start.json" >&2 || skip start "the start benchmark failed (see the output above)"
fi

if wants many; then
  stage "4. many decks at once"
  APP_BIN=$release/deckhand FAKE_SERVER=$release/fake-server OUT=$work/many.json in_desktop node bench/many-decks.mjs >&2 ||
    skip many "the many-decks benchmark failed (see the output above)"
fi

if wants history; then
  stage "5. history"
  if [ -x bench/journal.sh ]; then
    bench/journal.sh ${reps:+--reps "$reps"} >"$work/history.json" || skip history "bench/journal.sh failed (see the output above)"
  else
    skip history "not available: bench/journal.sh (the deck history's benchmark) is not in this checkout yet"
  fi
fi

if wants sizes; then
  stage "6. sizes"
  args=(--app "$release/deckhand" --bare "$release/bare-window")
  [ -n "$app_deb" ] && args+=(--app-deb "$app_deb")
  [ -n "$app_rpm" ] && args+=(--app-rpm "$app_rpm")
  [ -n "$bare_deb" ] && args+=(--bare-deb "$bare_deb")
  [ -n "$bare_rpm" ] && args+=(--bare-rpm "$bare_rpm")
  [ -n "$sizes_note" ] && args+=(--note "$sizes_note")
  "$harness" sizes "${args[@]}" --out "$work/sizes.json" || skip sizes "the sizes could not be read (see the output above)"
fi

# --- report -----------------------------------------------------------------------------------
stage "report"
cat >"$work/meta.json" <<EOF
{"when": "$(date -u +%Y-%m-%dT%H:%MZ)", "commit": "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)",
 "options": "${selected[*]}${reps:+ --reps $reps}",
 "machine": {"cpus": "$(nproc)", "kernel": "$(uname -sr)", "load": "$(cut -d' ' -f1-3 /proc/loadavg)"},
 "seconds": $((SECONDS - t0))}
EOF
"$harness" collect "$work" --out bench/results.json && "$harness" report bench/results.json --out bench/results.md || { say "the report could not be written"; exit 1; }
# The hand-written notes (why a goal is not met, what changed because of a benchmark) close it.
[ -f bench/notes.md ] && { echo; cat bench/notes.md; } >>bench/results.md
stage "done: bench/results.md"
ls "$work"/*.skipped >/dev/null 2>&1 && { say "some benchmarks were skipped:"; cat "$work"/*.skipped >&2; }
exit 0
