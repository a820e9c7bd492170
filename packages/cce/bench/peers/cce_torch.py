"""One round of the PyTorch peer for linearCrossEntropy: F.linear + F.cross_entropy, forward + backward
with respect to E and C, on one CPU thread. Prints the mean per-call process CPU ms as JSON.

Used by packages/cce/bench/peers.ts (alternating rounds with ours); never by CI.
/work/peers-venv/bin/python packages/cce/bench/peers/cce_torch.py N V D ITERATIONS
"""
import json
import sys
import time

import torch

torch.set_num_threads(1)
n, v, d, iterations = (int(x) for x in sys.argv[1:5])
g = torch.Generator().manual_seed(1)
e = (torch.randn(n, d, generator=g) / d**0.5).requires_grad_()
c = (torch.randn(v, d, generator=g) / d**0.5).requires_grad_()
y = torch.randint(0, v, (n,), generator=g)


def step():
    loss = torch.nn.functional.cross_entropy(torch.nn.functional.linear(e, c), y)
    ge, gc = torch.autograd.grad(loss, [e, c])
    return loss.item() + float(ge[0, 0]) + float(gc[0, 0])


step()  # warm-up
start = time.process_time()
for _ in range(iterations):
    step()
print(json.dumps({"cpu_ms": (time.process_time() - start) * 1e3 / iterations, "torch": torch.__version__}))
