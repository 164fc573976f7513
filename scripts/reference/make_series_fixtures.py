#!/usr/bin/env python3
"""Reference fixtures for the regression losses and the SequenceRegressor, computed with PyTorch.

Writes small safetensors files under Tests/Fixtures/ (generated: never edit them by hand, rerun
this script). The Swift tests (NNTests/RegressionLossTests, ModelsTests/SequenceRegressorTests)
recompute everything and compare with |a - e| <= 1e-5 + 1e-4*|e|.

    python3 scripts/reference/make_series_fixtures.py

- regression_losses.safetensors: F.mse_loss and F.l1_loss, mean and sum, with exact ties
  (where L1's gradient is 0), the losses and the gradients with respect to the prediction.
- sequence_regressor_*.safetensors: one training step of the whole model -- the module
  below (nn.LSTM encoder, nn.Linear head) on random input: output, loss, every named gradient,
  and every parameter after one torch.optim.Adam step.
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_fixtures  # noqa: E402  (the shared writer: F32 tensors, "generated" metadata)

OUT = make_fixtures.OUT


def save(name, tensors, metadata=None):
    make_fixtures.save(name, tensors, {"generated_by": "scripts/reference/make_series_fixtures.py", **(metadata or {})})


def losses_case():
    torch.manual_seed(30)
    prediction = torch.randn(4, 3)
    target = torch.randn(4, 3)
    target[0, 1] = prediction[0, 1]  # exact ties: L1's subgradient there is 0
    target[2, 2] = prediction[2, 2]
    tensors = {"prediction": prediction, "target": target}
    for kind, fn in (("mse", F.mse_loss), ("l1", F.l1_loss)):
        for reduction in ("mean", "sum"):
            p = prediction.clone().requires_grad_()
            loss = fn(p, target, reduction=reduction)
            loss.backward()
            tensors[f"{kind}.{reduction}.loss"] = loss.reshape(1)
            tensors[f"{kind}.{reduction}.grad"] = p.grad
    save("regression_losses.safetensors", tensors)


class SequenceRegressor(nn.Module):
    """LSTMKit's SequenceRegressor in PyTorch: same parameter names, same readouts."""

    def __init__(self, input_size, hidden, layers, bidirectional, outputs, readout):
        super().__init__()
        self.encoder = nn.LSTM(input_size, hidden, num_layers=layers, bidirectional=bidirectional)
        self.head = nn.Linear(hidden * (2 if bidirectional else 1), outputs)
        self.bidirectional = bidirectional
        self.readout = readout

    def forward(self, x, lengths=None):
        if lengths is not None:
            packed = nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), enforce_sorted=False)
            out, (h, _) = self.encoder(packed)
            out, _ = nn.utils.rnn.pad_packed_sequence(out, total_length=x.shape[0])
        else:
            out, (h, _) = self.encoder(x)
        if self.readout == "every":
            return self.head(out)
        last = torch.cat([h[-2], h[-1]], dim=1) if self.bidirectional else h[-1]
        return self.head(last)


def regressor_case(file_name, seed, input_size, hidden, layers, bidirectional, outputs, readout, loss_kind,
                   steps, batch, lengths=None, lr=0.01):
    torch.manual_seed(seed)
    model = SequenceRegressor(input_size, hidden, layers, bidirectional, outputs, readout)
    x = torch.randn(steps, batch, input_size)
    tensors = {"input": x}
    for name, p in model.named_parameters():
        tensors[f"param.{name}"] = p.detach().clone()
    output = model(x, lengths)
    target = torch.randn_like(output)
    loss = (F.mse_loss if loss_kind == "mse" else F.l1_loss)(output, target)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    optimizer.zero_grad()
    loss.backward()
    for name, p in model.named_parameters():
        tensors[f"grad.{name}"] = p.grad.clone()
    optimizer.step()
    for name, p in model.named_parameters():
        tensors[f"updated.{name}"] = p.detach().clone()
    tensors.update({"output": output, "target": target, "loss": loss.reshape(1)})
    if lengths is not None:
        tensors["lengths"] = torch.tensor(lengths, dtype=torch.float32)
    config = {"inputSize": input_size, "hiddenSize": hidden, "layers": layers, "bidirectional": bidirectional,
              "outputSize": outputs, "readout": readout, "loss": loss_kind, "learningRate": lr}
    save(file_name, tensors, {"config": json.dumps(config)})


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    losses_case()
    regressor_case("sequence_regressor_last.safetensors", 31, input_size=2, hidden=4, layers=2,
                   bidirectional=False, outputs=3, readout="last", loss_kind="mse", steps=6, batch=3)
    regressor_case("sequence_regressor_bi_lengths.safetensors", 32, input_size=2, hidden=3, layers=1,
                   bidirectional=True, outputs=2, readout="last", loss_kind="mse", steps=5, batch=3,
                   lengths=[5, 2, 4])
    regressor_case("sequence_regressor_bi_every.safetensors", 33, input_size=3, hidden=3, layers=1,
                   bidirectional=True, outputs=2, readout="every", loss_kind="l1", steps=5, batch=2)


if __name__ == "__main__":
    main()
