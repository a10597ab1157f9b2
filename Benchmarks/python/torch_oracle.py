"""Fixture generator for Tests/NeuralNetTests/PyTorchOracleTests.swift: python3 Benchmarks/python/torch_oracle.py"""
import math, torch
from torch import nn
torch.set_default_dtype(torch.float64)
def fill(t, k):
    n = t.numel()
    t.data = torch.tensor([math.sin(0.7 * i + k) * 0.4 for i in range(n)]).reshape(t.shape)
model = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(2, 3, 2), nn.Tanh(),
                      nn.Flatten(), nn.Linear(12, 4))
for k, p in enumerate(model.parameters()):
    fill(p, k)
x = torch.tensor([math.cos(0.3 * i) for i in range(2 * 36)]).reshape(2, 1, 6, 6)
y = torch.tensor([1, 3])
opt = torch.optim.Adam(model.parameters(), lr=0.01)
losses = []
for step in range(3):
    opt.zero_grad()
    loss = nn.functional.cross_entropy(model(x), y)
    losses.append(loss.item())
    loss.backward()
    opt.step()
print("losses", [round(v, 9) for v in losses])
for name, p in model.named_parameters():
    print(name, [round(v, 8) for v in p.detach().flatten().tolist()[:4]])
print("final", [round(v, 8) for v in model(x).detach().flatten().tolist()])
