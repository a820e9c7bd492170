"""Reference values from pytorch-metric-learning 2.9 for @xent/metric's reducers, BatchEasyHardMiner and
regularizers. Run by hand (never in CI):

    /work/peers-venv/bin/python packages/metric/test/peers/reducers_miners_regularizers.py

Writes ../fixtures/pml-reducers-miners-regularizers.json."""
import json
import os

import numpy as np
import pytorch_metric_learning
import torch
from pytorch_metric_learning import distances, losses, miners, reducers, regularizers

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(18)
B, D = 10, 4
x = rng.normal(size=(B, D))
labels = np.array([0, 0, 0, 1, 1, 2, 2, 2, 3, 1])
y = torch.tensor(labels)
class_weights = [1.0, 2.0, 0.5, 3.0]
out = {"pml": pytorch_metric_learning.__version__, "embeddings": x.tolist(), "labels": labels.tolist(),
       "classWeights": class_weights, "reducers": {}, "miners": {}, "regularizers": {}}


def run(loss, data=x):
    e = torch.tensor(data).requires_grad_(True)
    value = loss(e, y)
    value.backward()
    return {"loss": value.item(), "grad": e.grad.tolist()}


R = out["reducers"]
R["contrastiveSum"] = run(losses.ContrastiveLoss(reducer=reducers.SumReducer()))
R["contrastivePerAnchorAvgNonZero"] = run(
    losses.ContrastiveLoss(reducer=reducers.PerAnchorReducer(reducers.AvgNonZeroReducer()))
)
R["ntXentPerAnchorMean"] = run(losses.NTXentLoss(reducer=reducers.PerAnchorReducer()))
R["contrastiveClassWeighted"] = run(
    losses.ContrastiveLoss(reducer=reducers.ClassWeightedReducer(torch.tensor(class_weights)))
)
R["tripletClassWeighted"] = run(
    losses.TripletMarginLoss(margin=0.2, reducer=reducers.ClassWeightedReducer(torch.tensor(class_weights)))
)
R["multiSimilaritySum"] = run(losses.MultiSimilarityLoss(reducer=reducers.SumReducer()))

M = out["miners"]
for pos in ["easy", "hard", "semihard", "all"]:
    for neg in ["easy", "hard", "semihard", "all"]:
        if pos == neg == "semihard" or ("all" in (pos, neg) and "semihard" in (pos, neg)):
            continue
        for name, dist in [("l2", distances.LpDistance()), ("cosine", distances.CosineSimilarity())]:
            miner = miners.BatchEasyHardMiner(pos_strategy=pos, neg_strategy=neg, distance=dist)
            t = miner(torch.tensor(x), y)
            M[f"{pos}-{neg}-{name}"] = [v.tolist() for v in t]
ranged = miners.BatchEasyHardMiner(pos_strategy="hard", neg_strategy="hard", allowed_pos_range=(0.2, 1.0), allowed_neg_range=(0.5, 1.5))
M["hard-hard-l2-ranged"] = [v.tolist() for v in ranged(torch.tensor(x), y)]

G = out["regularizers"]
W = rng.normal(size=(5, D)) * np.array([[1.0], [2.0], [0.5], [1.5], [1.0]])
out["weights"] = W.tolist()
for name, reg, data in [
    ("lp", regularizers.LpRegularizer(), x),
    ("lpP1Power2", regularizers.LpRegularizer(p=1, power=2), x),
    ("regularFace", regularizers.RegularFaceRegularizer(), W),
    ("centerInvariant", regularizers.CenterInvariantRegularizer(), W),
]:
    e = torch.tensor(data).requires_grad_(True)
    value = reg(e)
    value.backward()
    G[name] = {"loss": value.item(), "grad": e.grad.tolist()}

path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "pml-reducers-miners-regularizers.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", path)
