#!/usr/bin/env python3
"""PyTorch side of the forecasting benchmark (scripts/bench/series.sh runs both sides).

Trains what `lstmkit series train` trains, the same way: one CSV column, standardized with the
mean and population standard deviation of the training part (the first 1 - valid of the values),
sliding windows of --window values forecasting the next --horizon, training windows (targets
inside the training part) shuffled each epoch, validation windows (targets inside the validation
part), nn.LSTM(1, hidden, layers) -> last hidden state -> nn.Linear(hidden, horizon), MSE on
standardized values, torch.optim.Adam(lr) with default betas, batches of --batch-size (last one
smaller), validation after every epoch, the best epoch's parameters kept. Prints one JSON line:
errors of the best model in the column's units (and the naive last-value forecast's), and the
wall and processor seconds spent in training batches. Only for benchmarks: nothing in the build or tests needs Python.

    python3 scripts/bench/series_torch.py --csv corpora/series/seasonal.csv --window 48 --epochs 20
"""
import argparse
import copy
import csv
import json
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_column(path, column):
    """The column as lstmkit reads it: by header name, by number from 1, or the last one; the
    first row is a header when the chosen cell is not a number."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = [r for r in csv.reader(f) if r and any(c.strip() for c in r)]

    def number(cell):
        try:
            return np.isfinite(float(cell))
        except ValueError:
            return False
    first = [c.strip() for c in rows[0]]
    if column is None:
        index = len(first) - 1
    elif column in first and not all(number(c) for c in first):
        index = first.index(column)
    else:
        index = int(column) - 1
    header = not number(first[index])
    return np.array([float(r[index]) for r in rows[1 if header else 0:]], dtype=np.float64)


class SequenceRegressor(nn.Module):
    def __init__(self, hidden, layers, outputs):
        super().__init__()
        self.encoder = nn.LSTM(1, hidden, num_layers=layers)
        self.head = nn.Linear(hidden, outputs)

    def forward(self, x):  # x: (N, B, 1), time-major as lstmkit
        _, (h, _) = self.encoder(x)
        return self.head(h[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--csv", required=True)
    p.add_argument("--column")
    p.add_argument("--window", type=int, required=True)
    p.add_argument("--horizon", type=int, default=1)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--valid", type=float, default=0.2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    values = read_column(args.csv, args.column)
    n, w, h = len(values), args.window, args.horizon
    train_end = n - int(round(n * args.valid))
    mean = values[:train_end].mean()
    scale = values[:train_end].std() or 1.0
    z = torch.tensor((values - mean) / scale, dtype=torch.float32)
    # Every window's inputs and targets, gathered once: (windows, N) and (windows, H).
    starts_all = torch.arange(n - w - h + 1)
    inputs = torch.stack([z[s:s + w] for s in starts_all.tolist()])
    targets = torch.stack([z[s + w:s + w + h] for s in starts_all.tolist()])
    train_starts = torch.arange(0, train_end - w - h + 1)
    valid_starts = torch.arange(train_end - w, n - w - h + 1)
    values_t = torch.tensor(values)

    model = SequenceRegressor(args.hidden, args.layers, h)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    def evaluate(starts):
        with torch.no_grad():
            predictions = torch.cat([model(inputs[starts[i:i + 256]].t().unsqueeze(-1))
                                     for i in range(0, len(starts), 256)])
        predicted = predictions.double() * scale + mean
        actual = torch.stack([values_t[s + w:s + w + h] for s in starts.tolist()])
        naive = values_t[starts + w - 1].unsqueeze(1).expand_as(actual)
        return {"mse": ((predicted - actual) ** 2).mean().item(), "mae": (predicted - actual).abs().mean().item(),
                "naive_mse": ((naive - actual) ** 2).mean().item(), "naive_mae": (naive - actual).abs().mean().item()}

    best = None
    train_seconds = train_cpu_seconds = 0.0
    epochs = []
    for epoch in range(1, args.epochs + 1):
        order = train_starts[torch.randperm(len(train_starts))]
        start, cpu_start = time.perf_counter(), time.process_time()
        model.train()
        for i in range(0, len(order), args.batch_size):
            batch = order[i:i + args.batch_size]
            x = inputs[batch].t().unsqueeze(-1)
            loss = F.mse_loss(model(x), targets[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        train_seconds += time.perf_counter() - start
        train_cpu_seconds += time.process_time() - cpu_start
        model.eval()
        valid = evaluate(valid_starts)
        epochs.append(valid["mse"])
        if best is None or valid["mse"] < best[1]:
            best = (epoch, valid["mse"], copy.deepcopy(model.state_dict()))
    model.load_state_dict(best[2])
    train, valid = evaluate(train_starts), evaluate(valid_starts)
    print(json.dumps({"side": "pytorch", "seed": args.seed, "threads": args.threads, "best_epoch": best[0],
                      "valid_mse": valid["mse"], "valid_mae": valid["mae"], "naive_valid_mse": valid["naive_mse"],
                      "naive_valid_mae": valid["naive_mae"], "train_mse": train["mse"], "train_mae": train["mae"],
                      "train_seconds": train_seconds, "train_cpu_seconds": train_cpu_seconds,
                      "epoch_valid_mse": epochs}))


if __name__ == "__main__":
    main()
