#!/usr/bin/env python3
"""PyTorch side of the translator speed benchmark (`scripts/bench/seq2seq.sh` runs both sides).

Training: the issue-7 model -- embeddings 256, one-layer BiLSTM encoder (256 per direction),
bridge, LSTM decoder (512) with Luong "general" attention and input feeding, dropout 0.3,
Adam 1e-3, global-norm clipping 5 -- the module of scripts/reference/make_translator_fixtures.py,
on the batches `lstmkit bench seq2seq` builds from the same pre-tokenized files (pairs in file
order, pools of 100 batches of 64 sorted by source then target length). Prints target tokens/s.

Decoding (--model, --test): loads an LSTMKit run folder (config.json, vocab.*.tsv,
model.safetensors) into that module with load_state_dict(strict=True) and translates the first
sentences of a pre-tokenized file one sentence at a time, greedy and with beam 5 (the
reference setup of issue 7). Prints sentences/s. Every rate also comes per processor second
(time.process_time, all threads), which other jobs on the machine disturb less. Only for benchmarks: nothing in the build or
the tests needs Python.
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
from make_translator_fixtures import Translator  # noqa: E402

PAD, UNK, BOS, EOS = 0, 1, 2, 3


def read_pairs(src, tgt):
    pairs = []
    with open(src, encoding="utf-8") as fs, open(tgt, encoding="utf-8") as ft:
        for a, b in zip(fs, ft):
            a, b = a.split(), b.split()
            if a and b:
                pairs.append((a, b))
    return pairs


def build_vocab(sentences, min_count=2):
    counts = {}
    for s in sentences:
        for w in s:
            counts[w] = counts.get(w, 0) + 1
    words = sorted((w for w, c in counts.items() if c >= min_count and w not in ("<pad>", "<unk>", "<bos>", "<eos>")),
                   key=lambda w: (-counts[w], w.encode("utf-8")))
    return {w: i for i, w in enumerate(["<pad>", "<unk>", "<bos>", "<eos>"] + words)}


def make_batch(pairs, sv, tv):
    b = len(pairs)
    s = max(len(x) for x, _ in pairs) + 1
    t = max(len(y) for _, y in pairs) + 1
    src = torch.zeros(s, b, dtype=torch.long)
    tin = torch.zeros(t, b, dtype=torch.long)
    tout = torch.zeros(t, b, dtype=torch.long)
    for j, (x, y) in enumerate(pairs):
        ids = [sv.get(w, UNK) for w in x]
        src[: len(ids), j] = torch.tensor(ids)
        src[len(ids), j] = EOS
        yt = [tv.get(w, UNK) for w in y]
        tin[0, j] = BOS
        tin[1: len(yt) + 1, j] = torch.tensor(yt)
        tout[: len(yt), j] = torch.tensor(yt)
        tout[len(yt), j] = EOS
    lengths = torch.tensor([len(x) + 1 for x, _ in pairs])
    return src, lengths, tin, tout, sum(len(y) + 1 for _, y in pairs)


def bench_training(args):
    pairs = read_pairs(args.src, args.tgt)
    sv = build_vocab(p[0] for p in pairs)
    tv = build_vocab(p[1] for p in pairs)
    batches = []
    pool = 64 * 100
    for start in range(0, len(pairs), pool):
        order = sorted(range(start, min(len(pairs), start + pool)),
                       key=lambda i: (len(pairs[i][0]), len(pairs[i][1]), i))
        for cut in range(0, len(order), 64):
            batches.append([pairs[i] for i in order[cut: cut + 64]])
    torch.manual_seed(1)
    model = Translator(len(sv), len(tv), 256, 256, 512, 1, "general", dropout=0.3)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    tokens, start, cpu = 0, time.perf_counter(), time.process_time()
    for i, pb in enumerate(batches[: args.warmup + args.train_batches]):
        if i == args.warmup:
            tokens, start, cpu = 0, time.perf_counter(), time.process_time()
        src, lengths, tin, tout, n = make_batch(pb, sv, tv)
        optimizer.zero_grad()
        logits = model(src, lengths, tin)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tout.reshape(-1), ignore_index=PAD)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
        tokens += n
    return tokens / (time.perf_counter() - start), tokens / (time.process_time() - cpu)


def load_run(folder):
    from safetensors.torch import load_file
    config = json.load(open(os.path.join(folder, "config.json")))["model"]

    def vocab(path):
        with open(path, encoding="utf-8") as f:
            return {line.split("\t")[0]: i for i, line in enumerate(f)}

    sv = vocab(os.path.join(folder, "vocab.source.tsv"))
    model = Translator(config["sourceVocabularySize"], config["targetVocabularySize"], config["embeddingSize"],
                       config["encoderHiddenSize"], config["decoderHiddenSize"], config["layers"], config["attention"],
                       dropout=0.0, tie=config["tiesOutputEmbedding"])
    model.load_state_dict(load_file(os.path.join(folder, "model.safetensors")), strict=True)
    model.eval()
    return model, sv


@torch.no_grad()
def translate_one(model, ids, beam, max_len):
    """One sentence: greedy (beam 1) or beam search over `beam` rows; returns token ids."""
    src = torch.tensor(ids + [EOS]).unsqueeze(1)
    lengths = torch.tensor([len(ids) + 1])
    memory, state = model.encode(src, lengths)
    memory_b = memory.transpose(0, 1)
    keys = model.attention.keys(memory_b)
    mask = torch.ones(1, memory_b.shape[1], dtype=torch.bool)
    rows = 1
    tokens = torch.full((1,), BOS, dtype=torch.long)
    feed = torch.zeros(1, model.hd)
    scores = torch.zeros(1)
    history = [[]]
    finished = []
    for _ in range(max_len):
        x = torch.cat([model.tgt_embedding(tokens), feed], dim=1)
        out, state = model.decoder(x.unsqueeze(0), state)
        h = out.squeeze(0)
        context, _ = model.attention(h, memory_b.expand(rows, -1, -1), keys.expand(rows, -1, -1), mask.expand(rows, -1))
        feed = torch.tanh(model.linear_out(torch.cat([context, h], dim=1)))
        logp = torch.log_softmax(model.generator(feed), dim=1)
        if beam == 1:
            best = int(logp[0].argmax())
            if best == EOS:
                return history[0]
            history[0].append(best)
            tokens = torch.tensor([best])
            continue
        total = (scores.unsqueeze(1) + logp).view(-1)
        top, index = total.topk(2 * beam)
        v = logp.shape[1]
        keep_rows, keep_tokens, keep_scores = [], [], []
        for score, flat in zip(top.tolist(), index.tolist()):
            row, token = divmod(flat, v)
            if token == EOS:
                finished.append((score, history[row]))
            elif len(keep_rows) < beam:
                keep_rows.append(row)
                keep_tokens.append(token)
                keep_scores.append(score)
        if len(finished) >= 1 and max(f[0] for f in finished) >= keep_scores[0]:
            break
        history = [history[r] + [t] for r, t in zip(keep_rows, keep_tokens)]
        select = torch.tensor(keep_rows)
        state = tuple(s[:, select] for s in state)
        feed = feed[select]
        tokens = torch.tensor(keep_tokens)
        scores = torch.tensor(keep_scores)
        rows = len(keep_rows)
    if finished:
        return max(finished)[1]
    return history[0]


def bench_decoding(args, beam):
    model, sv = load_run(args.model)
    with open(args.test, encoding="utf-8") as f:
        sentences = [line.split() for line in f if line.strip()][: args.decode_sentences]
    ids = [[sv.get(w, UNK) for w in s] for s in sentences]
    for sentence in ids[:10]:
        translate_one(model, sentence, beam, 2 * len(sentence) + 10)
    start, cpu = time.perf_counter(), time.process_time()
    for sentence in ids:
        translate_one(model, sentence, beam, 2 * len(sentence) + 10)
    return len(ids) / (time.perf_counter() - start), len(ids) / (time.process_time() - cpu)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--src")
    p.add_argument("--tgt")
    p.add_argument("--train-batches", type=int, default=40)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--model")
    p.add_argument("--test", help="pre-tokenized source sentences")
    p.add_argument("--decode-sentences", type=int, default=500)
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--mkldnn", choices=["auto", "on", "off"], default="auto",
                   help="PyTorch's oneDNN path: auto keeps it for training (PyTorch's default, as fast as off "
                        "there) and turns it off for one-sentence decoding, where its per-call LSTM set-up "
                        "made each step several times slower on this machine")
    args = p.parse_args()
    for threads in args.threads:
        torch.set_num_threads(threads)
        if args.src:
            torch.backends.mkldnn.enabled = args.mkldnn != "off"
            wall, cpu = bench_training(args)
            print(json.dumps({"name": "train", "threads": threads, "value": wall, "unit": "target tok/s"}), flush=True)
            print(json.dumps({"name": "train per cpu", "threads": threads, "value": cpu, "unit": "target tok/cpu-s"}), flush=True)
        if args.model:
            torch.backends.mkldnn.enabled = args.mkldnn == "on"
            for beam in (1, 5):
                name = "decode greedy" if beam == 1 else "decode beam 5"
                wall, cpu = bench_decoding(args, beam)
                print(json.dumps({"name": name, "threads": threads, "value": wall, "unit": "sentences/s"}), flush=True)
                print(json.dumps({"name": name + " per cpu", "threads": threads, "value": cpu, "unit": "sentences/cpu-s"}), flush=True)


if __name__ == "__main__":
    main()
