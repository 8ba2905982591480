"""PyTorch (CPU, one thread) on the networks that `cargo bench` times, for side-by-side ratios.

Run from the repository root:  python3 benches/pytorch_reference.py [--skip-per-pattern] [--time]
With --time, only the networks in time: one epoch of Elman's letters SRN trained at every step
(nn.RNN, 6-20-6, the state carried and cut after each step) and one epoch of an LSTM with 64
cells on 256 sequences of 50 steps in batches of 16 (nn.LSTM, 7 inputs, 2 outputs).
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


def srn_letters_epoch(steps=2985):
    """Elman's letters: 6 features in, 20 hidden (tanh, nn.RNN), 6 logistic out, summed squared
    error, an update after every step (lrate 0.1, momentum 0.9), the state carried from step
    to step but cut from the graph, as an SRN's context copy is."""
    rng = np.random.default_rng(1)
    feats = np.array([[1, 0, 1, 0, 0, 1], [1, 0, 1, 1, 0, 1], [1, 0, 1, 0, 1, 1],
                      [0, 1, 0, 0, 1, 1], [0, 1, 0, 1, 0, 1], [0, 1, 0, 1, 1, 1]], np.float32)
    stream = []
    while len(stream) < steps + 1:
        c = int(rng.integers(3))
        stream += [c] + [c + 3] * (c + 1)
    x = torch.from_numpy(feats[stream[:steps]]).unsqueeze(1).unsqueeze(1)
    y = torch.from_numpy(feats[stream[1:steps + 1]]).unsqueeze(1)
    rnn = torch.nn.RNN(6, 20)
    out = torch.nn.Linear(20, 6)
    opt = torch.optim.SGD(list(rnn.parameters()) + list(out.parameters()), lr=0.1, momentum=0.9)
    h = torch.full((1, 1, 20), 0.5)
    t0 = time.perf_counter()
    for t in range(steps):
        opt.zero_grad()
        o, h = rnn(x[t], h.detach())
        loss = 0.5 * ((torch.sigmoid(out(o[0])) - y[t]) ** 2).sum()
        loss.backward()
        opt.step()
    return time.perf_counter() - t0


def lstm_epoch(sequences=256, steps=50, batch=16, cells=64):
    """64 LSTM cells on sequences of 50 steps of 7 one-hot symbols, 2 softmax outputs at the
    last step, cross-entropy, SGD lrate 0.1, batches of 16: backpropagation through each whole
    sequence."""
    rng = np.random.default_rng(1)
    sym = rng.integers(2, 6, size=(sequences, steps))
    cue = rng.integers(0, 2, size=sequences)
    sym[:, 0] = cue
    sym[:, -1] = 6
    x = torch.nn.functional.one_hot(torch.from_numpy(sym), 7).float()
    y = torch.from_numpy(cue)
    lstm = torch.nn.LSTM(7, cells, batch_first=True)
    out = torch.nn.Linear(cells, 2)
    opt = torch.optim.SGD(list(lstm.parameters()) + list(out.parameters()), lr=0.1)
    loss_fn = torch.nn.CrossEntropyLoss()
    t0 = time.perf_counter()
    for i in range(0, sequences, batch):
        opt.zero_grad()
        h, _ = lstm(x[i:i + batch])
        loss = loss_fn(out(h[:, -1]), y[i:i + batch])
        loss.backward()
        opt.step()
    return time.perf_counter() - t0


if __name__ == "__main__":
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    if "--time" in sys.argv:
        for _ in range(2):  # the first run warms up
            srn, lstm = srn_letters_epoch(), lstm_epoch()
        print(f"srn letters epoch, update every step: {srn:.3f} s")
        print(f"lstm 64 cells, 256 sequences of 50 steps, batches of 16: {lstm:.3f} s")
        sys.exit(0)
    xtr, ytr = mnist("train")
    xte, yte = mnist("t10k")
    s, a = mnist_epoch(32, xtr, ytr, xte, yte)
    print(f"mnist batch-32 epoch: {s:.3f} s, test accuracy {100 * a:.2f}%")
    print(f"xor per-pattern 1000 epochs: {xor_per_pattern():.3f} s")
    if "--skip-per-pattern" not in sys.argv:
        s, a = mnist_epoch(1, xtr, ytr, xte, yte)
        print(f"mnist per-pattern epoch: {s:.3f} s, test accuracy {100 * a:.2f}%")
