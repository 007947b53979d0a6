"""The PyTorch peer of bench/run.mjs: one epoch of the same MNIST MLP (ReLU hidden layers, 10
logits, SGD lr 0.1, cross-entropy, shuffled mini-batches) on the same IDX files, timed the same
way (the training loop only). Prints one JSON line. Needs Debian's python3-torch.

    python3 torch_mnist.py <mnist data dir> <hidden sizes, e.g. 128 or 512,512> <batch size> <threads>
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


def load(directory, split):
    images = idx(os.path.join(directory, f"{split}-images-idx3-ubyte"), 16).reshape(-1, 784).float() / 255
    labels = idx(os.path.join(directory, f"{split}-labels-idx1-ubyte"), 8).long()
    return images, labels


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main():
    directory, hidden, batch_size, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    x, y = load(directory, "train")
    test_x, test_y = load(directory, "t10k")
    sizes = [784] + [int(units) for units in hidden.split(",")]
    layers = []
    for inputs, units in zip(sizes, sizes[1:]):
        layers += [torch.nn.Linear(inputs, units), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers, torch.nn.Linear(sizes[-1], 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = torch.nn.CrossEntropyLoss()
    start, cpu = time.perf_counter(), cpu_seconds()
    order = torch.randperm(len(x))
    total, seen = 0.0, 0
    for begin in range(0, len(x), batch_size):
        batch = order[begin : begin + batch_size]
        optimizer.zero_grad()
        loss = loss_fn(model(x[batch]), y[batch])
        loss.backward()
        optimizer.step()
        total += loss.item() * len(batch)
        seen += len(batch)
    seconds, cpu_used = time.perf_counter() - start, cpu_seconds() - cpu
    with torch.no_grad():
        accuracy = (model(test_x).argmax(1) == test_y).float().mean().item()
    print(json.dumps({"version": torch.__version__, "seconds": seconds, "cpuSeconds": cpu_used, "accuracy": accuracy, "loss": total / seen}))


if __name__ == "__main__":
    main()
