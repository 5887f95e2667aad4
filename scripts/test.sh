#!/usr/bin/env bash
# Install what is missing, then run every test layer of Deckhand:
#   1. engine+integration  Rust unit, property and fake-server tests of every crate but the app
#   2. app-commands        the app crate: commands through tauri::test's mock runtime, config checks
#   3. ui                  ui/ in headless Chromium with the Tauri IPC mocked (tests/ui)
#   4. e2e                 the real app under Xvfb via tauri-driver + WebKitWebDriver (tests/e2e)
#   5. keychain            the keychain crate and the app's key commands against a real
#                          gnome-keyring Secret Service (test files named *real_keychain.rs)
#   6. package             the installable packages (scripts/package.sh): the .deb installed with
#                          apt-get, the installed app started under Xvfb (tests/package), removed
# One line per layer, then a last line "N passed, N failed". Fails if any layer fails or ran
# no test. Full logs: tests/artifacts/logs/.
#
#   ./scripts/test.sh                    every layer (CI runs this)
#   ./scripts/test.sh package e2e        only the layers named (as in the summary lines)
set -uo pipefail   # no -e: every layer runs, whatever the one before did

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

all_layers="engine+integration app-commands ui e2e keychain package"
layers=${*:-$all_layers}
for l in $layers; do
  case " $all_layers " in *" $l "*) ;; *) echo "unknown layer '$l'; the layers are: $all_layers"; exit 2 ;; esac
