"""Reference values of sentence-transformers 6's cross-encoder list losses (RankNetLoss, ListNetLoss,
ListMLELoss, PListMLELoss, LambdaLoss with each weighting scheme) on ragged lists.

The losses call a CrossEncoder; here a stand-in returns fixed logits for each (query, document)
pair (no model, no download). Run with the peers venv (never in CI):
  /work/peers-venv/bin/python packages/retrieval/test/peers/st_rerankers.py
Writes test/fixtures/st-rerankers.json: logits and labels padded to [N, K] with the 0/1 mask.
"""

import json
import pathlib

import sentence_transformers
import torch
from sentence_transformers.cross_encoder import losses as L
from sentence_transformers.cross_encoder.losses import lambda_loss as LL

torch.set_num_threads(1)
torch.manual_seed(7)
lengths = [4, 3, 5, 2, 5]
n, k = len(lengths), max(lengths)
logits = (torch.randn(n, k) * 1.5).tolist()
labels = torch.randint(0, 4, (n, k)).float().tolist()
labels[1] = [2.0, 2.0, 2.0, 0.0, 0.0]  # a list with all labels equal (over its 3 documents)
mask = [[1.0 if j < lengths[i] else 0.0 for j in range(k)] for i in range(n)]
for i in range(n):
    for j in range(lengths[i], k):
        logits[i][j] = 0.0
        labels[i][j] = 0.0


class StandIn:
    num_labels = 1
    device = torch.device("cpu")

    def preprocess(self, pairs, prompt=None, task=None):
        return {"idx": torch.tensor([int(q) * k + int(d) for q, d in pairs])}

    def __call__(self, tokens):
        return {"scores": torch.tensor(logits).view(-1)[tokens["idx"]]}


model = StandIn()
queries = [str(i) for i in range(n)]
docs = [[str(j) for j in range(lengths[i])] for i in range(n)]
ragged_labels = [torch.tensor(labels[i][: lengths[i]]) for i in range(n)]


def value(loss):
    return loss([queries, docs], ragged_labels).item()


cases = [
    {"loss": "listNetLoss", "options": {}, "value": value(L.ListNetLoss(model))},
    {"loss": "listMleLoss", "options": {}, "value": value(L.ListMLELoss(model))},
    {
        "loss": "listMleLoss",
        "options": {"respectInputOrder": False},
        "value": value(L.ListMLELoss(model, respect_input_order=False)),
    },
    {"loss": "pListMleLoss", "options": {}, "value": value(L.PListMLELoss(model))},
    {
        "loss": "pListMleLoss",
        "options": {"respectInputOrder": False},
        "value": value(L.PListMLELoss(model, respect_input_order=False)),
    },
    {"loss": "rankNetLoss", "options": {}, "value": value(L.RankNetLoss(model))},
    {
        "loss": "rankNetLoss",
        "options": {"k": 2, "sigma": 2.0, "reductionLog": "natural"},
        "value": value(L.RankNetLoss(model, k=2, sigma=2.0, reduction_log="natural")),
    },
]
schemes = {
    "NDCGLoss2PP": LL.NDCGLoss2PPScheme(),
    "NDCGLoss2": LL.NDCGLoss2Scheme(),
    "LambdaRank": LL.LambdaRankScheme(),
    "NDCGLoss1": LL.NDCGLoss1Scheme(),
    "NoWeighting": LL.NoWeightingScheme(),
}
for name, scheme in schemes.items():
    cases.append(
        {
            "loss": "lambdaLoss",
            "options": {"weightingScheme": name},
            "value": value(L.LambdaLoss(model, weighting_scheme=scheme)),
        }
    )
cases.append(
    {
        "loss": "lambdaLoss",
        "options": {"weightingScheme": "NDCGLoss2PP", "k": 3, "mu": 5.0},
        "value": value(L.LambdaLoss(model, weighting_scheme=LL.NDCGLoss2PPScheme(mu=5.0), k=3)),
    }
)
out = {
    "sentence_transformers": sentence_transformers.__version__,
    "logits": logits,
    "labels": labels,
    "mask": mask,
    "cases": cases,
}
path = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "st-rerankers.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print("wrote", path, [(c["loss"], round(c["value"], 4)) for c in cases])
