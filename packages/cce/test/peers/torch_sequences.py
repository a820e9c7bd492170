"""Reference values for linearCrossEntropy on [B, T, D] from PyTorch's F.cross_entropy (float64).

Run: /work/peers-venv/bin/python packages/cce/test/peers/torch_sequences.py
Writes packages/cce/test/fixtures/torch-sequences.json (committed; CI needs no Python).

Each case builds the dense logits E @ C.T + b (optionally soft-capped), applies `shift` by slicing
by hand (logits[:, :T-k], targets[:, k:]) the way a torch user would, and calls
F.cross_entropy(logits.permute(0, 2, 1), targets, weight=, ignore_index=, label_smoothing=,
reduction=). Per-token weights (not in torch) are applied to reduction='none' and the mean divides by
the sum of weight x class weight over non-ignored tokens. Gradients are those of the 'mean' loss.
"""

import json
import pathlib

import torch
import torch.nn.functional as F

torch.manual_seed(0)
B, T, D, V = 2, 6, 4, 7
IGNORE = -100
E = torch.randn(B, T, D, dtype=torch.float64) * 0.8
C = torch.randn(V, D, dtype=torch.float64) * 0.8
BIAS = torch.randn(V, dtype=torch.float64) * 0.5
Y = torch.randint(0, V, (B, T))
Y[0, 2] = IGNORE
Y[1, 4] = IGNORE
CLASS_W = torch.rand(V, dtype=torch.float64) * 1.5 + 0.25
TOKEN_W = torch.rand(B, T, dtype=torch.float64) * 2

CASES = [
    {"name": "ignore_index", "options": {}},
    {"name": "label smoothing", "options": {"labelSmoothing": 0.1}},
    {"name": "class weights", "options": {"classWeights": True}},
    {"name": "class weights + label smoothing + bias", "options": {"classWeights": True, "labelSmoothing": 0.2, "bias": True}},
    {"name": "shift 1 + label smoothing", "options": {"shift": 1, "labelSmoothing": 0.1}},
    {"name": "shift 2 + class weights + bias", "options": {"shift": 2, "classWeights": True, "bias": True}},
    {"name": "token weights", "options": {"weights": True}},
    {"name": "token weights + shift 1 + class weights + label smoothing", "options": {"weights": True, "shift": 1, "classWeights": True, "labelSmoothing": 0.1}},
    {"name": "softcap + label smoothing + shift 1", "options": {"softcap": 3.0, "labelSmoothing": 0.1, "shift": 1, "bias": True}},
]


def run(options):
    e = E.clone().requires_grad_(True)
    c = C.clone().requires_grad_(True)
    b = BIAS.clone().requires_grad_(True)
    k = options.get("shift", 0)
    z = e @ c.T + (b if options.get("bias") else 0)
    if options.get("softcap"):
        s = options["softcap"]
        z = s * torch.tanh(z / s)
    logits = z[:, : T - k]
    targets = Y[:, k:]
    weight = CLASS_W if options.get("classWeights") else None
    alpha = options.get("labelSmoothing", 0.0)
    lse = torch.logsumexp(logits, -1)

    def ce(reduction):
        return F.cross_entropy(
            logits.permute(0, 2, 1), targets, weight=weight, ignore_index=IGNORE,
            label_smoothing=alpha, reduction=reduction,
        )

    if options.get("weights"):
        w = TOKEN_W[:, k:]  # the weights follow the targets
        none = ce("none") * w
        valid = (targets != IGNORE).double()
        wy = weight[targets.clamp(min=0)] if weight is not None else torch.ones_like(valid)
        total = none.sum()
        mean = total / (w * valid * wy).sum()
    else:
        none = ce("none")
        total = ce("sum")
        mean = ce("mean")
    mean.backward()
    out = {
        "none": none.detach().tolist(),
        "sum": total.item(),
        "mean": mean.item(),
        "lse": lse.detach().tolist(),
        "dEmbeddings": e.grad.tolist(),
        "dClassifier": c.grad.tolist(),
    }
    if options.get("bias"):
        out["dBias"] = b.grad.tolist()
    return out


fixture = {
    "source": f"torch {torch.__version__}, torch.nn.functional.cross_entropy, float64",
    "script": "packages/cce/test/peers/torch_sequences.py",
    "ignoreIndex": IGNORE,
    "embeddings": E.tolist(),
    "classifier": C.tolist(),
    "bias": BIAS.tolist(),
    "targets": Y.tolist(),
    "classWeights": CLASS_W.tolist(),
    "weights": TOKEN_W.tolist(),
    "cases": [{**case, "expected": run(case["options"])} for case in CASES],
}
out = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "torch-sequences.json"
out.write_text(json.dumps(fixture, indent=1) + "\n")
print(f"wrote {out} ({len(CASES)} cases)")
