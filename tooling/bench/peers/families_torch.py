"""One round of the PyTorch peers of tooling/bench/peers/families.ts, forward + backward on one CPU
thread. Prints the mean per-call process CPU ms (and the loss value, for a sanity check) as JSON.

Never run by CI. /work/peers-venv/bin/python tooling/bench/peers/families_torch.py CASE ITERATIONS
  ce        F.cross_entropy, logits [2048, 1000], int labels (grad wrt logits)
  ms        pytorch-metric-learning MultiSimilarityLoss(2, 50, 0.5), embeddings [512, 128], 64 classes
  ms-mined  the same with MultiSimilarityMiner(epsilon=0.1) (the paper's mining step)
  mnrl      sentence-transformers' MultipleNegativesRankingLoss computation (scale 20, cos_sim,
            cross-entropy over in-batch docs), queries and docs [256, 384] (grads wrt both)
"""
import json
import sys
import time

import torch

torch.set_num_threads(1)
case, iterations = sys.argv[1], int(sys.argv[2])
g = torch.Generator().manual_seed(1)

if case == "ce":
    x = torch.randn(2048, 1000, generator=g).requires_grad_()
    y = torch.randint(0, 1000, (2048,), generator=g)

    def step():
        loss = torch.nn.functional.cross_entropy(x, y)
        (gx,) = torch.autograd.grad(loss, [x])
        return loss.item() + float(gx[0, 0])

elif case in ("ms", "ms-mined"):
    from pytorch_metric_learning import losses, miners

    x = torch.randn(512, 128, generator=g).requires_grad_()
    y = torch.randint(0, 64, (512,), generator=g)
    loss_fn = losses.MultiSimilarityLoss(alpha=2, beta=50, base=0.5)
    miner = miners.MultiSimilarityMiner(epsilon=0.1) if case == "ms-mined" else None

    def step():
        pairs = miner(x, y) if miner else None
        loss = loss_fn(x, y, pairs)
        (gx,) = torch.autograd.grad(loss, [x])
        return loss.item() + float(gx[0, 0])

elif case == "mnrl":
    from sentence_transformers import util

    q = torch.randn(256, 384, generator=g).requires_grad_()
    d = torch.randn(256, 384, generator=g).requires_grad_()
    labels = torch.arange(256)

    def step():
        scores = util.cos_sim(q, d) * 20.0
        loss = torch.nn.functional.cross_entropy(scores, labels)
        gq, gd = torch.autograd.grad(loss, [q, d])
        return loss.item() + float(gq[0, 0]) + float(gd[0, 0])

else:
    raise SystemExit(f"unknown case {case}")

step()  # warm-up
start = time.process_time()
for _ in range(iterations):
    value = step()
print(json.dumps({"cpu_ms": (time.process_time() - start) * 1e3 / iterations, "torch": torch.__version__}))
