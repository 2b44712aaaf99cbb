"""A BERT-style encoder exported from PyTorch for the dynamic INT8 bench: token and position
embeddings, LayerNorm, N post-norm transformer layers (multi-head self-attention, GELU MLP) and a
classification head on the first token. Random weights (seeded); what matters is the graph.

    /usr/bin/python3 bench/models/export_bert_encoder.py OUT_DIR [--layers 4] [--hidden 256]
        [--heads 4] [--seq 128] [--vocab 8000] [--samples 64] [--eval 256]

Writes OUT_DIR/bert.onnx (input_ids int64 [batch, seq] → logits [batch, 8]) and token id sets
OUT_DIR/calib.npy, OUT_DIR/eval.npy (int64).
"""
import argparse
import os

import numpy as np
import torch
from torch import nn


class Encoder(nn.Module):
    def __init__(self, vocab: int, hidden: int, heads: int, layers: int, seq: int):
        super().__init__()
        self.tokens = nn.Embedding(vocab, hidden)
        self.positions = nn.Parameter(torch.randn(1, seq, hidden) * 0.02)
        self.norm = nn.LayerNorm(hidden)
        layer = nn.TransformerEncoderLayer(hidden, heads, dim_feedforward=4 * hidden, activation="gelu", batch_first=True, dropout=0.0)
        self.layers = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.head = nn.Linear(hidden, 8)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        x = self.norm(self.tokens(input_ids) + self.positions)
        return self.head(self.layers(x)[:, 0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--vocab", type=int, default=8000)
    parser.add_argument("--samples", type=int, default=64)
    parser.add_argument("--eval", type=int, default=256)
    args = parser.parse_args()
    torch.manual_seed(0)
    model = Encoder(args.vocab, args.hidden, args.heads, args.layers, args.seq).eval()
    os.makedirs(args.out, exist_ok=True)
    example = torch.randint(0, args.vocab, (1, args.seq))
    torch.onnx.export(model, (example,), os.path.join(args.out, "bert.onnx"), input_names=["input_ids"], output_names=["logits"],
                      dynamic_axes={"input_ids": {0: "batch"}, "logits": {0: "batch"}}, opset_version=17)
    rng = np.random.default_rng(1)
    np.save(os.path.join(args.out, "calib.npy"), rng.integers(0, args.vocab, (args.samples, args.seq), dtype=np.int64))
    np.save(os.path.join(args.out, "eval.npy"), rng.integers(0, args.vocab, (args.eval, args.seq), dtype=np.int64))


if __name__ == "__main__":
    main()
