#!/usr/bin/env bash
# Runs the libFuzzer targets of fuzz/ (tokenizer over arbitrary bytes, vocabulary loader,
# safetensors loader) one after the other, each for FUZZ_SECONDS (default 60).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      e.g. scripts/fuzz.sh 600 safetensors
#
# The working corpus grows in fuzz/.corpus/<target> (git-ignored), starting from the committed
# seeds in fuzz/seeds/<target>; a crashing input is saved in fuzz/.artifacts/ and the script
# exits 1. Linux only (libFuzzer ships with the Swift toolchain there).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
SECONDS_EACH=${1:-${FUZZ_SECONDS:-60}}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(tokenizer vocabulary safetensors)

nice -n 10 swift build -c release -Xswiftc -sanitize=fuzzer >/dev/null
mkdir -p .artifacts
status=0
for target in "${TARGETS[@]}"; do
    case $target in
        tokenizer) binary=FuzzTokenizer ;;
        vocabulary) binary=FuzzVocabulary ;;
        safetensors) binary=FuzzSafeTensors ;;
        *) echo "unknown fuzz target '$target' (tokenizer, vocabulary, safetensors)" >&2; exit 2 ;;
    esac
    mkdir -p ".corpus/$target"
    echo "--- $target: $SECONDS_EACH s"
    # One process, one thread (the machine is shared); inputs up to 64 KB.
    if ! nice -n 10 ".build/release/$binary" -max_total_time="$SECONDS_EACH" -max_len=65536 -print_final_stats=1 \
        -artifact_prefix=".artifacts/$target-" ".corpus/$target" "seeds/$target" 2>".artifacts/$target.log"; then
        status=1
        grep -E "ERROR|Fatal error|SUMMARY|Test unit written" ".artifacts/$target.log" | head -5 || true
    fi
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^stat::new_units_added" ".artifacts/$target.log" || true
    grep -E "^#[0-9]+[[:space:]]+DONE" ".artifacts/$target.log" | tail -1 || true
done
exit $status
