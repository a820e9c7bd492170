"""Reference values for the binary losses from optax (jax) and PyTorch.

Run: /work/peers-venv/bin/python packages/losses/test/peers/binary_losses.py
Writes packages/losses/test/fixtures/binary-losses.json (committed; CI needs no Python).
Label smoothing is Keras 3's binary rule y' = y(1 - eps) + eps/2, applied to the targets before the
peer call (optax's smooth_labels is the multi-class rule); Keras/TensorFlow is not installed here.
"""

import json
import pathlib

import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
import optax  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.manual_seed(160)
N, L = 4, 3
logits = (torch.randn(N, L, dtype=torch.float64) * 3).tolist()
targets = torch.randint(0, 2, (N, L)).double().tolist()
soft = torch.rand(N, L, dtype=torch.float64).tolist()
probs = torch.sigmoid(torch.randn(N, L, dtype=torch.float64) * 2).tolist()
signs = [[2 * t - 1 for t in row] for row in targets]


def smooth(y, eps):
    return [[v * (1 - eps) + 0.5 * eps for v in row] for row in y]


def jx(v):
    return jnp.array(v, dtype=jnp.float64)


cases = []


def add(name, loss, inputs, options, fn):
    """fn(logits) -> elementwise loss [N, L] (jax); records the values and d mean / d logits."""
    x = jx(inputs[0])
    value = fn(x)
    grad = jax.grad(lambda z: jnp.mean(fn(z)))(x)
    cases.append(
        {
            "name": name,
            "loss": loss,
            "inputs": inputs,
            "options": options,
            "none": value.tolist(),
            "mean": float(jnp.mean(value)),
            "gradMean": grad.tolist(),
        }
    )


# binaryCrossEntropyLoss: optax.sigmoid_binary_cross_entropy
add("bce hard", "bce", [logits, targets], {}, lambda z: optax.sigmoid_binary_cross_entropy(z, jx(targets)))
add("bce soft", "bce", [logits, soft], {}, lambda z: optax.sigmoid_binary_cross_entropy(z, jx(soft)))
add(
    "bce smoothing 0.2",
    "bce",
    [logits, targets],
    {"labelSmoothing": 0.2},
    lambda z: optax.sigmoid_binary_cross_entropy(z, jx(smooth(targets, 0.2))),
)

# posWeight: torch BCEWithLogits(pos_weight) (values and grad from torch)
pos_weight = [2.0, 0.5, 3.0]
x = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
out = F.binary_cross_entropy_with_logits(
    x, torch.tensor(targets, dtype=torch.float64), pos_weight=torch.tensor(pos_weight), reduction="none"
)
out.mean().backward()
cases.append(
    {
        "name": "bce posWeight (torch)",
        "loss": "bce",
        "inputs": [logits, targets],
        "options": {"posWeight": pos_weight},
        "none": out.tolist(),
        "mean": float(out.mean()),
        "gradMean": x.grad.tolist(),
    }
)

# probabilities: torch BCELoss (its log clamp at -100 never binds at these p)
p = torch.tensor(probs, dtype=torch.float64, requires_grad=True)
out = F.binary_cross_entropy(p, torch.tensor(soft, dtype=torch.float64), reduction="none")
out.mean().backward()
cases.append(
    {
        "name": "bce probabilities (torch BCELoss)",
        "loss": "bce",
        "inputs": [probs, soft],
        "options": {"fromLogits": False},
        "none": out.tolist(),
        "mean": float(out.mean()),
        "gradMean": p.grad.tolist(),
    }
)

# binaryFocalLoss: optax.sigmoid_focal_loss (alpha=None: no balancing; alpha set: balancing)
add(
    "focal gamma 2",
    "focal",
    [logits, targets],
    {"gamma": 2},
    lambda z: optax.sigmoid_focal_loss(z, jx(targets), alpha=None, gamma=2.0),
)
add(
    "focal gamma 1.5 balanced",
    "focal",
    [logits, targets],
    {"gamma": 1.5, "alpha": 0.25, "applyClassBalancing": True},
    lambda z: optax.sigmoid_focal_loss(z, jx(targets), alpha=0.25, gamma=1.5),
)
add(
    "focal gamma 2 smoothing 0.1 balanced",
    "focal",
    [logits, targets],
    {"gamma": 2, "alpha": 0.4, "applyClassBalancing": True, "labelSmoothing": 0.1},
    lambda z: optax.sigmoid_focal_loss(z, jx(smooth(targets, 0.1)), alpha=0.4, gamma=2.0),
)

# hinge / squared hinge: optax.hinge_loss with labels in {-1, 1}; we pass the {0, 1} form.
add("hinge", "hinge", [logits, targets], {}, lambda z: optax.hinge_loss(z, jx(signs)))
add("squared hinge", "squaredHinge", [logits, signs], {}, lambda z: optax.hinge_loss(z, jx(signs)) ** 2)

out_path = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "binary-losses.json"
out_path.write_text(
    json.dumps(
        {"peers": f"optax {optax.__version__}, jax {jax.__version__}, torch {torch.__version__}", "cases": cases},
        indent=1,
    )
    + "\n"
)
print("wrote", out_path, len(cases), "cases")
