"""Reference values from pytorch-metric-learning 2.9's AccuracyCalculator (with an exact CustomKNN on
Euclidean distance) and scikit-learn's AMI, for @xent/metric's accuracyCalculator. Run by hand (never
in CI):

    /work/peers-venv/bin/python packages/metric/test/peers/accuracy_calculator.py

Writes ../fixtures/pml-accuracy.json."""
import json
import os

import numpy as np
import pytorch_metric_learning
import torch
from pytorch_metric_learning.distances import LpDistance
from pytorch_metric_learning.utils.accuracy_calculator import AccuracyCalculator
from pytorch_metric_learning.utils.inference import CustomKNN
from sklearn.metrics import adjusted_mutual_info_score

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(19)
centres = rng.normal(size=(4, 3)) * 2
q_labels = np.array([0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 3, 3, 0, 1])
q = centres[q_labels] + rng.normal(size=(len(q_labels), 3))
r_labels = np.array([0, 1, 2, 3, 0, 1, 2, 3, 0, 0, 5])
r = centres[np.minimum(r_labels, 3)] + rng.normal(size=(len(r_labels), 3))
metrics = ("precision_at_1", "r_precision", "mean_average_precision_at_r", "mean_average_precision", "mean_reciprocal_rank")
knn = CustomKNN(LpDistance(normalize_embeddings=False))


def calc(**kw):
    return AccuracyCalculator(include=metrics, knn_func=knn, **kw)


def get(calculator, query, ql, ref=None, rl=None):
    same = ref is None
    res = calculator.get_accuracy(
        torch.tensor(query), torch.tensor(ql),
        torch.tensor(query if same else ref), torch.tensor(ql if same else rl),
        ref_includes_query=same,
    )
    return {k: (v if isinstance(v, list) else float(v)) for k, v in res.items()}


out = {
    "pml": pytorch_metric_learning.__version__,
    "queries": q.tolist(), "queryLabels": q_labels.tolist(),
    "reference": r.tolist(), "referenceLabels": r_labels.tolist(),
    "same": get(calc(), q, q_labels),
    "sameAvgOfAvgs": get(calc(avg_of_avgs=True), q, q_labels),
    "samePerClass": get(calc(return_per_class=True), q, q_labels),
    "separate": get(calc(), q, q_labels, r, r_labels),
    "separateK3": get(calc(k=3), q, q_labels, r, r_labels),
}
pairs = []
for seed in range(4):
    a = rng.integers(0, 4, size=30)
    b = rng.integers(0, 3 + seed, size=30)
    pairs.append({"a": a.tolist(), "b": b.tolist(), "ami": float(adjusted_mutual_info_score(a, b))})
pairs.append({"a": [0, 0, 1, 1], "b": [1, 1, 0, 0], "ami": float(adjusted_mutual_info_score([0, 0, 1, 1], [1, 1, 0, 0]))})
out["ami"] = pairs
path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "pml-accuracy.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", path)
