"""Fixture generator for Tests/NeuralNetTests/AutoencoderOracleTests.swift:
python3 Benchmarks/python/torch_autoencoder_oracle.py

A small autoencoder of the zoo's shape (Linear, ReLU, Linear | Linear, ReLU, Linear, Sigmoid),
mean-squared error against its own input, five Adam steps, float64."""
import math, torch
from torch import nn
torch.set_default_dtype(torch.float64)
def fill(t, k):
    n = t.numel()
    t.data = torch.tensor([math.sin(0.7 * i + k) * 0.4 for i in range(n)]).reshape(t.shape)
model = nn.Sequential(nn.Linear(8, 5), nn.ReLU(), nn.Linear(5, 3), nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 8), nn.Sigmoid())
for k, p in enumerate(model.parameters()):
    fill(p, k)
x = torch.tensor([0.5 + 0.5 * math.cos(0.3 * i) for i in range(3 * 8)]).reshape(3, 8)
opt = torch.optim.Adam(model.parameters(), lr=0.01)
losses = []
for step in range(5):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(x), x)
    losses.append(loss.item())
    loss.backward()
    opt.step()
print("losses", [round(v, 10) for v in losses])
for name, p in model.named_parameters():
    print(name, [round(v, 8) for v in p.detach().flatten().tolist()[:3]])
print("final", [round(v, 8) for v in model(x).detach().flatten().tolist()[:8]])
