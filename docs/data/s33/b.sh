#!/bin/bash
# Session 33, job B (one Torch thread beside job A; build 0c64c4c, /work/snap33):
# 1. Section 4's Fashion-MNIST search with the shared moment at --travel 9, seed 2, search only, default proxy (3).
# 2. Its pick trained 60 epochs at seed 2 (recipe of the 60-epoch rows).
cd /work/runs33
B="/usr/bin/time -v dotnet /work/snap33/Benchmarks.dll"
$B fashion-search --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 0 --random 0 --seed 2 --threads 1 --global-arch-moment 1 --travel 9 --checkpoint ckpt-gm9-fashion-2 > gm9-fashion-2.log 2>&1
ARCH=$(grep -o "chosen in_c1.*" gm9-fashion-2.log | tail -1 | sed 's/^chosen //')
if [ -z "$ARCH" ]; then echo "no chosen architecture in gm9-fashion-2.log" > b.err; exit 1; fi
echo "$ARCH" > gm9-fashion-2.arch
$B fashion-train --arch "$ARCH" --epochs 60 --seed 2 --threads 1 --csv e60-gm9-seed2.csv > e60-gm9-seed2.log 2>&1
