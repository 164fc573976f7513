#!/usr/bin/env python3
"""Reference fixture for the cloze model (Sources/Models/ClozeModel.swift), computed with PyTorch.

Writes Tests/Fixtures/cloze_step.safetensors and, with the output layer tied to the embedding,
cloze_step_tied.safetensors (generated: never edit them by hand, rerun this script): a batch of
padded sentences, the model's initial parameters, the logits of every word
position, the mean cross-entropy, *every* named gradient, and the parameters after one Adam step.
The PyTorch module below has the attribute names of LSTMKit's checkpoint, so a cloze run's
model.safetensors loads into it with load_state_dict.

    python3 scripts/reference/make_cloze_fixture.py
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import save  # noqa: E402

PAD, BOS, EOS = 0, 2, 3


class ClozeModel(nn.Module):
    """Forward and backward LSTM stacks; word t predicted from forward state t-1 and backward
    state t+1, joined, through a tanh projection and a linear output layer."""

    def __init__(self, vocab, embedding, hidden, layers, projection, tie=False):
        super().__init__()
        self.encoder = nn.Embedding(vocab, embedding, padding_idx=PAD)
        self.forward_rnn = nn.LSTM(embedding, hidden, layers)
        self.backward_rnn = nn.LSTM(embedding, hidden, layers)
        self.projection = nn.Linear(2 * hidden, projection) if projection else None
        self.decoder = nn.Linear(projection or 2 * hidden, vocab)
        if tie:
            self.decoder.weight = self.encoder.weight

    @staticmethod
    def run(rnn, x, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), enforce_sorted=False)
        out, _ = rnn(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, total_length=x.shape[0])
        return out

    def forward(self, tokens, lengths, positions):
        x = self.encoder(tokens)                                   # (T, B, E)
        forward = self.run(self.forward_rnn, x, lengths)           # (T, B, H)
        reversed_x = torch.zeros_like(x)
        for b, n in enumerate(lengths):
            reversed_x[:n, b] = x[:n, b].flip(0)
        backward = self.run(self.backward_rnn, reversed_x, lengths)  # (T, B, H), reversed time
        features = torch.stack([torch.cat([forward[t - 1, b], backward[lengths[b] - 2 - t, b]])
                                for t, b in positions])             # (N, 2H)
        if self.projection is not None:
            features = torch.tanh(self.projection(features))
        return self.decoder(features)                               # (N, V)


def batch(sentences):
    """Time-major ids framed by <bos>/<eos> and padded; lengths; word positions time-major."""
    steps = max(len(s) for s in sentences) + 2
    tokens = torch.full((steps, len(sentences)), PAD, dtype=torch.long)
    lengths = []
    for b, words in enumerate(sentences):
        tokens[0, b] = BOS
        for i, w in enumerate(words):
            tokens[i + 1, b] = w
        tokens[len(words) + 1, b] = EOS
        lengths.append(len(words) + 2)
    positions = [(t, b) for t in range(1, steps - 1) for b in range(len(sentences)) if t < lengths[b] - 1]
    return tokens, lengths, positions


def step_case(file_name, config, seed):
    """One forward, backward and Adam step. Tensors are named by state_dict key, so a tied
    model's shared matrix appears as both encoder.weight and decoder.weight."""
    torch.manual_seed(seed)
    model = ClozeModel(config["vocab"], config["embedding"], config["hidden"], config["layers"], config["projection"],
                       tie=config.get("tie", False))
    names = list(model.state_dict(keep_vars=True).items())
    sentences = [[4, 9, 5, 12, 7], [8, 6], [11, 4, 4, 10], [5]]
    tokens, lengths, positions = batch(sentences)
    targets = torch.stack([tokens[t, b] for t, b in positions])
    tensors = {"tokens": tokens.float(), "lengths": torch.tensor(lengths, dtype=torch.float32)}
    for name, p in names:
        tensors[f"initial.{name}"] = p.detach().clone()
    logits = model(tokens, lengths, positions)
    loss = F.cross_entropy(logits, targets)
    loss.backward()
    tensors.update({"logits": logits, "targets": targets.float(), "loss": loss.reshape(1)})
    tensors.update({f"grad.{name}": p.grad for name, p in names})
    torch.optim.Adam(model.parameters(), lr=0.01).step()
    for name, p in names:
        tensors[f"after_adam.{name}"] = p
    save(file_name, tensors, {"config": json.dumps(config)})


def main():
    torch.set_num_threads(1)
    config = {"vocab": 13, "embedding": 5, "hidden": 4, "layers": 2, "projection": 6}
    step_case("cloze_step.safetensors", config, seed=30)
    step_case("cloze_step_tied.safetensors", dict(config, projection=5, tie=True), seed=31)


if __name__ == "__main__":
    main()
