#!/usr/bin/env bash
# Language-model speed, LSTMKit against PyTorch on the same model, data, batching and threads:
# `lstmkit bench lm` and scripts/bench/lm_torch.py run in turn, RUNS times each, under
# /usr/bin/time -v; prints the median training and evaluation tokens/s of each, the ratios
# (> 1: LSTMKit faster), our model FLOP/s as a share of the sgemm peak measured in the same
# process, and the peak resident memory of each process.
#
#   scripts/bench/lm.sh [RUNS] [-- extra flags for both, e.g. --hidden 650 --threads 2]
#
# Needs ../shared/corpora/ptb and PyTorch (pip install torch). Before each run the script waits
# for an idle CPU (scripts/bench/idle.sh, IDLE_TRIES samples of 2 s; IDLE_TRIES=0 skips it).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-3}"
shift || true
[ "${1:-}" = "--" ] && shift
swift build -c release --product lstmkit >/dev/null
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
source scripts/bench/idle.sh
measure() {  # name, command...
    local name="$1"; shift
    /usr/bin/time -v "$@" >>"$out/$name.jsonl" 2>"$out/time.txt"
    awk -F': ' '/Maximum resident set size/ {print $2}' "$out/time.txt" >>"$out/$name.rss"
}
for i in $(seq 1 "$runs"); do
    wait_for_idle
    echo "run $i/$runs: lstmkit" >&2
    measure ours .build/release/lstmkit bench lm "$@"
    wait_for_idle
    echo "run $i/$runs: pytorch" >&2
    measure torch python3 scripts/bench/lm_torch.py "$@"
done
python3 - "$out" "$runs" <<'PY'
import json, statistics, sys
out, runs = sys.argv[1], sys.argv[2]
def rows(name):
    return [json.loads(l) for l in open(f"{out}/{name}.jsonl")]
def rss(name):
    return statistics.median(int(l) for l in open(f"{out}/{name}.rss")) / 1024
ours, torch = rows("ours"), rows("torch")
med = lambda rs, k: statistics.median(r[k] for r in rs)
o = ours[0]
print(f"model {o['layers']}x{o['hidden']} LSTM, vocabulary {o['vocab']}, bptt {o['bptt']}, batch {o['batch']}, "
      f"{o['threads']} threads; medians of {runs} runs\n")
print("| | LSTMKit | PyTorch | ratio |")
print("| --- | ---: | ---: | ---: |")
for key, label in [("train_tokens_per_s", "training tokens/s"), ("eval_tokens_per_s", "evaluation tokens/s")]:
    a, b = med(ours, key), med(torch, key)
    print(f"| {label} | {a:,.0f} | {b:,.0f} | {a / b:.2f} |")
print(f"| peak memory (MiB) | {rss('ours'):,.0f} | {rss('torch'):,.0f} | |")
peak = med(ours, "gemm_peak_gflops")
print(f"\nLSTMKit model GFLOP/s: training {med(ours, 'train_gflops'):.1f}, evaluation {med(ours, 'eval_gflops'):.1f}; "
      f"sgemm at the output layer's shape {peak:.1f} GFLOP/s -> utilisation "
      f"{med(ours, 'train_gflops') / peak:.0%} (training), {med(ours, 'eval_gflops') / peak:.0%} (evaluation)")
PY
