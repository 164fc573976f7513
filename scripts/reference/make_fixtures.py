#!/usr/bin/env python3
"""Reference fixtures for the Tensor/NN tests, computed with PyTorch.

Writes small safetensors files under Tests/Fixtures/ (generated: never edit them by hand, rerun
this script). Each file holds the inputs, PyTorch's outputs and *every* named gradient of one
case; the Swift tests recompute them and compare with |a - e| <= 1e-5 + 1e-4*|e|.

    python3 scripts/reference/make_fixtures.py            # write the fixtures
    python3 scripts/reference/make_fixtures.py --check-lstmkit
        # also: have LSTMKit write a checkpoint (the NNTests test
        # testWritesACheckpointThatReloadsAndThatPyTorchCanLoad, run with LSTMKIT_CHECKPOINT_OUT
        # set), load it into the equivalent torch.nn.Module with load_state_dict(strict=True),
        # and compare the logits with LSTMKit's own

Integer data (token ids, lengths, targets) is stored as F32 (exact for small integers), because
LSTMKit's safetensors reader accepts F32 only.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import load_file, save_file

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures")
NOTE = {"generated_by": "scripts/reference/make_fixtures.py", "note": "generated file, do not edit",
        "torch": torch.__version__}


def save(name, tensors, metadata=None):
    meta = dict(NOTE)
    meta.update(metadata or {})
    tensors = {k: v.detach().to(torch.float32).contiguous().clone() for k, v in tensors.items()}
    path = os.path.join(OUT, name)
    save_file(tensors, path, metadata=meta)
    canonicalize_header(path)
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")


def canonicalize_header(path):
    """Rewrites the JSON header with sorted keys: the safetensors writer orders metadata by hash,
    which would make every regeneration differ in bytes though not in content."""
    with open(path, "rb") as f:
        data = f.read()
    length = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + length])
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    text += b" " * (-(8 + len(text)) % 8)
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little") + text + data[8 + length:])


def params_and_grads(module, prefix=""):
    out = {}
    for name, p in module.named_parameters():
        out[f"param.{prefix}{name}"] = p
        out[f"grad.{prefix}{name}"] = p.grad
    return out


def recurrent_case(file_name, cell, input_size, hidden, layers, bidirectional, steps, batch,
                   lengths=None, seed=0):
    """One forward/backward of a recurrent stack with an initial state and a loss that weighs
    every output and final-state element by a random factor."""
    torch.manual_seed(seed)
    cls = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell]
    module = cls(input_size, hidden, num_layers=layers, bidirectional=bidirectional)
    d = 2 if bidirectional else 1
    x = torch.randn(steps, batch, input_size, requires_grad=True)
    h0 = torch.randn(layers * d, batch, hidden, requires_grad=True)
    c0 = torch.randn(layers * d, batch, hidden, requires_grad=True) if cell == "lstm" else None
    state = (h0, c0) if cell == "lstm" else h0
    if lengths is not None:
        packed = nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), enforce_sorted=False)
        out, final = module(packed, state)
        y, _ = nn.utils.rnn.pad_packed_sequence(out, total_length=steps)
    else:
        y, final = module(x, state)
    hn, cn = final if cell == "lstm" else (final, None)
    dy = torch.randn_like(y)
    dhn = torch.randn_like(hn)
    loss = (y * dy).sum() + (hn * dhn).sum()
    tensors = {"input": x, "h0": h0, "output": y, "hn": hn, "dy": dy, "dhn": dhn}
    if cn is not None:
        dcn = torch.randn_like(cn)
        loss = loss + (cn * dcn).sum()
        tensors.update({"c0": c0, "cn": cn, "dcn": dcn})
    loss.backward()
    tensors["grad.input"] = x.grad
    tensors["grad.h0"] = h0.grad
    if c0 is not None:
        tensors["grad.c0"] = c0.grad
    if lengths is not None:
        tensors["lengths"] = torch.tensor(lengths, dtype=torch.float32)
    tensors.update(params_and_grads(module))
    config = {"cell": cell, "inputSize": input_size, "hiddenSize": hidden, "layers": layers,
              "bidirectional": bidirectional}
    save(file_name, tensors, {"config": json.dumps(config)})


def embedding_linear_ce_case():
    torch.manual_seed(1)
    vocab, dims, n = 11, 6, 12
    embedding = nn.Embedding(vocab, dims, padding_idx=0)
    linear = nn.Linear(dims, vocab)
    ids = torch.randint(0, vocab, (n,))
    ids[3] = 0  # the padding row: read, never trained
    targets = torch.randint(1, vocab, (n,))
    targets[5] = 0
    targets[9] = 0
    tensors = {"ids": ids.float(), "targets": targets.float(),
               "param.embedding.weight": embedding.weight, "param.linear.weight": linear.weight,
               "param.linear.bias": linear.bias}
    cases = {"a": dict(ignore_index=0, label_smoothing=0.1, reduction="mean"),
             "b": dict(reduction="sum")}
    for key, kwargs in cases.items():
        embedding.zero_grad()
        linear.zero_grad()
        logits = linear(embedding(ids))
        loss = F.cross_entropy(logits, targets, **kwargs)
        loss.backward()
        tensors[f"{key}.logits"] = logits
        tensors[f"{key}.loss"] = loss.reshape(1)
        tensors[f"{key}.grad.embedding.weight"] = embedding.weight.grad.clone()
        tensors[f"{key}.grad.linear.weight"] = linear.weight.grad.clone()
        tensors[f"{key}.grad.linear.bias"] = linear.bias.grad.clone()
    save("embedding_linear_ce.safetensors", tensors,
         {"cases": json.dumps({k: v for k, v in cases.items()})})


def embedding_dropout_case():
    """Embedding dropout as AWD-LSTM's embedded_dropout applies it: a mask of whole rows, 0 or
    1/(1-p), multiplies the matrix before the lookup, so every occurrence of a dropped word reads
    zeros; the output layer tied to the same matrix reads it undropped."""
    torch.manual_seed(3)
    vocab, dims, n, p = 9, 5, 14, 0.4
    weight = nn.Parameter(torch.randn(vocab, dims))
    bias = nn.Parameter(0.1 * torch.randn(vocab))
    ids = torch.randint(1, vocab, (n,))
    ids[4] = 0  # the padding row: read, never trained through the lookup
    targets = torch.randint(1, vocab, (n,))
    mask = torch.empty(vocab, 1).bernoulli_(1 - p) / (1 - p)
    dropped = {int(i) for i in ids if i != 0 and mask[i, 0] == 0}
    kept = {int(i) for i in ids if i != 0 and mask[i, 0] != 0}
    assert dropped and kept, "the fixture should drop some words it reads and keep others"
    x = F.embedding(ids, weight * mask, padding_idx=0)
    logits = F.linear(x, weight, bias)
    loss = F.cross_entropy(logits, targets)
    loss.backward()
    save("embedding_dropout.safetensors", {
        "ids": ids.float(), "targets": targets.float(), "row_mask": mask.reshape(vocab),
        "param.weight": weight, "param.bias": bias, "logits": logits, "loss": loss.reshape(1),
        "grad.weight": weight.grad, "grad.bias": bias.grad,
    }, {"probability": str(p)})


class TinyLM(nn.Module):
    """Embedding -> LSTM -> Linear, the word_language_model layout with PyTorch's names."""

    def __init__(self, vocab, embedding, hidden, layers, tie):
        super().__init__()
        self.encoder = nn.Embedding(vocab, embedding)
        self.rnn = nn.LSTM(embedding, hidden, layers)
        self.decoder = nn.Linear(hidden, vocab)
        if tie:
            self.decoder.weight = self.encoder.weight

    def forward(self, ids, state=None):
        out, state = self.rnn(self.encoder(ids), state)
        return self.decoder(out), state


