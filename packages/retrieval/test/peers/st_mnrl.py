"""Reference values of sentence-transformers 6's MultipleNegativesRankingLoss (directions,
partition_mode, hardness weighting, per-query hard negatives) and MultipleNegativesSymmetricRankingLoss.

Embeddings go straight into compute_loss_from_embeddings (no model, no download).
Run with the peers venv (never in CI):
  /work/peers-venv/bin/python packages/retrieval/test/peers/st_mnrl.py
Writes test/fixtures/st-mnrl.json (inputs, options in xent's names, ST's value, float64).
"""

import json
import pathlib

import sentence_transformers
import torch
from sentence_transformers.sentence_transformer import losses

torch.set_num_threads(1)
torch.manual_seed(3)
n, k, d = 4, 2, 6
queries = torch.randn(n, d, dtype=torch.float64)
docs = queries + 0.8 * torch.randn(n, d, dtype=torch.float64)
negatives = [docs + 1.2 * torch.randn(n, d, dtype=torch.float64) for _ in range(k)]

DIRS = ("query_to_doc", "doc_to_query", "query_to_query", "doc_to_doc")
configs = [
    {},
    {"hard": True},
    {"scale": 5.0, "directions": ["query_to_doc", "query_to_query"]},
    {"hard": True, "directions": list(DIRS)},
    {"hard": True, "directions": ["query_to_doc", "doc_to_query"], "partitionMode": "per_direction"},
    {"hard": True, "directions": ["query_to_doc", "doc_to_doc"], "scale": 10.0},
    {"hard": True, "hardnessMode": "in_batch_negatives", "hardnessStrength": 0.5},
    {"hard": True, "hardnessMode": "hard_negatives", "hardnessStrength": 2.0},
    {"hard": True, "hardnessMode": "all_negatives", "hardnessStrength": 1.0, "directions": list(DIRS)},
    {"hardnessMode": "all_negatives", "hardnessStrength": 1.0, "scale": 7.0},
]
cases = []
for cfg in configs:
    loss = losses.MultipleNegativesRankingLoss(
        None,
        scale=cfg.get("scale", 20.0),
        directions=tuple(cfg.get("directions", ["query_to_doc"])),
        partition_mode=cfg.get("partitionMode", "joint"),
        hardness_mode=cfg.get("hardnessMode"),
        hardness_strength=cfg.get("hardnessStrength", 0.0),
    )
    embeddings = [queries, docs] + (negatives if cfg.get("hard") else [])
    cases.append({"config": cfg, "value": loss.compute_loss_from_embeddings(embeddings, None).item()})
symmetric = losses.MultipleNegativesSymmetricRankingLoss(None, scale=20.0)
cases.append({"config": {"symmetric": True}, "value": symmetric.compute_loss_from_embeddings([queries, docs], None).item()})

out = {
    "sentence_transformers": sentence_transformers.__version__,
    "queries": queries.tolist(),
    "docs": docs.tolist(),
    # [N, K, D]: hard negative k of query i
    "hardNegatives": torch.stack(negatives, dim=1).tolist(),
    "cases": cases,
}
path = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "st-mnrl.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print("wrote", path, [round(c["value"], 4) for c in cases])
