#!/usr/bin/env bash
# Fuzzes every input parser for a bounded time and prints what happened.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      default: 60 s, every target
#
# Targets (fuzz/fuzz_targets/*.rs, a cargo-fuzz crate with its own workspace):
#   doc_json      Document::from_json never panics; accepted documents round-trip (JSON, hashes)
#   url_hash      share::decode_hash never panics; accepted links re-encode and decode equal
#   csv           data::parse_csv never panics; parse(to_csv(rows)) gives the same rows
#   qasm_import   interop::qasm::import_qasm (2.0 and 3) never panics; export -> import gives the same
#                 circuit and state (1e-12)
#
# Steps: installs cargo-fuzz if missing (nightly toolchain required), rewrites the seed corpora
# and dictionaries from the engine's presets and exporters (fuzz/seed.rs), builds the targets,
# then runs them one at a time with libFuzzer (-max_total_time, -rss_limit_mb=2048). Seeds are
# read from fuzz/corpus/<target>/ (committed); new inputs go to fuzz/work/corpus/<target>/ and
# findings to fuzz/artifacts/<target>/ (both ignored by git); full logs in fuzz/work/logs/.
#
# Exit status: 0 if every target ran clean, 1 if any found a crash (panic, sanitizer report,
# timeout or out-of-memory), 2 if the fuzz crate could not be installed, seeded or built.
#
# Environment: FUZZ_TOOLCHAIN (default nightly), FUZZ_TIMEOUT seconds per input (default 30),
# FUZZ_MAX_LEN largest input in bytes (default 32768: above the largest seed, and fixed so large
# inputs kept in the working corpus cannot slow later runs), FUZZ_ARGS extra libFuzzer arguments.
# To fuzz a frozen copy while others edit the tree, copy the repository (without target/)
# elsewhere and run that copy's scripts/fuzz.sh.
set -uo pipefail

ALL_TARGETS=(doc_json url_hash csv qasm_import)

usage() {
    sed -n '2,4p' "$0" >&2
    exit 2
}

secs=60
if [[ $# -gt 0 ]]; then
    [[ $1 =~ ^[0-9]+$ && $1 -gt 0 ]] || usage
    secs=$1
    shift
fi
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${ALL_TARGETS[@]}")
for t in "${targets[@]}"; do
    [[ " ${ALL_TARGETS[*]} " == *" $t "* ]] || { echo "fuzz.sh: unknown target '$t' (have: ${ALL_TARGETS[*]})" >&2; exit 2; }
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
toolchain=${FUZZ_TOOLCHAIN:-nightly}
timeout=${FUZZ_TIMEOUT:-30}
max_len=${FUZZ_MAX_LEN:-32768}
cargo_tc() { cargo "+$toolchain" "$@"; }
say() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

if ! cargo_tc fuzz --version >/dev/null 2>&1; then
    say "installing cargo-fuzz"
    cargo install cargo-fuzz || { echo "fuzz.sh: cargo install cargo-fuzz failed" >&2; exit 2; }
fi

say "seed corpora and dictionaries (fuzz/seed.rs)"
cargo_tc run --quiet --manifest-path fuzz/Cargo.toml --bin seed -- "$root/fuzz" \
    || { echo "fuzz.sh: writing the seed corpora failed" >&2; exit 2; }

for t in "${targets[@]}"; do
    say "build $t"
    cargo_tc fuzz build "$t" || { echo "fuzz.sh: building fuzz target $t failed" >&2; exit 2; }
done

logs=fuzz/work/logs
mkdir -p "$logs"
rows=()
findings=()
failed=0

for t in "${targets[@]}"; do
    work=fuzz/work/corpus/$t
    arts=fuzz/artifacts/$t
    mkdir -p "$work" "$arts"
    stamp=$(mktemp)
    dict=()
    [[ -f fuzz/dict/$t.dict ]] && dict=("-dict=fuzz/dict/$t.dict")
    log=$logs/$t.log
    say "run $t for ${secs}s (log: $log)"
    # shellcheck disable=SC2086 # FUZZ_ARGS is a list of libFuzzer flags
    cargo_tc fuzz run "$t" "$work" "fuzz/corpus/$t" -- \
        -max_total_time="$secs" -rss_limit_mb=2048 -timeout="$timeout" -max_len="$max_len" \
        -print_final_stats=1 "${dict[@]}" ${FUZZ_ARGS:-} >"$log" 2>&1
    rc=$?

    execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
    [[ -n $execs ]] || execs=$(sed -n 's/^#\([0-9][0-9]*\)[[:space:]].*/\1/p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *\([0-9]*\).*/\1/p' "$log" | tail -1)
    added=$(sed -n 's/^stat::new_units_added: *\([0-9]*\).*/\1/p' "$log" | tail -1)
    corp=$(grep -E '^#[0-9]+' "$log" | grep -o 'corp: [0-9]*' | tail -1 | grep -o '[0-9]*')
    done_line=$(grep -cE '^#[0-9]+[[:space:]]+DONE' "$log")

    # Findings: artifacts this run wrote or rewrote (crash-, oom-, timeout-, leak-; slow-unit-
    # only warns). A known crash found again keeps its file name, hence the time stamp.
    new=$(find "$arts" -maxdepth 1 -type f -newer "$stamp" -printf '%f\n' | sort)
    rm -f "$stamp"
    crashes=0
    slow=0
    for f in $new; do
        case $f in
            slow-unit-*) slow=$((slow + 1)); findings+=("$t: slow input (not a failure) $arts/$f") ;;
            *) crashes=$((crashes + 1)); findings+=("$t: $arts/$f") ;;
        esac
    done
    status=ok
    if [[ $crashes -gt 0 ]]; then
        status=CRASH
        failed=1
        # The panic's location and message (the line after it), or the sanitizer's summary.
        reason=$(grep -a -m1 -A1 "panicked at" "$log" | tr '\n' ' ')
        [[ -n $reason ]] || reason=$(grep -a -m1 -E "ERROR: (libFuzzer|AddressSanitizer)|==ERROR" "$log")
        [[ -n $reason ]] && findings+=("$t:   ${reason:0:300}")
        findings+=("$t:   reproduce: cargo +$toolchain fuzz run $t $arts/<file>; minimise: cargo +$toolchain fuzz tmin $t $arts/<file>")
    elif [[ $rc -ne 0 || $done_line -eq 0 ]]; then
        status="ERROR(rc=$rc)"
        failed=1
        findings+=("$t: libFuzzer stopped without a DONE line and wrote no artifact; see $log")
    fi
    [[ $slow -gt 0 && $status == ok ]] && status="ok(slow:$slow)"
    rows+=("$(printf '%-12s %12s %9s %8s %8s %8s  %s' "$t" "${execs:-?}" "${speed:-?}" "${corp:-?}" \
        "${added:-?}" "$crashes" "$status")")
done

echo
echo "Fuzzing summary (${secs}s per target; cargo-fuzz $(cargo_tc fuzz --version 2>/dev/null | awk '{print $2}'), $(rustc "+$toolchain" --version 2>/dev/null))"
printf '%-12s %12s %9s %8s %8s %8s  %s\n' target executions exec/s corpus new crashes status
printf '%-12s %12s %9s %8s %8s %8s  %s\n' ------------ ------------ --------- -------- -------- -------- ------
for r in "${rows[@]}"; do echo "$r"; done
if [[ ${#findings[@]} -gt 0 ]]; then
    echo
    echo "Findings:"
    for f in "${findings[@]}"; do echo "  $f"; done
fi
exit $failed