def training_case(file_name, optimizer_name, tie, seed):
    """Ten steps of truncated BPTT on a tiny LM: state carried (detached) across chunks, mean
    cross-entropy, optional clipping, SGD or Adam."""
    torch.manual_seed(seed)
    vocab, emb, hidden, layers, steps, batch, chunks = 12, 8, 8, 2, 5, 2, 10
    model = TinyLM(vocab, emb, hidden, layers, tie)
    data = torch.randint(0, vocab, (steps * chunks + 1, batch))
    tensors = {"data": data.float()}
    for name, p in model.state_dict().items():
        tensors[f"initial.{name}"] = p.clone()
    if optimizer_name == "sgd":
        settings = dict(lr=1.0, momentum=0.5, weight_decay=1e-3)
        optimizer = torch.optim.SGD(model.parameters(), **settings)
        clip = 0.5
    else:
        settings = dict(lr=0.01)
        optimizer = torch.optim.Adam(model.parameters(), **settings)
        clip = None
    losses = []
    state = None
    for i in range(chunks):
        x = data[i * steps:(i + 1) * steps]
        y = data[i * steps + 1:(i + 1) * steps + 1]
        if state is not None:
            state = tuple(s.detach() for s in state)
        logits, state = model(x, state)
        loss = F.cross_entropy(logits.reshape(-1, vocab), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        if clip is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        losses.append(loss.item())
    tensors["losses"] = torch.tensor(losses)
    for name, p in model.state_dict().items():
        tensors[f"final.{name}"] = p.clone()
    config = {"vocab": vocab, "embedding": emb, "hidden": hidden, "layers": layers, "steps": steps,
              "batch": batch, "chunks": chunks, "tie": tie, "optimizer": optimizer_name,
              "settings": settings, "clip": clip}
    save(file_name, tensors, {"config": json.dumps(config)})


def torch_checkpoint_case():
    """A checkpoint as PyTorch users write it (safetensors.torch.save_file of a state_dict), and
    the logits that model gives for fixed input, for LSTMKit to load and reproduce."""
    torch.manual_seed(7)
    vocab, emb, hidden, layers = 10, 6, 5, 2
    model = TinyLM(vocab, emb, hidden, layers, tie=False)
    path = os.path.join(OUT, "torch_checkpoint.safetensors")
    # Written by the safetensors library as PyTorch users do (header untouched); one metadata
    # key, so its order cannot change between regenerations.
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, path,
              metadata={"config": json.dumps({"vocab": vocab, "embedding": emb, "hidden": hidden,
                                              "layers": layers,
                                              "generated_by": "scripts/reference/make_fixtures.py"})})
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")
    ids = torch.randint(0, vocab, (4, 3))
    with torch.no_grad():
        logits, _ = model(ids)
    save("torch_checkpoint_expected.safetensors", {"ids": ids.float(), "logits": logits})


