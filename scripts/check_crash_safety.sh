#!/usr/bin/env bash
# Crash safety of `lstmkit train`: kill a training run with SIGKILL at random moments, then check
# that every checkpoint left in the run folder loads, and that `--resume` finishes the run with
# files bit-identical to an uninterrupted run's (same --threads).
#
#   scripts/check_crash_safety.sh [TRIALS]      (default 20; also CRASH_TRIALS, CRASH_SEED)
#
# Builds release into .build-release. A trial whose folder has no config.json yet (killed before
# the run was set up) starts the same command again, as a user would; otherwise it resumes, and
# may be killed again while resuming (every third trial), to test resuming a resumed run.
# After the run is finished, no temporary file may remain in the folder.
# Prints one line per trial and a summary; exits 1 if any trial failed.
set -euo pipefail
cd "$(dirname "$0")/.."

TRIALS=${1:-${CRASH_TRIALS:-20}}
RANDOM=${CRASH_SEED:-12345}
BIN=.build-release/release/lstmkit
nice -n 10 swift build --scratch-path .build-release -c release --product lstmkit >/dev/null
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lstmkit-crash-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# Small enough for seconds per run, with checkpoints inside epochs (every 0.3 s) and at epoch ends.
TRAIN=(train --corpus corpora/toy-en --hidden 64 --layers 1 --epochs 3 --batch-size 20 --bptt 35
       --threads 1 --checkpoint-every 0.3 --log-every 50 --seed 5)
TEST_TEXT=corpora/toy-en/test.txt

digest() { sha256sum "$1/model.safetensors" "$1/last.safetensors" | awk '{print $1}' | tr '\n' ' '; }

start=$(date +%s.%N)
nice -n 10 "$BIN" "${TRAIN[@]}" --out "$WORK/reference" >/dev/null 2>&1
duration=$(echo "$(date +%s.%N) - $start" | bc)
reference=$(digest "$WORK/reference")
echo "reference run: ${duration} s; sha256 of model.safetensors, last.safetensors: $reference"

# Kills `$@` (run in the background) after $1 seconds; returns 0 if it was killed, 1 if it ended.
run_and_kill() {
    local delay=$1; shift
    nice -n 10 "$BIN" "$@" >>"$WORK/log" 2>&1 &
    local pid=$!
    sleep "$delay"
    if kill -KILL "$pid" 2>/dev/null; then
        wait "$pid" 2>/dev/null || true
        return 0
    fi
    wait "$pid" || true
    return 1
}

# Every safetensors file in the folder must load: eval with it as the weights.
check_checkpoints() {
    local run=$1 name
    [ -f "$run/config.json" ] || return 0
    for file in "$run"/*.safetensors; do
        [ -e "$file" ] || continue
        name=$(basename "$file")
        # Not a checkpoint: the REPL's cache of the typical sentence-end state.
        [ "$name" != sentence-end.safetensors ] || continue
        if ! "$BIN" eval --model "$run" --weights "$name" --threads 1 "$TEST_TEXT" >/dev/null 2>"$WORK/eval.err"; then
            echo "  $name does not load: $(cat "$WORK/eval.err")"
            return 1
        fi
    done
    # AtomicFile's temporary files may remain after SIGKILL (the process gets no chance to
    # remove them); no reader looks at them, and resuming removes them. Counted for the record.
    leftovers=$(find "$run" -name '.*.tmp-*' | wc -l)
}

failures=0 kills=0 leftovers_total=0
for trial in $(seq 1 "$TRIALS"); do
    run="$WORK/trial-$trial"
    # A moment anywhere in the run, including before the first checkpoint.
    permille=$((RANDOM % 1000))
    delay=$(echo "scale=3; $duration * $permille / 1000" | bc)
    leftovers=0
    killed=no
    if run_and_kill "$delay" "${TRAIN[@]}" --out "$run"; then killed=yes; kills=$((kills + 1)); fi
    status=ok
    check_checkpoints "$run" || status="checkpoint does not load"
    leftovers_total=$((leftovers_total + leftovers))
    resumes=0
    while [ "$status" = ok ] && ! [ -f "$run/done" ]; do
        if ! [ -f "$run/config.json" ]; then
            command=("${TRAIN[@]}" --out "$run")
        else
            command=(train --resume "$run" --threads 1)
        fi
        resumes=$((resumes + 1))
        if [ $((trial % 3)) -eq 0 ] && [ "$resumes" -eq 1 ]; then
            # Kill the resumed run too, half-way through what is left at most.
            permille=$((RANDOM % 500))
            second=$(echo "scale=3; $duration * $permille / 1000" | bc)
            if run_and_kill "$second" "${command[@]}"; then
                kills=$((kills + 1))
                check_checkpoints "$run" || status="checkpoint does not load after the second kill"
                leftovers_total=$((leftovers_total + leftovers))
                continue
            fi
            touch "$run/done"
            continue
        fi
        if out=$(nice -n 10 "$BIN" "${command[@]}" 2>&1); then
            touch "$run/done"
        elif echo "$out" | grep -q "has finished all its epochs"; then
            touch "$run/done"
        else
            status="resume failed: $(echo "$out" | tail -1)"
        fi
    done
    if [ "$status" = ok ]; then
        got=$(digest "$run")
        [ "$got" = "$reference" ] || status="final files differ: $got"
        left=$(find "$run" -name '.*.tmp-*' | wc -l)
        [ "$left" -eq 0 ] || status="$left temporary files remain after resuming"
    fi
    echo "trial $trial: kill at ${delay} s (killed: $killed), $resumes restart(s): $status"
    [ "$status" = ok ] || failures=$((failures + 1))
    rm -rf "$run"
done
echo "$TRIALS trials, $kills SIGKILLs, $failures failures; temporary files left by kills: $leftovers_total"
[ "$failures" -eq 0 ]
