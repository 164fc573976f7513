#!/usr/bin/env python3
"""PyTorch side of the language-model speed benchmark (`scripts/bench/lm.sh` runs both sides).

Trains the model `lstmkit bench lm` trains -- Embedding -> LSTM (layers x hidden) -> Linear ->
softmax cross-entropy over V words, standard LM batching (B contiguous columns), truncated BPTT,
plain SGD with global-norm clipping -- on the same data and threads, and prints one JSON line:
training tokens/s and evaluation tokens/s. Only for benchmarks; nothing in the build or the tests
needs Python.
"""
import argparse
import json
import os
import time


def read_tokens(path, vocab):
    ids = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            for w in line.split() + ["<eos>"]:
                if w not in vocab:
                    vocab[w] = len(vocab)
                ids.append(vocab[w])
    return ids


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--corpus", default=os.path.join(os.path.dirname(__file__), "../../../shared/corpora/ptb"))
    p.add_argument("--hidden", type=int, default=200)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--bptt", type=int, default=35)
    p.add_argument("--batch", type=int, default=20)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--train-batches", type=int, default=200, help="timed training chunks")
    p.add_argument("--eval-batches", type=int, default=400, help="timed evaluation chunks")
    p.add_argument("--warmup", type=int, default=10)
    args = p.parse_args()

    import torch
    import torch.nn as nn

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    vocab = {}
    train = read_tokens(os.path.join(args.corpus, "ptb.train.txt"), vocab)
    V = len(vocab)
    data = torch.tensor(train, dtype=torch.long)
    rows = data.numel() // args.batch
    data = data[: rows * args.batch].view(args.batch, rows).t().contiguous()  # (rows, B)

    class LM(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Embedding(V, args.hidden)
            self.rnn = nn.LSTM(args.hidden, args.hidden, args.layers)
            self.decoder = nn.Linear(args.hidden, V)

        def forward(self, x, state):
            out, state = self.rnn(self.encoder(x), state)
            return self.decoder(out.view(-1, args.hidden)), state

    model = LM()
    for p_ in model.parameters():
        nn.init.uniform_(p_, -0.1, 0.1)
    loss_fn = nn.CrossEntropyLoss()

    def chunk(i):
        n = min(args.bptt, rows - 1 - i)
        return data[i:i + n], data[i + 1:i + 1 + n].reshape(-1), n

    def zero_state():
        z = torch.zeros(args.layers, args.batch, args.hidden)
        return (z, z.clone())

    def train_steps(count, start_row):
        model.train()
        state = zero_state()
        i = start_row
        tokens = 0
        for _ in range(count):
            if i >= rows - 1:
                i = 0
            x, y, n = chunk(i)
            state = tuple(s.detach() for s in state)
            model.zero_grad()
            logits, state = model(x, state)
            loss = loss_fn(logits, y)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
            with torch.no_grad():
                for p_ in model.parameters():
                    p_.add_(p_.grad, alpha=-20.0)
            tokens += n * args.batch
            i += n
        return tokens

    def eval_steps(count, start_row):
        model.eval()
        state = zero_state()
        i = start_row
        tokens = 0
        total = 0.0
        with torch.no_grad():
            for _ in range(count):
                if i >= rows - 1:
                    i = 0
                x, y, n = chunk(i)
                logits, state = model(x, state)
                total += loss_fn(logits, y).item() * n
                tokens += n * args.batch
                i += n
        return tokens

    train_steps(args.warmup, 0)
    t0 = time.perf_counter()
    n_train = train_steps(args.train_batches, 0)
    t_train = time.perf_counter() - t0
    eval_steps(args.warmup, 0)
    t0 = time.perf_counter()
    n_eval = eval_steps(args.eval_batches, 0)
    t_eval = time.perf_counter() - t0
    print(json.dumps({
        "impl": "pytorch " + torch.__version__, "threads": args.threads, "hidden": args.hidden,
        "layers": args.layers, "vocab": V, "bptt": args.bptt, "batch": args.batch,
        "train_tokens_per_s": n_train / t_train, "eval_tokens_per_s": n_eval / t_eval,
    }))


if __name__ == "__main__":
    main()
