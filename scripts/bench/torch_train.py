"""PyTorch reference for Strata's training bench: the seed CNN and the MLP, batch 32, Adam, on the CPU.

Prints one JSON line: torch version, BLAS library actually loaded, threads, and per model samples per second of wall
time and of this process's CPU time (all threads).
Run by scripts/bench/cpu-vs-pytorch.bench.ts; by hand: OMP_NUM_THREADS=2 python3 scripts/bench/torch_train.py --threads 2
"""
import argparse
import json
import time

import torch
from torch import nn


def build(kind):
    if kind == "cnn":
        return nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10),
        )
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


def blas_library():
    """The BLAS shared object this process really mapped (Debian switches libblas.so.3 through alternatives)."""
    try:
        with open("/proc/self/maps") as maps:
            names = {line.split()[-1] for line in maps if "blas" in line.lower()}
        return ", ".join(sorted(n.rsplit("/", 2)[-2] + "/" + n.rsplit("/", 1)[-1] for n in names)) or "none mapped"
    except OSError:
        return "unknown"


def bench(kind, warmup, seconds):
    torch.manual_seed(0)
    model = build(kind)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(32, 1, 28, 28)
    y = torch.randint(0, 10, (32,))

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(warmup):
        step()
    batches = 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    while time.perf_counter() - start < seconds:
        step()
        batches += 1
    return batches * 32 / (time.perf_counter() - start), batches * 32 / (time.process_time() - cpu_start)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--models", default="cnn,mlp")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "samplesPerSecond": {}, "samplesPerCpuSecond": {}}
    for kind in args.models.split(","):
        result["samplesPerSecond"][kind], result["samplesPerCpuSecond"][kind] = bench(kind, 5, args.seconds)
    result["blas"] = blas_library()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
