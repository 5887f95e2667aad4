#!/usr/bin/env bash
# The job history's cost per deck (issue 10): with 0, 200 and 2,000 earlier decks, each with
# 20,000 characters of notes, one more deck through the release `deckhand-cli` (as shipped: it
# polls at the service's own pace) against the fake self-hosted Presenton server, whose
# generation is scaled to a fraction of a second, and the app's opening of the history.
#
# Per history size it measures
#   - bytes written to storage by the whole `deckhand-cli generate` run (write_bytes of
#     /proc/<pid>/io, read after the process exited, before it was reaped: every write counts,
#     the deck file itself included) and its peak resident memory (VmHWM, as ru_maxrss);
#   - the time of one state change in the job store (one more deck's changes, written the way
#     the engine writes them: synced "promises" and unsynced progress words);
#   - opening the history as the app does it, in process: `Engine::open` plus the window's first
#     questions (the newest 50 decks and every deck in progress). This is the engine's part of
#     "the app opens"; the window itself is the bench helper's start-up benchmark;
#   - the same from a fresh process: `deckhand-cli --json list --limit 50` (start, open, first
#     page, exit), wall time and peak memory.
# Each figure is the median of its repetitions; ratios are against the empty history measured
# in the same run. Standalone: builds what it needs (release). Linux only (/proc).
#
#   bench/journal.sh [--sizes "0 200 2000"] [--reps 3] [--note-chars 20000]
#
# stdout: one JSON object (scripts/bench.sh reads it); stderr: progress and a readable table.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../scripts/env.sh
source scripts/env.sh

sizes="0 200 2000"
reps=3
note_chars=20000
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --note-chars) note_chars=$2; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) echo "journal.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case " $sizes " in *" 0 "*) ;; *) echo "journal.sh: --sizes must include 0 (the baseline)" >&2; exit 2 ;; esac

say() { echo "journal.sh: $*" >&2; }

target=${CARGO_TARGET_DIR:-$PWD/target}
say "building deckhand-cli, fake-server and journal_bench (release)…"
cargo build --release --quiet -p deckhand-cli -p deckhand-tests -p deckhand-engine \
  --bin deckhand-cli --bin fake-server --example journal_bench >&2
bin=$target/release
bench=$bin/examples/journal_bench

# On disk, not tmpfs: writes to tmpfs are not counted as storage writes.
mkdir -p "${DECKHAND_BENCH_TMP:-$target/tmp}"
work=$(mktemp -d "${DECKHAND_BENCH_TMP:-$target/tmp}/journal-bench.XXXXXX")
fake_pid=
cleanup() {
  if [ -n "$fake_pid" ]; then kill "$fake_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
if [ "$(stat -f -c %T "$work")" = tmpfs ]; then
  say "warning: $work is on tmpfs, where bytes written are not counted; set DECKHAND_BENCH_TMP to a folder on disk"
fi

"$bin/fake-server" --provider presenton-self --generation 0.7.3 --auth none --port 0 --time-scale 0.01 --exit-after 3600 \
  >"$work/fake.out" 2>&1 &
fake_pid=$!
for _ in $(seq 1 100); do
  base=$(sed -n 's/^fake presenton-self listening on //p' "$work/fake.out")
  [ -n "$base" ] && break
  sleep 0.1
done
[ -n "${base:-}" ] || { cat "$work/fake.out" >&2; say "the fake server did not start"; exit 1; }
"$bench" notes "$note_chars" >"$work/notes.txt"

# One `generate`, measured: prints {exit_code, write_bytes, peak_rss_kib, seconds, …}.
one_deck() {
  local data=$1 out=$2
  DECKHAND_DATA_DIR=$data DECKHAND_PRESENTON_BASE_URL=$base \
    "$bench" measure "$bin/deckhand-cli" --json generate --provider presenton-self \
    --content-file "$work/notes.txt" --slides 3 --out "$out"
}

results=()
for size in $sizes; do
  data=$work/history-$size
  out=$work/decks-$size
  mkdir -p "$data" "$out"
  say "history of $size decks: seeding…"
  seed=$("$bench" seed "$data" "$size" "$note_chars")
  say "history of $size decks: opening it…"
  open=$("$bench" open "$data" 15)
  runs=()
  for r in $(seq 1 "$reps"); do
    say "history of $size decks: one more deck through deckhand-cli ($r/$reps)…"
    run=$(one_deck "$data" "$out")
    case "$run" in *'"exit_code":0'*) ;; *) say "deckhand-cli failed: $run"; exit 1 ;; esac
    runs+=("$run")
  done
  lists=()
  for r in $(seq 1 21); do
    lists+=("$(DECKHAND_DATA_DIR=$data "$bench" measure "$bin/deckhand-cli" --json list --limit 50)")
  done
  say "history of $size decks: state changes…"
  changes=$("$bench" changes "$data" 20)
  db_bytes=$(stat -c %s "$data/jobs.sqlite3")
  results+=("{\"decks\":$size,\"db_bytes\":$db_bytes,\"seed\":$seed,\"open\":$open,\"changes\":$changes,\"cli_runs\":[$(IFS=,; echo "${runs[*]}")],\"list_runs\":[$(IFS=,; echo "${lists[*]}")]}")
