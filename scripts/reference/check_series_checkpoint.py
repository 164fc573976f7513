#!/usr/bin/env python3
"""Checks that a series model trained by LSTMKit is the PyTorch model its config says it is.

Loads RUN/model.safetensors into the PyTorch SequenceRegressor of make_series_fixtures.py with
load_state_dict(strict=True), standardizes with the config's statistics, forecasts K steps from
several origins of the CSV column autoregressively, and compares with what
`lstmkit series predict` prints for the same origins (printed to 4-5 significant digits, hence
the tolerance 1e-3 + 1e-4·|value|).

    python3 scripts/reference/check_series_checkpoint.py runs/demo/series corpora/series/seasonal.csv
"""
import json
import os
import subprocess
import sys

import torch
from safetensors import safe_open
from safetensors.torch import load_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
from make_series_fixtures import SequenceRegressor  # noqa: E402
from series_torch import read_column  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    run, csv_path = sys.argv[1], sys.argv[2]
    steps = 5
    weights = os.path.join(run, "model.safetensors")
    with safe_open(weights, "pt") as f:
        config = json.loads(f.metadata()["config"])
    m, t = config["model"], config["training"]
    model = SequenceRegressor(m["inputSize"], m["hiddenSize"], m["layers"], m["bidirectional"], m["outputSize"],
                              m["readout"])
    model.load_state_dict(load_file(weights), strict=True)
    model.eval()
    column = config["data"]["column"] or str(config["data"]["columnNumber"])
    values = read_column(csv_path, column)
    mean, scale = config["standardization"]["mean"], config["standardization"]["scale"]
    window, horizon = t["window"], t["horizon"]
    binary = os.path.join(ROOT, ".build", "release", "lstmkit")
    worst, ok = 0.0, True
    for origin in range(window, len(values) + 1, max(1, (len(values) - window) // 6)):
        printed = subprocess.run([binary, "series", "predict", "--model", run, "--csv", csv_path, "--from", str(origin),
                                  "--steps", str(steps)], check=True, capture_output=True, text=True).stdout
        ours = [float(line.split("\t")[2]) for line in printed.splitlines()
                if line and not line.startswith("#") and not line.startswith("step")]
        recent = [(v - mean) / scale for v in values[origin - window:origin]]
        theirs = []
        with torch.no_grad():
            while len(theirs) < steps:
                out = model(torch.tensor(recent, dtype=torch.float32).reshape(window, 1, 1))[0]
                for z in out.tolist()[:steps - len(theirs)]:
                    theirs.append(mean + scale * z)
                    recent = recent[1:] + [z]
        for a, e in zip(ours, theirs):
            worst = max(worst, abs(a - e))
            ok = ok and abs(a - e) <= 1e-3 + 1e-4 * abs(e)
    print(f"{weights} loads into torch (strict) and forecasts like lstmkit: max |diff| {worst:.2g} "
          f"-> {'OK' if ok else 'MISMATCH'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
