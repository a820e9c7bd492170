"""Reference values for the divergence losses on [B, T, V] with a position mask, from PyTorch.

Run: /work/peers-venv/bin/python packages/distill/test/peers/divergences.py
Writes packages/distill/test/fixtures/divergences.json (committed; CI needs no Python).
Each divergence is written with torch.nn.functional.kl_div the way Liger-Kernel's torch reference
tests write them (JSD_beta = beta*KL(p||m) + (1-beta)*KL(q||m)); the mean is over unmasked positions.
"""

import json
import pathlib

import torch
import torch.nn.functional as F

torch.manual_seed(1616)
torch.set_num_threads(1)
B, T, V, K = 2, 4, 6, 3
student = (torch.randn(B, T, V, dtype=torch.float64) * 2).tolist()
teacher = (torch.randn(B, T, V, dtype=torch.float64) * 2).tolist()
mask = [[1, 1, 0, 1], [0, 0, 0, 0]]  # the second sequence fully masked
mask[1][1] = 1


def kl(log_a, log_b):
    """KL(a || b) per position, summed over V."""
    return F.kl_div(log_b, log_a, reduction="none", log_target=True).sum(-1)


def log_mix(log_a, log_b, w):
    return torch.logaddexp(log_a + torch.log(torch.tensor(w, dtype=torch.float64)), log_b + torch.log(torch.tensor(1 - w, dtype=torch.float64)))


def jsd(lq, lp, beta):
    if beta == 0:
        return kl(lp, lq)
    if beta == 1:
        return kl(lq, lp)
    lm = log_mix(lp, lq, beta)
    return beta * kl(lp, lm) + (1 - beta) * kl(lq, lm)


formulas = {
    "reverseKl": lambda lq, lp, o: kl(lq, lp),
    "jsd": lambda lq, lp, o: jsd(lq, lp, o.get("beta", 0.5)),
    "tvd": lambda lq, lp, o: 0.5 * (lp.exp() - lq.exp()).abs().sum(-1),
    "skewKl": lambda lq, lp, o: kl(lp, log_mix(lp, lq, o.get("alpha", 0.1))),
    "skewReverseKl": lambda lq, lp, o: kl(lq, log_mix(lq, lp, o.get("alpha", 0.1))),
}
settings = [
    ("reverseKl", {"temperature": 2}),
    ("jsd", {}),
    ("jsd", {"beta": 0.1, "temperature": 1.5}),
    ("jsd", {"beta": 0}),
    ("jsd", {"beta": 1}),
    ("tvd", {"temperature": 0.5}),
    ("skewKl", {}),
    ("skewKl", {"alpha": 0.3, "temperature": 2}),
    ("skewReverseKl", {}),
    ("skewReverseKl", {"alpha": 0.5}),
]

w = torch.tensor(mask, dtype=torch.float64)
cases = []
for loss, options in settings:
    s = torch.tensor(student, dtype=torch.float64, requires_grad=True)
    t = torch.tensor(teacher, dtype=torch.float64)
    temp = options.get("temperature", 1)
    lq = F.log_softmax(s / temp, -1)
    lp = F.log_softmax(t / temp, -1)
    per = formulas[loss](lq, lp, options)
    mean = (per * w).sum() / w.sum()
    mean.backward()
    cases.append(
        {"loss": loss, "options": options, "none": per.tolist(), "mean": mean.item(), "grad": s.grad.tolist()}
    )

# sparseKdLoss: top-K teacher log-probs (temperature 1), tail as a bucket or renormalised; dense torch.
t = torch.tensor(teacher, dtype=torch.float64)
lp_full = F.log_softmax(t, -1)
top_lp, top_ids = lp_full.topk(K, dim=-1)
for tail in ("bucket", "renormalize"):
    for temp in (1, 2):
        s = torch.tensor(student, dtype=torch.float64, requires_grad=True)
        lq = F.log_softmax(s / temp, -1)
        lq_top = lq.gather(-1, top_ids)
        if tail == "renormalize":
            lpt = top_lp - top_lp.logsumexp(-1, keepdim=True)
            per = (lpt.exp() * (lpt - lq_top)).sum(-1)
        else:
            r = 1 - top_lp.exp().sum(-1)
            q_tail = 1 - lq_top.exp().sum(-1)
            per = (top_lp.exp() * (top_lp - lq_top)).sum(-1) + r * (r.log() - q_tail.log())
        mean = (per * w).sum() / w.sum()
        mean.backward()
        cases.append(
            {
                "loss": "sparseKd",
                "options": {"tail": tail, "temperature": temp},
                "none": per.tolist(),
                "mean": mean.item(),
                "grad": s.grad.tolist(),
            }
        )

out = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "divergences.json"
out.write_text(
    json.dumps(
        {
            "peer": f"torch {torch.__version__} F.kl_div / F.log_softmax (float64)",
            "student": student,
            "teacher": teacher,
            "mask": mask,
            "topIds": top_ids.tolist(),
            "topLogProbs": top_lp.tolist(),
            "cases": cases,
        },
        indent=1,
    )
    + "\n"
)
print("wrote", out, len(cases))
