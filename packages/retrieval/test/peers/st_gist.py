"""Reference values of sentence-transformers 6's GISTEmbedLoss on given model and guide embeddings.

GISTEmbedLoss wants two models with tokenizers; here the loss object is built without its
constructor's model checks and `embed_columns` is replaced by a lookup of precomputed embeddings
(no model, no download). Run with the peers venv (never in CI):
  /work/peers-venv/bin/python packages/retrieval/test/peers/st_gist.py
Writes test/fixtures/st-gist.json.
"""

import json
import pathlib

import sentence_transformers
import torch
from sentence_transformers.sentence_transformer.losses import gist_embed

torch.set_num_threads(1)
torch.manual_seed(5)
n, d, g = 5, 6, 4
queries = torch.randn(n, d, dtype=torch.float64)
docs = queries + 0.9 * torch.randn(n, d, dtype=torch.float64)
negatives = torch.randn(n, d, dtype=torch.float64)  # ST's third column: one per query
guide_q = torch.randn(n, g, dtype=torch.float64)
guide_d = guide_q + 0.7 * torch.randn(n, g, dtype=torch.float64)
guide_d[3] = guide_d[1]  # the guide sees doc 3 as doc 1: a false negative for query 1
guide_n = torch.randn(n, g, dtype=torch.float64)
guide_n[0] = guide_d[0] * 1.01  # a "hard negative" the guide finds as relevant as query 0's positive


class Model:
    def __init__(self, columns):
        self.columns = columns


def fake_embed(model, features):
    return [model.columns[i] for i in range(len(features))]


gist_embed.embed_columns = fake_embed
cases = []
for cfg in [
    {},
    {"margin": 0.1},
    {"marginStrategy": "relative", "margin": 0.2, "temperature": 0.05},
    {"contrastAnchors": False, "temperature": 0.1},
    {"contrastPositives": False, "contrastAnchors": False, "margin": -0.05, "temperature": 0.1},
    {"hard": True, "temperature": 0.05},
]:
    loss = gist_embed.GISTEmbedLoss.__new__(gist_embed.GISTEmbedLoss)
    torch.nn.Module.__init__(loss)
    cols = [queries, docs] + ([negatives] if cfg.get("hard") else [])
    gcols = [guide_q, guide_d] + ([guide_n] if cfg.get("hard") else [])
    loss.model, loss.guide = Model(cols), Model(gcols)
    loss.must_retokenize = False
    loss.temperature = cfg.get("temperature", 0.01)
    loss.similarity_fct = torch.nn.CosineSimilarity(dim=-1)
    loss.margin_strategy = cfg.get("marginStrategy", "absolute")
    loss.margin = cfg.get("margin", 0.0)
    loss.contrast_anchors = cfg.get("contrastAnchors", True)
    loss.contrast_positives = cfg.get("contrastPositives", True)
    loss.gather_across_devices = False
    loss.cross_entropy_loss = torch.nn.CrossEntropyLoss()
    value = loss.forward([{}] * len(cols), None).item()
    cases.append({"config": cfg, "value": value})

out = {
    "sentence_transformers": sentence_transformers.__version__,
    "queries": queries.tolist(),
    "docs": docs.tolist(),
    "hardNegatives": negatives.tolist(),
    "guideQueries": guide_q.tolist(),
    "guideDocs": guide_d.tolist(),
    "guideHardNegatives": guide_n.tolist(),
    "cases": cases,
}
path = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "st-gist.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print("wrote", path, [round(c["value"], 4) for c in cases])
