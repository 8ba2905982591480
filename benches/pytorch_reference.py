"""PyTorch (CPU, one thread) on the networks that `cargo bench` times, for side-by-side ratios.

Run from the repository root:  python3 benches/pytorch_reference.py [--skip-per-pattern]
Prints seconds for: one MNIST epoch in batches of 32 (SGD lrate 0.01), one MNIST epoch with
an update after every pattern, and 1,000 epochs of per-pattern XOR (2-2-1 logistic, summed
squared error, lrate 0.5, momentum 0.9). Needs `pip install torch numpy`.
"""
import gzip, sys, time
import numpy as np
import torch

torch.set_num_threads(1)
torch.manual_seed(1)


def idx(path):
    with gzip.open(path) as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def mnist(split):
    base = "patterns/mnist/"
    x = idx(base + f"{split}-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255.0
    y = idx(base + f"{split}-labels-idx1-ubyte.gz").astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


def mlp():
    return torch.nn.Sequential(
        torch.nn.Linear(784, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 10))


def mnist_epoch(batch, xtr, ytr, xte, yte):
    net = mlp()
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()
    perm = torch.randperm(len(xtr))
    t0 = time.perf_counter()
    for i in range(0, len(xtr), batch):
        idx_ = perm[i:i + batch]
        opt.zero_grad()
        loss = loss_fn(net(xtr[idx_]), ytr[idx_])
        loss.backward()
        opt.step()
    secs = time.perf_counter() - t0
    with torch.no_grad():
        acc = (net(xte).argmax(1) == yte).float().mean().item()
    return secs, acc


def xor_per_pattern(epochs=1000):
    x = torch.tensor([[0., 0.], [0., 1.], [1., 0.], [1., 1.]])
    t = torch.tensor([[0.], [1.], [1.], [0.]])
    net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Sigmoid(),
                              torch.nn.Linear(2, 1), torch.nn.Sigmoid())
    opt = torch.optim.SGD(net.parameters(), lr=0.5, momentum=0.9)
    t0 = time.perf_counter()
    for _ in range(epochs):
        for i in range(4):
            opt.zero_grad()
            loss = 0.5 * ((net(x[i:i + 1]) - t[i:i + 1]) ** 2).sum()
            loss.backward()
            opt.step()
    return time.perf_counter() - t0


if __name__ == "__main__":
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    xtr, ytr = mnist("train")
    xte, yte = mnist("t10k")
    s, a = mnist_epoch(32, xtr, ytr, xte, yte)
    print(f"mnist batch-32 epoch: {s:.3f} s, test accuracy {100 * a:.2f}%")
    print(f"xor per-pattern 1000 epochs: {xor_per_pattern():.3f} s")
    if "--skip-per-pattern" not in sys.argv:
        s, a = mnist_epoch(1, xtr, ytr, xte, yte)
        print(f"mnist per-pattern epoch: {s:.3f} s, test accuracy {100 * a:.2f}%")
