#!/usr/bin/env bash
# Checks that a trained LSTMKit translator and the same checkpoint loaded into the PyTorch module
# (scripts/reference/make_translator_fixtures.py, load_state_dict(strict=True)) translate alike:
# greedy search, no unknown-word replacement, the first N sentences of a source file; LSTMKit's
# detokenized output is tokenized again and compared word for word with PyTorch's.
#
#   scripts/reference/compare_decoding.sh RUN_FOLDER SOURCE_FILE [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
run="$1"; source="$2"; n="${3:-100}"
lstmkit="${LSTMKIT:-.build/release/lstmkit}"
src=$(python3 -c "import json,sys; c=json.load(open(sys.argv[1])); print(c['sourceLanguage'], c['targetLanguage'])" "$run/config.json")
read -r srclang tgtlang <<<"$src"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
head -n "$n" "$source" >"$out/source"
"$lstmkit" tokenize --locale "$srclang" "$out/source" >"$out/source.tok"
"$lstmkit" translate --model "$run" --greedy --no-replace-unk --threads 1 <"$out/source" \
    | "$lstmkit" tokenize --locale "$tgtlang" >"$out/ours.tok"
python3 - "$run" "$out/source.tok" "$out/ours.tok" <<'PY'
import os, sys
sys.path.insert(0, os.path.join("scripts", "bench"))
sys.argv, argv = sys.argv[:1], sys.argv[1:]
import torch
import seq2seq_torch as s
torch.set_num_threads(1)
torch.backends.mkldnn.enabled = False
run, source, ours = argv
model, sv = s.load_run(run)
tv = [line.split("\t")[0] for line in open(os.path.join(run, "vocab.target.tsv"), encoding="utf-8")]
mine = [line.split() for line in open(ours, encoding="utf-8")]
same = 0
for i, line in enumerate(open(source, encoding="utf-8")):
    ids = [sv.get(w, s.UNK) for w in line.split()]
    theirs = [tv[t] for t in s.translate_one(model, ids, 1, 2 * len(ids) + 10)] if ids else []
    if theirs == mine[i]:
        same += 1
    else:
        print(f"line {i + 1} differs:\n  PyTorch: {' '.join(theirs)}\n  LSTMKit: {' '.join(mine[i])}")
print(f"{same} of {len(mine)} greedy translations identical")
PY
