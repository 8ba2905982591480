"""Side-by-side ratios for networks in time, robust to a busy machine: alternates pdp and
PyTorch (one thread) for several rounds and compares the fastest epoch of each.

Run from the repository root after `cargo build --release`:  python3 benches/compare_time.py
pdp's epoch times are the `seconds` of `pdp train --json` (the epoch alone, no start-up).
"""
import json, os, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytorch_reference as ref  # noqa: E402


def pdp_epochs(network, epochs):
    out = subprocess.run(["target/release/pdp", "train", network, "--epochs", str(epochs), "--json"],
                         check=True, capture_output=True, text=True).stdout
    return min(json.loads(line)["seconds"] for line in out.splitlines())


def main(rounds=5):
    best = {"srn": [float("inf"), float("inf")], "lstm": [float("inf"), float("inf")]}
    for _ in range(rounds):
        best["srn"][0] = min(best["srn"][0], pdp_epochs("networks/letters.ron", 10))
        best["srn"][1] = min(best["srn"][1], ref.srn_letters_epoch())
        best["lstm"][0] = min(best["lstm"][0], pdp_epochs("benches/networks/lstm64.ron", 10))
        best["lstm"][1] = min(best["lstm"][1], min(ref.lstm_epoch() for _ in range(3)))
    for name, (p, t) in best.items():
        print(f"{name}: pdp {p * 1000:.2f} ms, pytorch {t * 1000:.2f} ms, pdp/pytorch {p / t:.3f}")


if __name__ == "__main__":
    main()
