#!/usr/bin/env bash
# The forecasting comparison in README: `lstmkit series train` (release build) and
# scripts/bench/series_torch.py train the same model (LSTM(hidden) over windows of the shipped
# series, Linear head, MSE, Adam) with the same data, windows, split, epochs, batch size, learning
# rate and thread count, once per seed. Prints per thread count the medians over the seeds of the
# best epoch's validation MSE and MAE (column units) and of the seconds spent in training batches
# (wall clock, and processor time of the whole process, which other jobs on the machine disturb
# less when one thread is used), and the ratios.
#
#   scripts/bench/series.sh [RUNS] [THREADS...]        # default: 5 runs (seeds 1..5), threads 1 2
#   WINDOW=48 HIDDEN=128 EPOCHS=20 BATCH=32 LR=0.001 scripts/bench/series.sh
#
# The two sides alternate seed by seed, and before each run the script waits (up to two minutes)
# for an idle CPU: on this shared 2-core machine other jobs come and go.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-5}"
shift || true
threads_list=("$@")
[ ${#threads_list[@]} -eq 0 ] && threads_list=(1 2)
csv="${CSV:-corpora/series/seasonal.csv}"
window="${WINDOW:-48}" hidden="${HIDDEN:-128}" epochs="${EPOCHS:-20}" batch="${BATCH:-32}" lr="${LR:-0.001}"
swift build -c release --product lstmkit >/dev/null
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
source scripts/bench/idle.sh
for seed in $(seq 1 "$runs"); do
    for threads in "${threads_list[@]}"; do
        wait_for_idle
        echo "seed $seed/$runs, $threads thread(s): lstmkit" >&2
        .build/release/lstmkit series train --csv "$csv" --window "$window" --hidden "$hidden" --epochs "$epochs" \
            --batch-size "$batch" --lr "$lr" --seed "$seed" --threads "$threads" --out "$out/run" >/dev/null 2>&1
        python3 - "$out/run/metrics.jsonl" "$seed" "$threads" >>"$out/results.jsonl" <<'PY'
import json, sys
final = [json.loads(l) for l in open(sys.argv[1]) if '"final"' in l][-1]
final.update(side="lstmkit", seed=int(sys.argv[2]), threads=int(sys.argv[3]))
print(json.dumps(final))
PY
        wait_for_idle
        echo "seed $seed/$runs, $threads thread(s): pytorch" >&2
        python3 scripts/bench/series_torch.py --csv "$csv" --window "$window" --hidden "$hidden" --epochs "$epochs" \
            --batch-size "$batch" --lr "$lr" --seed "$seed" --threads "$threads" >>"$out/results.jsonl"
    done
done
python3 - "$out/results.jsonl" "$runs" "$window" "$hidden" "$epochs" "$batch" "$lr" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
runs, window, hidden, epochs, batch, lr = sys.argv[2:]
print(f"LSTM({hidden}) over windows of {window}, {epochs} epochs, batch {batch}, Adam lr {lr}; "
      f"medians over {runs} seeds (min-max in brackets)\n")
print("| threads | side | valid MSE | valid MAE | MAE below naive | train s (wall) | train s (CPU) |")
print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
summary = []
for threads in sorted({r["threads"] for r in rows}):
    medians = {}
    for side in ("lstmkit", "pytorch"):
        mine = [r for r in rows if r["side"] == side and r["threads"] == threads]
        def med(key):
            values = [r[key] for r in mine]
            return statistics.median(values), min(values), max(values)
        mse, mae, sec, cpu = med("valid_mse"), med("valid_mae"), med("train_seconds"), med("train_cpu_seconds")
        below = statistics.median([1 - r["valid_mae"] / r["naive_valid_mae"] for r in mine])
        medians[side] = (mse[0], sec[0], cpu[0])
        print(f"| {threads} | {side} | {mse[0]:.4f} [{mse[1]:.4f}-{mse[2]:.4f}] | {mae[0]:.4f} [{mae[1]:.4f}-{mae[2]:.4f}] "
              f"| {below * 100:.1f}% | {sec[0]:.2f} [{sec[1]:.2f}-{sec[2]:.2f}] | {cpu[0]:.2f} [{cpu[1]:.2f}-{cpu[2]:.2f}] |")
    ours, theirs = medians["lstmkit"], medians["pytorch"]
    summary.append(f"{threads} thread(s): valid MSE ours/PyTorch {ours[0] / theirs[0]:.3f} "
                   f"({(ours[0] / theirs[0] - 1) * 100:+.1f}%), speed ours/PyTorch {theirs[1] / ours[1]:.2f}x wall, "
                   f"{theirs[2] / ours[2]:.2f}x CPU")
print()
print("\n".join(summary))
PY
