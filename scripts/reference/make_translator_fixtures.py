#!/usr/bin/env python3
"""Reference fixtures for attention and the translator, computed with PyTorch.

Writes Tests/Fixtures/attention_*.safetensors and Tests/Fixtures/translator_*.safetensors
(generated: never edit them by hand, rerun this script). Each holds the inputs, PyTorch's
outputs and *every* named gradient of one forward/backward; the Swift tests (NNTests
AttentionFixtureTests, ModelsTests TranslatorFixtureTests) recompute them and compare with
|a - e| <= 1e-5 + 1e-4*|e|.

    python3 scripts/reference/make_translator_fixtures.py

`Translator` below is the PyTorch module LSTMKit's `Translator` implements: same parameter
names (state_dict keys), same initial-state bridge, same input feeding, same masking. A
checkpoint written by `lstmkit translate train` loads into it with load_state_dict(strict=True).
Integer data (ids, lengths) is stored as F32, which LSTMKit's safetensors reader accepts.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures")
NOTE = {"generated_by": "scripts/reference/make_translator_fixtures.py", "note": "generated file, do not edit",
        "torch": torch.__version__}


def save(name, tensors, metadata):
    meta = dict(NOTE)
    meta.update(metadata)
    tensors = {k: v.detach().to(torch.float32).contiguous().clone() for k, v in tensors.items()}
    path = os.path.join(OUT, name)
    save_file(tensors, path, metadata=meta)
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")


class Attention(nn.Module):
    """Global attention with a padding mask. Keys are computed from the memory once per batch
    (`general`: W m; `additive`: W_m m), so a decoder step only scores."""

    def __init__(self, score, query_size, memory_size, additive_size=None):
        super().__init__()
        self.score = score
        if score == "general":
            self.linear_in = nn.Linear(memory_size, query_size, bias=False)
        elif score == "additive":
            a = additive_size or query_size
            self.linear_context = nn.Linear(memory_size, a, bias=False)
            self.linear_query = nn.Linear(query_size, a, bias=True)
            self.v = nn.Linear(a, 1, bias=False)

    def keys(self, memory):  # memory (B, S, M) -> (B, S, K)
        if self.score == "dot":
            return memory
        if self.score == "general":
            return self.linear_in(memory)
        return self.linear_context(memory)

    def forward(self, query, memory, keys, mask):  # query (B, Q), mask (B, S) True = real
        if self.score == "additive":
            scores = self.v(torch.tanh(keys + self.linear_query(query).unsqueeze(1))).squeeze(2)
        else:
            scores = torch.bmm(keys, query.unsqueeze(2)).squeeze(2)
        scores = scores.masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=1)
        context = torch.bmm(weights.unsqueeze(1), memory).squeeze(1)
        return context, weights


class Translator(nn.Module):
    """BiLSTM encoder, bridge, LSTM decoder with global attention and input feeding."""

    def __init__(self, vs, vt, e, he, hd, layers, score, dropout=0.0, tie=False):
        super().__init__()
        self.layers, self.hd = layers, hd
        self.src_embedding = nn.Embedding(vs, e, padding_idx=0)
        self.encoder = nn.LSTM(e, he, layers, bidirectional=True, dropout=dropout if layers > 1 else 0.0)
        self.bridge_h = nn.Linear(2 * he, hd)
        self.bridge_c = nn.Linear(2 * he, hd)
        self.tgt_embedding = nn.Embedding(vt, e, padding_idx=0)
        self.decoder = nn.LSTM(e + hd, hd, layers, dropout=dropout if layers > 1 else 0.0)
        self.attention = Attention(score, hd, 2 * he)
        self.linear_out = nn.Linear(2 * he + hd, hd, bias=False)
        self.generator = nn.Linear(hd, vt)
        if tie:
            self.generator.weight = self.tgt_embedding.weight
        self.drop = nn.Dropout(dropout)

    def encode(self, src, lengths):  # src (S, B)
        x = self.drop(self.src_embedding(src))
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=False)
        out, (h, c) = self.encoder(packed)
        memory, _ = nn.utils.rnn.pad_packed_sequence(out, total_length=src.shape[0])  # (S, B, 2He)
        b = src.shape[1]

        def both(state):  # (L*2, B, He) -> (L, B, 2He)
            return state.view(self.layers, 2, b, -1).permute(0, 2, 1, 3).reshape(self.layers, b, -1)

        h0 = torch.tanh(self.bridge_h(both(h)))
        c0 = self.bridge_c(both(c))
        return memory, (h0.contiguous(), c0.contiguous())

    def forward(self, src, lengths, tgt_in):  # teacher forcing; returns logits (T, B, V)
        memory, state = self.encode(src, lengths)
        memory_b = memory.transpose(0, 1)  # (B, S, M)
        mask = torch.arange(src.shape[0]).unsqueeze(0) < lengths.unsqueeze(1)
        keys = self.attention.keys(memory_b)
        feed = torch.zeros(src.shape[1], self.hd)
        outputs = []
        for t in range(tgt_in.shape[0]):
            x = torch.cat([self.drop(self.tgt_embedding(tgt_in[t])), feed], dim=1)
            out, state = self.decoder(x.unsqueeze(0), state)
            h = out.squeeze(0)
            context, _ = self.attention(h, memory_b, keys, mask)
            feed = self.drop(torch.tanh(self.linear_out(torch.cat([context, h], dim=1))))
            outputs.append(feed)
        return self.generator(torch.stack(outputs))


def attention_case(score, seed):
    torch.manual_seed(seed)
    q, m, s, b, t = 6, 6 if score == "dot" else 5, 5, 3, 3
    att = Attention(score, q, m, additive_size=4)
    lengths = torch.tensor([5, 2, 3])
    memory = torch.randn(s, b, m)
    for row, n in enumerate(lengths.tolist()):
        memory[n:, row] = 0  # an encoder writes zeros there
    memory.requires_grad_(True)
    queries = torch.randn(t, b, q, requires_grad=True)
    weights_out = torch.randn(t, b, m)
    mask = torch.arange(s).unsqueeze(0) < lengths.unsqueeze(1)
    memory_b = memory.transpose(0, 1)
    keys = att.keys(memory_b)
    contexts, alphas = [], []
    for step in range(t):
        context, alpha = att(queries[step], memory_b, keys, mask)
        contexts.append(context)
        alphas.append(alpha)
    contexts, alphas = torch.stack(contexts), torch.stack(alphas)
    (contexts * weights_out).sum().backward()
    tensors = {"memory": memory, "lengths": lengths.float(), "queries": queries, "dcontext": weights_out,
               "contexts": contexts, "weights": alphas, "grad.memory": memory.grad, "grad.queries": queries.grad}
    for name, p in att.named_parameters():
        tensors[f"param.{name}"] = p
        tensors[f"grad.{name}"] = p.grad
    config = {"score": score, "querySize": q, "memorySize": m, "additiveSize": 4}
    save(f"attention_{score}.safetensors", tensors, {"config": json.dumps(config)})


def translator_case(name, score, layers, tie, label_smoothing, seed):
    torch.manual_seed(seed)
    vs, vt, e, he = 11, 9, 6, 4
    hd = 2 * he if (score == "dot" or tie) else 5
    if tie:
        e = hd
    model = Translator(vs, vt, e, he, hd, layers, score, tie=tie)
    # Three pairs of different lengths: sources get <eos> (3), targets <bos> (2) ... <eos>.
    sources = [[5, 6, 7, 8], [9, 4], [10, 5, 6]]
    targets = [[4, 5, 6], [7, 8, 4, 5, 6], [8]]
    b = len(sources)
    s = max(len(x) for x in sources) + 1
    t = max(len(y) for y in targets) + 1
    src = torch.zeros(s, b, dtype=torch.long)
    tgt_in = torch.zeros(t, b, dtype=torch.long)
    tgt_out = torch.zeros(t, b, dtype=torch.long)
    for j, (x, y) in enumerate(zip(sources, targets)):
        src[: len(x), j] = torch.tensor(x)
        src[len(x), j] = 3
        tgt_in[0, j] = 2
        tgt_in[1: len(y) + 1, j] = torch.tensor(y)
        tgt_out[: len(y), j] = torch.tensor(y)
        tgt_out[len(y), j] = 3
    lengths = torch.tensor([len(x) + 1 for x in sources])
    logits = model(src, lengths, tgt_in)
    loss = F.cross_entropy(logits.reshape(-1, vt), tgt_out.reshape(-1), ignore_index=0,
                           label_smoothing=label_smoothing)
    loss.backward()
    tensors = {"source_ids": src.float(), "source_lengths": lengths.float(), "target_inputs": tgt_in.float(),
               "target_outputs": tgt_out.float(), "logits": logits.reshape(-1, vt), "loss": loss.reshape(1)}
    for pname, p in model.state_dict(keep_vars=True).items():
        tensors[f"param.{pname}"] = p
        tensors[f"grad.{pname}"] = p.grad
    config = {"sourceVocabularySize": vs, "targetVocabularySize": vt, "embeddingSize": e,
              "encoderHiddenSize": he, "decoderHiddenSize": hd, "layers": layers, "attention": score,
              "dropout": 0.0, "tiesOutputEmbedding": tie}
    save(f"translator_{name}.safetensors", tensors,
         {"config": json.dumps(config), "label_smoothing": str(label_smoothing),
          "sources": json.dumps(sources), "targets": json.dumps(targets)})


def main():
    for i, score in enumerate(["dot", "general", "additive"]):
        attention_case(score, seed=10 + i)
    translator_case("general_2layer", "general", layers=2, tie=False, label_smoothing=0.1, seed=20)
    translator_case("additive_tied", "additive", layers=1, tie=True, label_smoothing=0.0, seed=21)
    translator_case("dot", "dot", layers=1, tie=False, label_smoothing=0.0, seed=22)


if __name__ == "__main__":
    main()
