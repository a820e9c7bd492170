"""Reference values from pytorch-metric-learning 2.9 for @xent/metric's classification-style losses
and lpDistance. Run by hand (never in CI):

    /work/peers-venv/bin/python packages/metric/test/peers/classification_losses.py

Writes ../fixtures/pml-classification.json. PML keeps class weights as W [D, C]; the fixture stores
them as rows [C, D] (our layout)."""
import json
import os

import numpy as np
import pytorch_metric_learning
import torch
from pytorch_metric_learning import distances, losses

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(15)
B, D, C = 8, 5, 4
x = rng.normal(size=(B, D))
labels = np.array([0, 0, 1, 1, 2, 2, 2, 0])
emb = torch.tensor(x)
y = torch.tensor(labels)


def run(loss, W_rows, attr="W"):
    """Sets the loss's weight parameter from rows [R, D], returns the loss and d loss / d embeddings, W."""
    W = torch.tensor(W_rows)
    param = W.t().clone() if attr in ("W", "fc") else W.clone()
    getattr(loss, attr).data = param
    e = emb.clone().requires_grad_(True)
    value = loss(e, y)
    value.backward()
    grad_w = getattr(loss, attr).grad
    grad_w = grad_w.t() if attr in ("W", "fc") else grad_w
    return {
        "loss": value.item(),
        "gradEmbeddings": e.grad.tolist(),
        "gradClassWeights": grad_w.tolist(),
    }


out = {"pml": pytorch_metric_learning.__version__, "embeddings": x.tolist(), "labels": labels.tolist(), "cases": {}}
W = rng.normal(size=(C, D))
out["classWeights"] = W.tolist()
K = 3
W3 = rng.normal(size=(C * K, D))
out["subCenterWeights"] = W3.tolist()
cases = out["cases"]
cases["arcFace"] = run(losses.ArcFaceLoss(C, D, margin=28.6, scale=8), W)
cases["arcFaceDefaults"] = run(losses.ArcFaceLoss(C, D), W)
cases["cosFace"] = run(losses.CosFaceLoss(C, D, margin=0.35, scale=8), W)
cases["sphereFace"] = run(losses.SphereFaceLoss(C, D, margin=4, scale=1), W)
cases["largeMarginSoftmax"] = run(losses.LargeMarginSoftmaxLoss(C, D, margin=3, scale=1), W)
cases["normalizedSoftmax"] = run(losses.NormalizedSoftmaxLoss(C, D, temperature=0.5), W)
cases["proxyNca"] = run(losses.ProxyNCALoss(C, D, softmax_scale=2), W, attr="proxies")
cases["softTriple"] = run(
    losses.SoftTripleLoss(C, D, centers_per_class=K, la=5, gamma=0.1, margin=0.01), W3, attr="fc"
)
cases["subCenterArcFace"] = run(
    losses.SubCenterArcFaceLoss(num_classes=C, embedding_size=D, margin=28.6, scale=8, sub_centers=K), W3
)
sc = losses.SubCenterArcFaceLoss(num_classes=C, embedding_size=D, sub_centers=K)
sc.W.data = torch.tensor(W3).t().clone()
outliers, dominant = sc.get_outliers(emb, y, threshold=60)
present = sorted(set(labels.tolist()))
out["outliers"] = {
    "threshold": 60,
    "outliers": sorted(outliers.tolist()),
    "dominantCenters": {str(c): dominant.t()[c].tolist() for c in present},
}
out["lpDistance"] = {
    str(p): distances.LpDistance(p=p)(emb).tolist() for p in (1, 3)
}
path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "pml-classification.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", path)
