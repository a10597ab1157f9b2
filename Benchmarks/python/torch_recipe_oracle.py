"""Fixture generator for Tests/NeuralNetTests/RecipeOracleTests.swift (the training recipe's layers,
schedules, AdamW and label smoothing): /work/pyenv/bin/python Benchmarks/python/torch_recipe_oracle.py
Inputs are closed-form (sin/cos of the index) so the Swift tests rebuild them exactly."""
import math, torch
from torch import nn
torch.set_default_dtype(torch.float64)
def r(values, digits=8): return [round(v, digits) for v in values]
def ramp(n, a, b=0.0, s=1.0): return torch.tensor([math.cos(a * i + b) * s for i in range(n)])
def proj(n): return torch.tensor([math.sin(0.11 * i + 0.3) for i in range(n)])

def layer_case(name, layer, x, train=True):
    layer.train(train); layer.zero_grad()
    x = x.clone().requires_grad_(True)
    y = layer(x)
    (y * proj(y.numel()).reshape(y.shape)).sum().backward()
    print(name, "out", r(y.detach().flatten().tolist()[:6]))
    print(name, "dx", r(x.grad.flatten().tolist()[:6]))
    for pname, p in layer.named_parameters():
        print(name, "d" + pname, r(p.grad.flatten().tolist()))
    return layer

# BatchNorm2d: x [2, 3, 3, 3], weight 1 + 0.1c, bias 0.05c
bn = nn.BatchNorm2d(3)
with torch.no_grad(): bn.weight.copy_(torch.tensor([1.0, 1.1, 1.2])); bn.bias.copy_(torch.tensor([0.0, 0.05, 0.1]))
x2 = (ramp(54, 0.37, s=1.5) + torch.tensor([0.1 * (i % 5) for i in range(54)])).reshape(2, 3, 3, 3)
layer_case("bn2d-train", bn, x2, True)
print("bn2d running_mean", r(bn.running_mean.tolist())); print("bn2d running_var", r(bn.running_var.tolist()))
layer_case("bn2d-eval", bn, x2 * 0.5, False)
bn1 = nn.BatchNorm1d(3)
with torch.no_grad(): bn1.weight.copy_(torch.tensor([0.9, 1.0, 1.3])); bn1.bias.copy_(torch.tensor([0.2, -0.1, 0.0]))
x1 = ramp(12, 0.9, 0.2, 2.0).reshape(4, 3)
layer_case("bn1d-train", bn1, x1, True)
print("bn1d running_var", r(bn1.running_var.tolist()))
layer_case("bn1d-eval", bn1, x1, False)
xp = ramp(2 * 2 * 5 * 5, 0.53).reshape(2, 2, 5, 5)
layer_case("avgpool2", nn.AvgPool2d(2), xp)
layer_case("avgpool3s2", nn.AvgPool2d(3, stride=2), xp)
layer_case("gap", nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten()), xp)
xa = ramp(12, 0.8, s=3.0).reshape(2, 6)
layer_case("leaky", nn.LeakyReLU(0.1), xa)
layer_case("gelu", nn.GELU(), xa)

# Label-smoothed cross-entropy (0.1), with and without class weights
logits = ramp(12, 0.45, s=2.0).reshape(3, 4).requires_grad_(True)
target = torch.tensor([1, 3, 0])
for name, weight in [("ce-smooth", None), ("ce-smooth-weighted", torch.tensor([1.0, 2.0, 0.5, 1.5]))]:
    logits.grad = None
    loss = nn.functional.cross_entropy(logits, target, weight=weight, label_smoothing=0.1)
    loss.backward()
    print(name, "loss", round(loss.item(), 10)); print(name, "grad", r(logits.grad.flatten().tolist()))

# AdamW: three steps on one tensor with gradient 2p + sin(i), lr 0.01, weight decay 0.1
p = torch.nn.Parameter(ramp(5, 0.7, s=0.5))
opt = torch.optim.AdamW([p], lr=0.01, weight_decay=0.1)
for _ in range(3):
    opt.zero_grad(); p.grad = 2 * p.detach() + torch.tensor([math.sin(i) for i in range(5)]); opt.step()
print("adamw", r(p.detach().tolist(), 10))

def sequence(make, steps, metric=None):
    q = torch.nn.Parameter(torch.zeros(1)); o = torch.optim.AdamW([q], lr=0.1)
    s = make(o); out, betas = [], []
    for k in range(steps):
        out.append(o.param_groups[0]["lr"]); betas.append(o.param_groups[0]["betas"][0]); o.step()
        s.step(metric[k]) if metric else s.step()
    return out, betas
S = torch.optim.lr_scheduler
print("step", r(sequence(lambda o: S.StepLR(o, step_size=3, gamma=0.5), 10)[0], 10))
print("multistep", r(sequence(lambda o: S.MultiStepLR(o, milestones=[2, 5], gamma=0.1), 8)[0], 10))
print("exponential", r(sequence(lambda o: S.ExponentialLR(o, gamma=0.9), 6)[0], 10))
W, T = 4, 12
print("cosine-warmup", r(sequence(lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=1 / W, total_iters=W - 1),
                                                              S.CosineAnnealingLR(o, T_max=T - W, eta_min=0.001)], milestones=[W]), T)[0], 10))
lrs, betas = sequence(lambda o: S.OneCycleLR(o, max_lr=3e-3, total_steps=20), 20)
print("onecycle", r(lrs, 12)); print("onecycle-beta1", r(betas, 10))
losses = [1.0, 0.9, 0.95, 0.93, 0.91, 0.92, 0.5, 0.6, 0.7, 0.8]
print("plateau", r(sequence(lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=1), 10, losses)[0], 10))
