"""Reference values of sentence-transformers 6's MegaBatchMarginLoss (calculate_loss on given
embeddings; no model, no download). Run with the peers venv (never in CI):
  /work/peers-venv/bin/python packages/retrieval/test/peers/st_mega_batch.py
Writes test/fixtures/st-mega-batch.json.
"""

import json
import pathlib

import sentence_transformers
import torch
from sentence_transformers.sentence_transformer.losses import MegaBatchMarginLoss

torch.set_num_threads(1)
torch.manual_seed(11)
anchors = torch.randn(6, 5, dtype=torch.float64)
positives = anchors + 0.7 * torch.randn(6, 5, dtype=torch.float64)
cases = []
for cfg in [{}, {"positiveMargin": 0.5, "negativeMargin": -0.2}]:
    loss = MegaBatchMarginLoss.__new__(MegaBatchMarginLoss)
    torch.nn.Module.__init__(loss)
    loss.positive_margin = cfg.get("positiveMargin", 0.8)
    loss.negative_margin = cfg.get("negativeMargin", 0.3)
    loss.mini_batch_size = 4
    cases.append({"config": cfg, "value": loss.calculate_loss([[anchors], [positives]]).item()})
out = {
    "sentence_transformers": sentence_transformers.__version__,
    "anchors": anchors.tolist(),
    "positives": positives.tolist(),
    "cases": cases,
}
path = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "st-mega-batch.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print("wrote", path, cases)
