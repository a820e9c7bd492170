"""Reference values for crossEntropyLoss on [B, T, V] from torch.nn.functional.cross_entropy.

Run: /work/peers-venv/bin/python packages/losses/test/peers/sequence_cross_entropy.py
Writes packages/losses/test/fixtures/sequence-cross-entropy.json (committed; CI needs no Python).
"""

import json
import pathlib

import torch
import torch.nn.functional as F

torch.manual_seed(16)
torch.set_num_threads(1)
B, T, V = 3, 5, 7
IGNORE = -100
logits = (torch.randn(B, T, V, dtype=torch.float64) * 3).tolist()
labels = torch.randint(0, V, (B, T))
labels[0, 1] = IGNORE
labels[0, 4] = IGNORE
labels[1, :] = IGNORE  # a fully ignored sequence
labels[2, 0] = IGNORE
labels = labels.tolist()

cases = []
for smoothing in (0.0, 0.1):
    for reduction in ("none", "sum", "mean"):
        x = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
        y = torch.tensor(labels)
        # torch wants the class axis second: [B, V, T].
        out = F.cross_entropy(
            x.permute(0, 2, 1), y, ignore_index=IGNORE, label_smoothing=smoothing, reduction=reduction
        )
        out.sum().backward()
        cases.append(
            {
                "labelSmoothing": smoothing,
                "reduction": reduction,
                "value": out.tolist(),
                "grad": x.grad.tolist(),
            }
        )

out = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "sequence-cross-entropy.json"
out.write_text(
    json.dumps(
        {
            "peer": f"torch {torch.__version__} F.cross_entropy(logits.permute(0, 2, 1), labels, ignore_index=-100)",
            "ignoreIndex": IGNORE,
            "logits": logits,
            "labels": labels,
            "cases": cases,
        },
        indent=1,
    )
    + "\n"
)
print("wrote", out)
