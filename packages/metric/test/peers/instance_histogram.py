"""Reference values from pytorch-metric-learning 2.9 for @xent/metric's instanceLoss and histogramLoss.
Run by hand (never in CI):

    /work/peers-venv/bin/python packages/metric/test/peers/instance_histogram.py

Writes ../fixtures/pml-instance-histogram.json."""
import json
import os

import numpy as np
import pytorch_metric_learning
import torch
from pytorch_metric_learning import losses

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)
rng = np.random.default_rng(23)
B, D = 8, 4
x = rng.normal(size=(B, D))
labels = np.array([0, 0, 0, 1, 1, 2, 2, 3])
triplets = [[0, 1, 3], [0, 2, 5], [3, 4, 0], [5, 6, 7], [1, 0, 6]]
out = {"pml": pytorch_metric_learning.__version__, "embeddings": x.tolist(), "labels": labels.tolist(),
       "triplets": triplets, "cases": {}}


def run(loss, y, indices=None):
    e = torch.tensor(x).requires_grad_(True)
    t = None if indices is None else tuple(torch.tensor(c) for c in zip(*indices))
    value = loss(e, torch.tensor(y), t)
    value.backward()
    return {"loss": value.item(), "grad": e.grad.tolist()}


out["cases"]["instance"] = {"options": {}, "labels": labels.tolist(), **run(losses.InstanceLoss(), labels)}
out["cases"]["instanceGamma8"] = {"options": {"gamma": 8}, "labels": labels.tolist(),
                                   **run(losses.InstanceLoss(gamma=8), labels)}
ids = np.arange(B)
out["cases"]["instancePerRow"] = {"options": {"gamma": 8}, "labels": ids.tolist(),
                                   **run(losses.InstanceLoss(gamma=8), ids)}
out["cases"]["histogram"] = {"options": {}, "labels": labels.tolist(), **run(losses.HistogramLoss(), labels)}
out["cases"]["histogram10"] = {"options": {"numBins": 10}, "labels": labels.tolist(),
                                **run(losses.HistogramLoss(n_bins=10), labels)}
out["cases"]["histogramTriplets"] = {"options": {"numBins": 10}, "labels": labels.tolist(), "mined": True,
                                      **run(losses.HistogramLoss(n_bins=10), labels, triplets)}

path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "pml-instance-histogram.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", path)
