#!/usr/bin/env bash
# Runs `lstmkit bench core` (release build) and scripts/bench/core_torch.py on the same rows,
# RUNS times, and prints per row the median of each and the speed ratio ours/PyTorch (> 1: we
# are faster; for GFLOP/s the ratio of rates, for times the inverse ratio of times).
#
#   scripts/bench/core.sh [RUNS] [--seconds S]
#
# The two alternate group by group (GEMMs, LSTM, output layer, softmax) and thread count by
# thread count, so both meet the same background load: on this shared 2-core machine other jobs
# come and go, and a two-thread OpenMP barrier that loses a core waits out a scheduler slice.
# Before each group the script also waits for an idle CPU (scripts/bench/idle.sh: IDLE_TRIES samples of 2 s, default 60;
# 0 skips the wait). When the machine is never idle, run the whole script at real-time priority
# so both sides get the cores to themselves: `IDLE_TRIES=0 chrt -f 10 scripts/bench/core.sh 3`.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-5}"
shift || true
swift build -c release --product lstmkit >/dev/null
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
source scripts/bench/idle.sh
for i in $(seq 1 "$runs"); do
    for threads in 1 2; do
        for group in "gemm" "lstm" "linear+softmax-CE" "softmax-CE loss"; do
            wait_for_idle
            echo "run $i/$runs, $threads thread(s): $group" >&2
            .build/release/lstmkit bench core --json --threads "$threads" --only "$group" "$@" >>"$out/ours.jsonl"
            python3 scripts/bench/core_torch.py --json --threads "$threads" --only "$group" "$@" >>"$out/torch.jsonl"
        done
    done
done
python3 - "$out/ours.jsonl" "$out/torch.jsonl" "$runs" <<'PY'
import json, statistics, sys
def load(path):
    rows = {}
    for line in open(path):
        r = json.loads(line)
        rows.setdefault((r["name"], r["threads"]), (r["unit"], []))[1].append(r["value"])
    return rows
ours, torch_rows, runs = load(sys.argv[1]), load(sys.argv[2]), sys.argv[3]
print(f"medians of {runs} runs; ratio = our speed / PyTorch speed (> 1: LSTMKit faster)\n")
print("| row | threads | LSTMKit | PyTorch | ratio |")
print("| --- | ---: | ---: | ---: | ---: |")
for key in sorted(ours, key=lambda k: (k[1], list(ours).index(k))):
    unit, values = ours[key]
    name, threads = key
    mine = statistics.median(values)
    theirs = statistics.median(torch_rows[key][1]) if key in torch_rows else float("nan")
    ratio = mine / theirs if unit == "GFLOP/s" else theirs / mine
    print(f"| {name} | {threads} | {mine:.2f} {unit} | {theirs:.2f} {unit} | {ratio:.2f} |")
PY