done

# Medians, ratios, the table and the JSON, from the collected figures.
node - "$note_chars" "$reps" "${results[@]}" <<'EOF'
const [noteChars, reps, ...raw] = process.argv.slice(2);
const rows = raw.map((r) => JSON.parse(r));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const MiB = 1024 * 1024;
const figures = rows.map((r) => ({
  decks: r.decks,
  db_mib: r.db_bytes / MiB,
  deck_write_mib: median(r.cli_runs.map((c) => c.write_bytes)) / MiB,
  deck_peak_rss_mib: median(r.cli_runs.map((c) => c.peak_rss_kib)) / 1024,
  deck_seconds: median(r.cli_runs.map((c) => c.seconds)),
  state_change_ms: r.changes.state_change_us / 1000,
  promise_change_ms: r.changes.promise_change_us / 1000,
  progress_change_ms: r.changes.progress_change_us / 1000,
  open_ms: r.open.open_ms,
  first_page_ms: r.open.first_page_ms,
  open_and_first_page_ms: r.open.open_and_first_page_ms,
  cli_list_ms: median(r.list_runs.map((c) => c.seconds)) * 1000,
  cli_list_peak_rss_mib: median(r.list_runs.map((c) => c.peak_rss_kib)) / 1024,
}));
const base = figures.find((f) => f.decks === 0);
const keys = ["deck_write_mib", "deck_peak_rss_mib", "state_change_ms", "open_and_first_page_ms", "cli_list_ms"];
for (const f of figures) {
  f.ratio = Object.fromEntries(keys.map((k) => [k, base[k] > 0 ? f[k] / base[k] : null]));
}
const largest = figures.reduce((a, b) => (b.decks > a.decks ? b : a));
const goals = {
  deck_write_mib_at_most_2: largest.deck_write_mib <= 2,
  deck_peak_rss_mib_at_most_40: largest.deck_peak_rss_mib <= 40,
  open_ratio_below_1_2: largest.ratio.open_and_first_page_ms < 1.2,
  cli_list_ratio_below_1_2: largest.ratio.cli_list_ms < 1.2,
};
const fmt = (x, d = 2) => (x === null || x === undefined ? "–" : x.toFixed(d));
const line = (cells) => `| ${cells.join(" | ")} |`;
const table = [
  `Job history benchmark: one more deck (${reps} runs, median), notes of ${noteChars} characters per deck`,
  line(["earlier decks", "store (MiB)", "deck: written (MiB)", "×", "deck: peak RSS (MiB)", "×", "state change (ms)", "×",
    "open + first page (ms)", "×", "`list` process (ms)", "×"]),
  line(Array(12).fill("---")),
  ...figures.map((f) => line([f.decks, fmt(f.db_mib, 1), fmt(f.deck_write_mib), fmt(f.ratio.deck_write_mib), fmt(f.deck_peak_rss_mib, 1),
    fmt(f.ratio.deck_peak_rss_mib), fmt(f.state_change_ms, 3), fmt(f.ratio.state_change_ms), fmt(f.open_and_first_page_ms, 2),
    fmt(f.ratio.open_and_first_page_ms), fmt(f.cli_list_ms, 1), fmt(f.ratio.cli_list_ms)])),
  `state change: synced ${fmt(largest.promise_change_ms, 3)} ms, progress words ${fmt(largest.progress_change_ms, 3)} ms (with ${largest.decks} decks)`,
  `goals with ${largest.decks} decks: written ≤ 2 MiB ${goals.deck_write_mib_at_most_2 ? "met" : "NOT met"}, ` +
    `peak RSS ≤ 40 MiB ${goals.deck_peak_rss_mib_at_most_40 ? "met" : "NOT met"}, ` +
    `open + first page < 1.2× the empty history: in process ${goals.open_ratio_below_1_2 ? "met" : "NOT met"}, ` +
    `as a process ${goals.cli_list_ratio_below_1_2 ? "met" : "NOT met"}`,
];
process.stderr.write(`${table.join("\n")}\n`);
process.stdout.write(`${JSON.stringify({ benchmark: "journal", note_chars: Number(noteChars), reps: Number(reps), results: figures, goals, raw: rows })}\n`);
EOF
