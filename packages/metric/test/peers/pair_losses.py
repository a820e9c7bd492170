"""Reference values from pytorch-metric-learning 2.9 for @xent/metric's pair/list losses. Run by hand
(never in CI):

    /work/peers-venv/bin/python packages/metric/test/peers/pair_losses.py

Writes ../fixtures/pml-pair-losses.json: the loss and d loss / d embeddings for each case, on all pairs
and on a fixed triplet tuple (PML's indices_tuple)."""
import json
import os

import numpy as np
import pytorch_metric_learning
import torch
from pytorch_metric_learning import distances, losses

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(16)
B, D = 9, 4
x = rng.normal(size=(B, D))
unit = x / np.linalg.norm(x, axis=1, keepdims=True)
labels = np.array([0, 0, 0, 1, 1, 2, 2, 3, 1])
triplets = [[0, 1, 3], [0, 1, 5], [0, 2, 3], [3, 4, 0], [4, 8, 7], [5, 6, 1]]
y = torch.tensor(labels)
tuple_ = tuple(torch.tensor(c) for c in zip(*triplets))


def run(loss, data, indices=None):
    e = torch.tensor(data).requires_grad_(True)
    value = loss(e, y, indices) if indices is not None else loss(e, y)
    value.backward()
    return {"loss": value.item(), "grad": e.grad.tolist()}


cases = {}
specs = {
    "liftedStructure": (lambda: losses.LiftedStructureLoss(), {}),
    "liftedStructureMargins": (lambda: losses.LiftedStructureLoss(neg_margin=0.5, pos_margin=0.1), {"negMargin": 0.5, "posMargin": 0.1}),
    "liftedStructureCosine": (lambda: losses.LiftedStructureLoss(neg_margin=0.3, pos_margin=0.8, distance=distances.CosineSimilarity()), {"negMargin": 0.3, "posMargin": 0.8, "cosine": True}),
    "generalizedLiftedStructure": (lambda: losses.GeneralizedLiftedStructureLoss(), {}),
    "generalizedLiftedStructureCosine": (lambda: losses.GeneralizedLiftedStructureLoss(neg_margin=0.3, pos_margin=0.8, distance=distances.CosineSimilarity()), {"negMargin": 0.3, "posMargin": 0.8, "cosine": True}),
    "nca": (lambda: losses.NCALoss(), {}),
    "ncaScale": (lambda: losses.NCALoss(softmax_scale=3), {"softmaxScale": 3}),
    "angular": (lambda: losses.AngularLoss(), {}),
    "angular30": (lambda: losses.AngularLoss(alpha=30), {"alpha": 30}),
    "intraPairVariance": (lambda: losses.IntraPairVarianceLoss(), {}),
    "intraPairVarianceL2": (lambda: losses.IntraPairVarianceLoss(pos_eps=0.1, neg_eps=0.2, distance=distances.LpDistance()), {"posEps": 0.1, "negEps": 0.2, "l2": True}),
    "fastAp": (lambda: losses.FastAPLoss(), {}),
    "fastAp5": (lambda: losses.FastAPLoss(num_bins=5), {"numBins": 5}),
}
mined = {"liftedStructure", "generalizedLiftedStructure", "angular", "intraPairVariance"}
for name, (make, options) in specs.items():
    # Angular: PML does not normalise the negatives, so feed unit rows (the paper's setting).
    data = unit if name.startswith("angular") else x
    cases[name] = {"options": options, "unitInput": name.startswith("angular"), **run(make(), data)}
    if name in mined:
        cases[name]["triplets"] = run(make(), data, tuple_)

out = {
    "pml": pytorch_metric_learning.__version__,
    "embeddings": x.tolist(),
    "unitEmbeddings": unit.tolist(),
    "labels": labels.tolist(),
    "triplets": triplets,
    "cases": cases,
}
path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "pml-pair-losses.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", path)
