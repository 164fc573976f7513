#!/usr/bin/env python3
"""The rows of `lstmkit bench core`, measured in PyTorch on the same shapes and thread counts.

    python3 scripts/bench/core_torch.py [--threads 1 2] [--seconds 0.5] [--json]

Row names match lstmkit's so scripts/bench/core.sh can pair them. Timing: median seconds per
call over batches of calls after a warm-up, as CoreBenchmark.timePerCall does.
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F

GEMM_SHAPES = [(20, 200, 800), (700, 200, 800), (700, 200, 10000),
               (20, 650, 2600), (700, 650, 2600), (700, 650, 10000)]


def time_per_call(body, minimum_seconds):
    body()
    body()
    calls = 0
    start = time.perf_counter()
    while True:
        body()
        calls += 1
        if time.perf_counter() - start >= 0.05:
            break
    per_batch = max(1, calls)
    samples = []
    begin = time.perf_counter()
    while True:
        start = time.perf_counter()
        for _ in range(per_batch):
            body()
        samples.append((time.perf_counter() - start) / per_batch)
        if time.perf_counter() - begin >= minimum_seconds and len(samples) >= 5:
            break
    samples.sort()
    return samples[len(samples) // 2]


def rows(threads, seconds, only=None):
    """Yields (name, value, unit) for every row whose name contains `only`. The generator is
    lazy, so rows not wanted are skipped before any work: each block checks its name first."""
    torch.set_num_threads(threads)
    torch.manual_seed(1)

    def wanted(name):
        return only is None or only in name
    for m, k, n in GEMM_SHAPES:
        if not wanted(f"gemm {m}x{k}x{n}"):
            continue
        a = torch.rand(m, k) * 2 - 1
        w = torch.rand(n, k) * 2 - 1
        c = torch.empty(m, n)
        # x · Wᵀ, as nn.Linear computes it (MKL sgemm).
        t = time_per_call(lambda: torch.mm(a, w.t(), out=c), seconds)
        yield f"gemm {m}x{k}x{n}", 2.0 * m * k * n / t / 1e9, "GFLOP/s"
    for hidden in (200, 650):
        if not wanted(f"lstm fwd+bwd T=35 B=20 H={hidden}"):
            continue
        lstm = torch.nn.LSTM(hidden, hidden)
        x = (torch.rand(35, 20, hidden) * 2 - 1).requires_grad_()
        dy = torch.rand(35, 20, hidden) * 2 - 1

        def step():
            y, _ = lstm(x)
            y.backward(dy)
        yield f"lstm fwd+bwd T=35 B=20 H={hidden}", time_per_call(step, seconds) * 1e3, "ms"
    for hidden in (200, 650):
        if not wanted(f"linear+softmax-CE fwd+bwd N=700 V=10k H={hidden}"):
            continue
        linear = torch.nn.Linear(hidden, 10000)
        x = (torch.rand(700, hidden) * 2 - 1).requires_grad_()
        targets = torch.randint(0, 10000, (700,))

        def step():
            loss = F.cross_entropy(linear(x), targets)
            loss.backward()
        yield f"linear+softmax-CE fwd+bwd N=700 V=10k H={hidden}", time_per_call(step, seconds) * 1e3, "ms"
    if not wanted("softmax-CE loss+grad N=700 V=10k"):
        return
    logits = ((torch.rand(700, 10000) * 10) - 5).requires_grad_()
    targets = torch.randint(0, 10000, (700,))

    def step():
        F.cross_entropy(logits, targets).backward()
    yield "softmax-CE loss+grad N=700 V=10k", time_per_call(step, seconds) * 1e3, "ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seconds", type=float, default=0.5)
    parser.add_argument("--only", help="only rows whose name contains this text")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    for threads in args.threads:
        for name, value, unit in rows(threads, args.seconds, args.only):
            if args.json:
                print(json.dumps({"name": name, "threads": threads, "value": value, "unit": unit}), flush=True)
            else:
                print(f"{name:48s}{threads:7d}  {value:10.2f} {unit}", flush=True)


if __name__ == "__main__":
    main()
