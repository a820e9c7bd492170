"""Reference values of sentence-transformers' CoSENTLoss, AnglELoss and CosineSimilarityLoss.

Run with the peers venv (never in CI):
  /work/peers-venv/bin/python packages/retrieval/test/peers/st_scored_pairs.py
Writes test/fixtures/st-scored-pairs.json (inputs and ST's values, float64).
"""

import json
import pathlib

import torch
from sentence_transformers.sentence_transformer import losses

torch.set_num_threads(1)
torch.manual_seed(0)
out = {"sentence_transformers": __import__("sentence_transformers").__version__, "cases": []}
for n, d in [(6, 8), (5, 7)]:
    e1 = torch.randn(n, d, dtype=torch.float64)
    e2 = torch.randn(n, d, dtype=torch.float64)
    scores = torch.tensor([0.9, 0.1, 0.5, 0.5, 0.3, 0.7][:n], dtype=torch.float64)
    case = {"emb1": e1.tolist(), "emb2": e2.tolist(), "scores": scores.tolist()}
    for scale in [20.0, 2.0]:
        case[f"cosent_{int(scale)}"] = losses.CoSENTLoss(None, scale=scale).compute_loss_from_embeddings([e1, e2], scores).item()
        case[f"angle_{int(scale)}"] = losses.AnglELoss(None, scale=scale).compute_loss_from_embeddings([e1, e2], scores).item()
    case["cosine_mse"] = losses.CosineSimilarityLoss(None).compute_loss_from_embeddings([e1, e2], scores).item()
    case["cosine_l1"] = (
        losses.CosineSimilarityLoss(None, loss_fct=torch.nn.L1Loss()).compute_loss_from_embeddings([e1, e2], scores).item()
    )
    out["cases"].append(case)
path = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "st-scored-pairs.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print("wrote", path)
