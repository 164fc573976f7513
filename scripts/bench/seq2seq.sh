#!/usr/bin/env bash
# Translator speed, LSTMKit against PyTorch on the same CPU, same threads, same batches:
# training target tokens/s (the issue-7 model on Multi30k de->en batches of 64) and, with a
# trained run folder, test2016 decoding in sentences/s (LSTMKit batched, PyTorch one sentence at
# a time, as the issue's reference measured it), greedy and beam 5.
#
#   scripts/bench/seq2seq.sh [RUNS] [RUN_FOLDER]
#   ROWS=decode scripts/bench/seq2seq.sh 3 runs/NAME     # only the decoding rows (ROWS=train: only training)
#
# On a machine shared with other jobs, export OMP_WAIT_POLICY=PASSIVE first (both sides use
# libgomp-style OpenMP; spinning threads at a barrier collapse under contention).
# Both sides alternate row by row and thread count by thread count so they meet the same
# background load; each figure is the median of RUNS. Prints a table with the ratio
# LSTMKit / PyTorch (> 1: LSTMKit faster).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-3}"
model="${2:-}"
rows="${ROWS:-all}"
corpus="${MULTI30K:-../shared/corpora/multi30k}"
# SCRATCH=.build-bench builds into another folder (e.g. while a training run uses .build).
scratch="${SCRATCH:-.build}"
swift build -c release --product lstmkit --scratch-path "$scratch" >/dev/null
lstmkit="$scratch/release/lstmkit"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# The same tokens on both sides: LSTMKit's tokenizer writes them, PyTorch reads them split at spaces.
$lstmkit tokenize --locale de "$corpus/train.de" >"$out/train.de"
$lstmkit tokenize --locale en "$corpus/train.en" >"$out/train.en"
$lstmkit tokenize --locale de "$corpus/test2016.de" >"$out/test.tok.de"
for i in $(seq 1 "$runs"); do
    for threads in 1 2; do
        if [ "$rows" != decode ]; then
            echo "run $i/$runs, $threads thread(s): training" >&2
            $lstmkit bench seq2seq --json --threads "$threads" --src "$out/train.de" --tgt "$out/train.en" >>"$out/ours.jsonl"
            python3 scripts/bench/seq2seq_torch.py --threads "$threads" --src "$out/train.de" --tgt "$out/train.en" >>"$out/torch.jsonl"
        fi
        if [ -n "$model" ] && [ "$rows" != train ]; then
            echo "run $i/$runs, $threads thread(s): decoding" >&2
            $lstmkit bench seq2seq --json --threads "$threads" --model "$model" --test "$corpus/test2016.de" \
                --decode-sentences 1000 >>"$out/ours.jsonl"
            python3 scripts/bench/seq2seq_torch.py --threads "$threads" --model "$model" --test "$out/test.tok.de" \
                --decode-sentences 200 >>"$out/torch.jsonl"
        fi
    done
done
python3 - "$out/ours.jsonl" "$out/torch.jsonl" "$runs" "$(uptime)" <<'PY'
import json, statistics, sys
def load(path):
    rows = {}
    for line in open(path):
        if line.startswith("{"):
            r = json.loads(line)
            rows.setdefault((r["name"], r["threads"]), (r["unit"], []))[1].append(r["value"])
    return rows
ours, theirs = load(sys.argv[1]), load(sys.argv[2])
print(f"medians of {sys.argv[3]} runs; ratio = LSTMKit / PyTorch (> 1: LSTMKit faster); at the end: {sys.argv[4].strip()}\n")
print("| row | threads | LSTMKit | PyTorch | ratio |")
print("| --- | ---: | ---: | ---: | ---: |")
for key in sorted(ours, key=lambda k: (k[0], k[1])):
    unit, values = ours[key]
    mine = statistics.median(values)
    other = statistics.median(theirs[key][1]) if key in theirs else float("nan")
    print(f"| {key[0]} | {key[1]} | {mine:.1f} {unit} | {other:.1f} {unit} | {mine / other:.2f} |")
PY
