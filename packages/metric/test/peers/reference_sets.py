"""Reference values from pytorch-metric-learning 2.9 for @xent/metric's reference-set support
(ref_emb / ref_labels) in losses and miners, and for CrossBatchMemory. Run by hand (never in CI):

    /work/peers-venv/bin/python packages/metric/test/peers/reference_sets.py

Writes ../fixtures/pml-reference-sets.json."""
import json
import os

import numpy as np
import pytorch_metric_learning
import torch
from pytorch_metric_learning import losses, miners

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(17)
Q, M, D = 5, 8, 4
q = rng.normal(size=(Q, D))
r = rng.normal(size=(M, D))
ql = np.array([0, 1, 1, 2, 3])
rl = np.array([0, 0, 1, 2, 2, 3, 1, 0])
out = {"pml": pytorch_metric_learning.__version__, "queries": q.tolist(), "queryLabels": ql.tolist(),
       "reference": r.tolist(), "referenceLabels": rl.tolist(), "losses": {}, "miners": {}}


def run(loss):
    a = torch.tensor(q).requires_grad_(True)
    b = torch.tensor(r).requires_grad_(True)
    value = loss(a, torch.tensor(ql), ref_emb=b, ref_labels=torch.tensor(rl))
    value.backward()
    return {"loss": value.item(), "gradQueries": a.grad.tolist(), "gradReference": b.grad.tolist()}


out["losses"]["contrastive"] = run(losses.ContrastiveLoss())
out["losses"]["multiSimilarity"] = run(losses.MultiSimilarityLoss())
out["losses"]["tripletMargin"] = run(losses.TripletMarginLoss(margin=0.1))
out["losses"]["generalizedLiftedStructure"] = run(losses.GeneralizedLiftedStructureLoss())
out["losses"]["intraPairVariance"] = run(losses.IntraPairVarianceLoss())
out["losses"]["circle"] = run(losses.CircleLoss())
out["losses"]["supCon"] = run(losses.SupConLoss())
out["losses"]["ntXent"] = run(losses.NTXentLoss())
out["losses"]["nca"] = run(losses.NCALoss(softmax_scale=2))

for name, miner in {
    "tripletMargin": miners.TripletMarginMiner(margin=0.2, type_of_triplets="all"),
    "batchHard": miners.BatchHardMiner(),
    "pairMargin": miners.PairMarginMiner(),
    "multiSimilarity": miners.MultiSimilarityMiner(),
}.items():
    t = miner(torch.tensor(q), torch.tensor(ql), torch.tensor(r), torch.tensor(rl))
    out["miners"][name] = [x.tolist() for x in t]

# CrossBatchMemory: three steps of batch 4 into a memory of 10 (wraps around on step 3).
D2, B, memory = 4, 4, 10
steps = []
cbm_cases = {
    "contrastive": lambda: losses.CrossBatchMemory(losses.ContrastiveLoss(), D2, memory_size=memory),
    "tripletMinedBatchHard": lambda: losses.CrossBatchMemory(
        losses.TripletMarginLoss(margin=0.1), D2, memory_size=memory, miner=miners.BatchHardMiner()
    ),
    "multiSimilarity": lambda: losses.CrossBatchMemory(losses.MultiSimilarityLoss(), D2, memory_size=memory),
}
batches = [(rng.normal(size=(B, D2)), rng.integers(0, 3, size=B)) for _ in range(3)]
out["crossBatchMemory"] = {"memorySize": memory, "batches": [[e.tolist(), l.tolist()] for e, l in batches], "cases": {}}
for name, make in cbm_cases.items():
    cbm = make()
    results = []
    for e, l in batches:
        x = torch.tensor(e).requires_grad_(True)
        value = cbm(x, torch.tensor(l))
        value.backward()
        results.append({"loss": value.item(), "grad": x.grad.tolist()})
    out["crossBatchMemory"]["cases"][name] = results

path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "pml-reference-sets.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", path)
