"""Issue 15's oracle experiment, PyTorch side (see Benchmarks/results/neuralnet.md).

    python3 Benchmarks/python/autoencoder_draws.py draws SEED EPOCHS DIR
        writes torch_reference.py's random draws for SEED: the autoencoder's initial weights
        (DIR/param0..7.bin, float32, PyTorch's parameter order) and one permutation of the 60,000
        training images per epoch (DIR/order.bin, int32), exactly as run() makes them.
    python3 Benchmarks/python/autoencoder_draws.py train DIR
        trains PyTorch from those weights on that order (batch 128, Adam 1e-3, MSE), printing
        every step's loss and the test MSE after each epoch.

`ATELIER_AE_ORACLE=DIR .build/release/atelier-bench nn-autoencoder-oracle` runs the same in Atelier.
"""
import os, sys
import numpy as np
import torch
from torch import nn
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_reference as ref

if sys.argv[1] == "draws":
    seed, epochs, out = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(seed)
    model, _ = ref.make("autoencoder")
    for k, p in enumerate(model.parameters()):
        p.detach().numpy().astype(np.float32).tofile(f"{out}/param{k}.bin")
    generator = torch.Generator().manual_seed(seed)
    orders = [torch.randperm(60000, generator=generator).numpy() for _ in range(epochs)]
    np.concatenate(orders).astype(np.int32).tofile(f"{out}/order.bin")
else:
    folder = sys.argv[2]
    (x, _), (tx, _) = ref.load("mnist")
    x, tx = x.reshape(-1, 784), tx.reshape(-1, 784)
    model, _ = ref.make("autoencoder")
    with torch.no_grad():
        for k, p in enumerate(model.parameters()):
            p.copy_(torch.from_numpy(np.fromfile(f"{folder}/param{k}.bin", dtype=np.float32)).reshape(p.shape))
    order = torch.from_numpy(np.fromfile(f"{folder}/order.bin", dtype=np.int32).astype(np.int64)).reshape(-1, 60000)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    step = 0
    for epoch, permutation in enumerate(order, start=1):
        for i in range(0, 60000, 128):
            xb = x[permutation[i:i + 128]]
            optimizer.zero_grad()
            loss = loss_fn(model(xb), xb)
            loss.backward()
            optimizer.step()
            print(f"step {step} loss {loss.item():.8f}")
            step += 1
        with torch.no_grad():
            print(f"epoch {epoch} test MSE {loss_fn(model(tx), tx).item():.6f}", flush=True)