CHECKPOINT_TEST = "NNTests.TrainingFixtureTests/testWritesACheckpointThatReloadsAndThatPyTorchCanLoad"


def check_lstmkit_checkpoint():
    """Runs the Swift test that writes a tied tiny LM's checkpoint and its logits, loads the
    checkpoint into TinyLM with load_state_dict(strict=True) and compares the logits."""
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, LSTMKIT_CHECKPOINT_OUT=folder, OMP_NUM_THREADS="1")
        subprocess.run(["swift", "test", "--filter", CHECKPOINT_TEST], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        checkpoint = os.path.join(folder, "model.safetensors")
        from safetensors import safe_open
        with safe_open(checkpoint, "pt") as f:
            config = json.loads(f.metadata()["config"])
        state = load_file(checkpoint)
        model = TinyLM(config["vocab"], config["embedding"], config["hidden"], config["layers"],
                       config["tie"])
        model.load_state_dict(state, strict=True)
        expected = load_file(os.path.join(folder, "expected.safetensors"))
        with torch.no_grad():
            logits, _ = model(expected["ids"].long())
        diff = (logits - expected["logits"]).abs()
        bound = 1e-5 + 1e-4 * expected["logits"].abs()
        ok = bool((diff <= bound).all())
        print(f"lstmkit checkpoint loads into torch (strict, tied={config['tie']}): "
              f"max |diff| {diff.max().item():.3g} -> {'OK' if ok else 'MISMATCH'}")
        return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check-lstmkit", action="store_true",
                        help="also check that a checkpoint written by LSTMKit loads into PyTorch (runs swift test)")
    parser.add_argument("--skip-fixtures", action="store_true", help="only run the --check-lstmkit check")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if not args.skip_fixtures:
        os.makedirs(OUT, exist_ok=True)
        recurrent_case("lstm_2layer.safetensors", "lstm", 5, 4, 2, False, 6, 3, seed=10)
        recurrent_case("bilstm_lengths.safetensors", "lstm", 5, 4, 2, True, 6, 4, lengths=[6, 3, 1, 4], seed=11)
        recurrent_case("gru.safetensors", "gru", 5, 4, 2, True, 6, 4, lengths=[2, 6, 5, 1], seed=12)
        recurrent_case("rnn.safetensors", "rnn", 5, 4, 2, False, 6, 3, seed=13)
        embedding_linear_ce_case()
        embedding_dropout_case()
        training_case("sgd_tiny_lm.safetensors", "sgd", tie=False, seed=20)
        training_case("adam_tiny_lm.safetensors", "adam", tie=True, seed=21)
        torch_checkpoint_case()
    if args.check_lstmkit:
        if not check_lstmkit_checkpoint():
            sys.exit(1)


if __name__ == "__main__":
    main()