done
want() { case " $layers " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

if ! scripts/setup.sh test; then echo "setup failed"; echo "0 passed, 1 failed"; exit 1; fi
# shellcheck source=env.sh
source scripts/env.sh

export CARGO_TERM_COLOR=never NO_COLOR=1 RUST_BACKTRACE=1
# A cache dir outside the clone (CI: /var/tmp/deckhand-ci) keeps the build between clones.
if [ -n "${DECKHAND_CACHE_DIR:-}" ] && [ -z "${CARGO_TARGET_DIR:-}" ]; then
  export CARGO_TARGET_DIR=$DECKHAND_CACHE_DIR/target
fi
target_dir=${CARGO_TARGET_DIR:-$ROOT/target}
art=$ROOT/tests/artifacts
logs=$art/logs
mkdir -p "$logs"

t0=$SECONDS
stage() { echo; echo "=== [$((SECONDS - t0))s] $*"; }

summary=()
total_pass=0
total_fail=0
# record NAME PASSED FAILED RC: a layer is good when its command succeeded, nothing failed and
# at least one test ran.
record() {
  local name=$1 passed=${2:-0} failed=${3:-0} rc=$4
  if [ "$rc" -ne 0 ] || [ "$passed" -eq 0 ]; then [ "$failed" -eq 0 ] && failed=1; fi
  summary+=("layer $name: $passed passed, $failed failed")
  total_pass=$((total_pass + passed))
  total_fail=$((total_fail + failed))
}

# Sum libtest's "test result: … N passed; M failed;" lines of a cargo test log, split into the
# app crate's test binaries and everything else. A test binary that printed no result (it
# crashed) counts as one failure of its layer. Prints: engine_pass engine_fail app_pass app_fail
split_cargo_results() {
  local app_targets="deckhand deckhand_app" f
  for f in src-tauri/tests/*.rs; do [ -e "$f" ] && app_targets+=" $(basename "$f" .rs)"; done
  awk -v app="$app_targets" '
    BEGIN { n = split(app, a, " "); for (i = 1; i <= n; i++) isapp[a[i]] = 1; cur = "" }
    function close_block() { if (cur != "" && !seen) f[cur]++; seen = 0 }
    /^ *Running / {
      close_block()
      bin = $NF; gsub(/[()]/, "", bin); sub(/.*\//, "", bin); sub(/-[0-9a-f]+$/, "", bin)
      # *real_keychain tests only skip outside a keyring session; layer 5 runs them for real.
      cur = (bin ~ /real_keychain$/) ? "ignore" : ((bin in isapp) ? "app" : "engine")
    }
    /^ *Doc-tests / { close_block(); cur = ($2 in isapp) ? "app" : "engine" }
    /^test result: / {
      seen = 1
      for (i = 2; i <= NF; i++) {
        if ($i == "passed;") p[cur] += $(i - 1)
        if ($i == "failed;") f[cur] += $(i - 1)
      }
    }
    END { close_block(); print p["engine"] + 0, f["engine"] + 0, p["app"] + 0, f["app"] + 0 }
  ' "$1"
}

# node --test (TAP reporter): "# pass N" and "# fail N".
node_results() {
  awk '/^# pass / { p = $3 } /^# fail / { f = $3 } END { print p + 0, f + 0 }' "$1"
}

# Two test binaries of the same name in the app crate and elsewhere could not be told apart.
for f in src-tauri/tests/*.rs; do
  if ls tests/tests/"$(basename "$f")" src-tauri/*/tests/"$(basename "$f")" >/dev/null 2>&1; then
    echo "error: test file name $(basename "$f") is used twice; rename one"; exit 1
  fi
done

# --- 1 + 2: one cargo test of the whole workspace (one build, one feature set) ----------------
if want engine+integration || want app-commands; then
stage "cargo test --workspace (layers engine+integration and app-commands)"
timeout 2700 cargo test --locked --workspace --no-fail-fast 2>&1 | tee "$logs/cargo-test.log"
rc=${PIPESTATUS[0]}
read -r ep ef ap af < <(split_cargo_results "$logs/cargo-test.log")
# A failure cargo reports but no test printed (a compile error) fails both layers.
if [ "$rc" -ne 0 ] && [ "$ef" -eq 0 ] && [ "$af" -eq 0 ]; then ef=1; af=1; fi
want engine+integration && record "engine+integration" "$ep" "$ef" "$( [ "$ef" -eq 0 ] && echo 0 || echo 1)"
want app-commands && record "app-commands" "$ap" "$af" "$( [ "$af" -eq 0 ] && echo 0 || echo 1)"
fi # layers 1 + 2

# --- 3: the page in Chromium ------------------------------------------------------------------
if want ui; then
stage "ui: npm ci && npm test (tests/ui)"
(
  cd tests/ui &&
    timeout 300 npm ci --no-audit --no-fund --loglevel=error &&
    timeout 900 npm test -- --test-reporter=tap
) 2>&1 | tee "$logs/ui.log"
rc=${PIPESTATUS[0]}
read -r p f < <(node_results "$logs/ui.log")
record "ui" "$p" "$f" "$rc"
fi # ui

# --- 4: the real app, end to end --------------------------------------------------------------
# The debug binaries: the app for e2e, the fake servers for e2e and package.
build_rc=0
if want e2e || want package; then
stage "cargo build -p deckhand, and the fake servers and file manager the e2e tests talk to"
timeout 1800 cargo build --locked -p deckhand -p deckhand-tests -p deckhand-cli --bins 2>&1 | tee "$logs/app-build.log"
build_rc=${PIPESTATUS[0]}
# Test knobs exist only in test builds (deckhand-cli's `test-knobs` feature): the plain CLI,
# built as it ships, must not even contain their names.
if [ "$build_rc" -eq 0 ] && grep -q DECKHAND_CLI_TIME_SCALE "$target_dir/debug/deckhand-cli"; then
  echo "error: the plain deckhand-cli contains the test knob DECKHAND_CLI_TIME_SCALE" | tee -a "$logs/app-build.log"
  build_rc=1
fi
fi # the debug build

if want e2e; then
stage "e2e: real app under Xvfb through tauri-driver, real Secret Service"
if [ "$build_rc" -eq 0 ]; then
  # One file at a time: each drives its own app instance against the one test keyring.
  APP_BIN=$target_dir/debug/deckhand FAKE_SERVER=$target_dir/debug/fake-server \
    FAKE_FILE_MANAGER=$target_dir/debug/fake-file-manager E2E_ARTIFACTS=$art/e2e timeout 900 \
    scripts/private-session.sh xvfb-run -a -s "-screen 0 1280x800x24" \
    node --test --test-concurrency=1 --test-reporter=tap tests/e2e/ 2>&1 | tee "$logs/e2e.log"
  rc=${PIPESTATUS[0]}
  read -r p f < <(node_results "$logs/e2e.log")
else
  rc=$build_rc p=0 f=0
fi
record "e2e" "$p" "$f" "$rc"
fi # e2e

# --- 5: the keychain crate against a real Secret Service --------------------------------------
# Every test file named *real_keychain.rs (the keychain crate's, the app's key commands').
if want keychain; then
keychain_tests=()
for f in src-tauri/*/tests/*real_keychain.rs src-tauri/tests/*real_keychain.rs tests/tests/*real_keychain.rs; do
  [ -e "$f" ] && keychain_tests+=(--test "$(basename "$f" .rs)")
done
stage "keychain: ${keychain_tests[*]} inside a private D-Bus session with gnome-keyring"
DECKHAND_REAL_KEYCHAIN=1 timeout 900 scripts/private-session.sh \
  cargo test --locked --workspace "${keychain_tests[@]}" -- --nocapture 2>&1 | tee "$logs/keychain.log"
rc=${PIPESTATUS[0]}
# split_cargo_results sets real_keychain aside for layer 1; count it here directly.
read -r p f < <(awk '/^test result: / { for (i = 2; i <= NF; i++) { if ($i == "passed;") p += $(i-1); if ($i == "failed;") f += $(i-1) } } END { print p + 0, f + 0 }' "$logs/keychain.log")
# The tests skip themselves (and "pass") without a Secret Service: that must not count here.
if grep -q '^skipped:' "$logs/keychain.log"; then echo "keychain tests skipped themselves"; f=$((f + 1)); fi
record "keychain" "$p" "$f" "$rc"
fi # keychain

# --- 6: the package a presenter installs -----------------------------------------------------
# Builds the release packages, installs the .deb with apt-get (so its Depends are checked),
# runs tests/package against the installed /usr/bin/deckhand, then removes it. Each step the
# script takes here counts as a test of the layer, with those of tests/package.
if want package; then
stage "package: scripts/package.sh, apt-get install, the installed app, apt-get remove"
package_layer() {
  local passed=0 failed=0 out deb rpm rc=0
  step() { # step NAME CMD...: one counted check
    if "${@:2}"; then echo "ok - $1"; passed=$((passed + 1)); else echo "not ok - $1"; failed=$((failed + 1)); fi
  }
  out=$(timeout 3600 scripts/package.sh deb rpm | tee /dev/stderr) || rc=$?
  deb=$(printf '%s\n' "$out" | grep '\.deb$' | tail -n 1)
  rpm=$(printf '%s\n' "$out" | grep '\.rpm$' | tail -n 1)
  step "scripts/package.sh builds a .deb and a .rpm" test "$rc" -eq 0 -a -f "$deb" -a -f "$rpm"
  if [ -z "$deb" ] || [ ! -f "$deb" ]; then echo "# package: passed $passed failed $failed"; return; fi
  # This layer installs and removes the package; a Deckhand someone installed stays untouched.
  if dpkg-query -W -f='${Status}' deckhand 2>/dev/null | grep -q 'install ok installed'; then
    echo "Deckhand is installed on this computer; the package layer would replace and remove it. Uninstall it first (sudo apt remove deckhand)."
    echo "# package: passed $passed failed $((failed + 1))"; return
  fi
  step "apt-get installs the .deb with its dependencies" \
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb"
  if [ -x /usr/bin/deckhand ]; then
    DEB=$deb RPM=$rpm FAKE_SERVER=$target_dir/debug/fake-server PACKAGE_ARTIFACTS=$art/package timeout 900 \
      scripts/private-session.sh xvfb-run -a -s "-screen 0 1280x800x24" \
      node --test --test-concurrency=1 --test-reporter=tap tests/package/ 2>&1 | tee "$logs/package-tests.log"
    read -r p f < <(node_results "$logs/package-tests.log")
    passed=$((passed + p)) failed=$((failed + f))
    [ "$p" -gt 0 ] || failed=$((failed + 1))
  fi
  step "apt-get removes it" as_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq deckhand
  step "nothing of it is left in /usr/bin and the menu" \
    test ! -e /usr/bin/deckhand -a ! -e /usr/share/applications/Deckhand.desktop
  echo "# package: passed $passed failed $failed"
}
if [ "$build_rc" -eq 0 ]; then
  package_layer 2>&1 | tee "$logs/package.log"
  read -r p f < <(awk '/^# package: passed/ { p = $4; f = $6 } END { print p + 0, f + 0 }' "$logs/package.log")
  rc=$([ "$f" -eq 0 ] && echo 0 || echo 1)
else
  rc=$build_rc p=0 f=0
fi
record "package" "$p" "$f" "$rc"
fi # package

stage "done in $((SECONDS - t0))s"
for line in "${summary[@]}"; do echo "$line"; done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
