"""The PyTorch peer of `keel bench` (and of packages/backend-native/bench/run.mjs): one epoch of the
same MNIST model (ReLU hidden layers or 3x3 conv + 2x2 max-pool blocks, 10 logits, plain SGD,
cross-entropy, shuffled mini-batches) on the same IDX files, timing the training loop only.
Prints one JSON line. Needs Debian's python3-torch.

    python3 torch_mnist.py <mnist dir> <mlp|cnn> <layers, e.g. 128 or 512,512 or 8,16> <batch> <threads> [lr] [budget seconds]
"""
import json
import os
import resource
import sys
import time

import torch


def idx(path, header):
    """The payload of an IDX file as a uint8 tensor (the header is `header` bytes)."""
    with open(path, "rb") as f:
        data = f.read()
    return torch.frombuffer(bytearray(data[header:]), dtype=torch.uint8)


def load(directory, split, shape):
    images = idx(os.path.join(directory, f"{split}-images-idx3-ubyte"), 16).reshape(-1, *shape).float() / 255
    labels = idx(os.path.join(directory, f"{split}-labels-idx1-ubyte"), 8).long()
    return images, labels


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def build(arch, sizes):
    layers = []
    if arch == "cnn":
        channels = [1] + sizes
        for inputs, filters in zip(channels, channels[1:]):
            layers += [torch.nn.Conv2d(inputs, filters, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2)]
        side = 28 // (2 ** len(sizes))
        return torch.nn.Sequential(*layers, torch.nn.Flatten(), torch.nn.Linear(channels[-1] * side * side, 10))
    widths = [784] + sizes
    for inputs, units in zip(widths, widths[1:]):
        layers += [torch.nn.Linear(inputs, units), torch.nn.ReLU()]
    return torch.nn.Sequential(*layers, torch.nn.Linear(widths[-1], 10))


def main():
    directory, arch, sizes = sys.argv[1], sys.argv[2], [int(n) for n in sys.argv[3].split(",")]
    batch_size, threads = int(sys.argv[4]), int(sys.argv[5])
    lr = float(sys.argv[6]) if len(sys.argv) > 6 else 0.1
    budget = float(sys.argv[7]) if len(sys.argv) > 7 else float("inf")
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    shape = (1, 28, 28) if arch == "cnn" else (784,)
    x, y = load(directory, "train", shape)
    test_x, test_y = load(directory, "t10k", shape)
    model = build(arch, sizes)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    start, cpu = time.perf_counter(), cpu_seconds()
    order = torch.randperm(len(x))
    total, seen, batches = 0.0, 0, 0
    for begin in range(0, len(x), batch_size):
        batch = order[begin : begin + batch_size]
        optimizer.zero_grad()
        loss = loss_fn(model(x[batch]), y[batch])
        loss.backward()
        optimizer.step()
        total += loss.item() * len(batch)
        seen += len(batch)
        batches += 1
        if time.perf_counter() - start > budget:
            break
    seconds, cpu_used = time.perf_counter() - start, cpu_seconds() - cpu
    with torch.no_grad():
        accuracy = sum((model(test_x[i : i + 1000]).argmax(1) == test_y[i : i + 1000]).sum().item() for i in range(0, len(test_x), 1000)) / len(test_x)
    print(json.dumps({
        "version": torch.__version__,
        "seconds": seconds,
        "cpuSeconds": cpu_used,
        "batches": batches,
        "totalBatches": -(-len(x) // batch_size),
        "accuracy": accuracy,
        "loss": total / seen,
        "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
