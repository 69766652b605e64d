#!/bin/bash
# Session 34, job A (one Torch thread beside job B; build 0c64c4c, /work/snap33):
# 1. Section 4's Fashion-MNIST search with the shared moment at --travel 9, seed 3, search only, default proxy (3).
# 2. Its pick trained 60 epochs at seed 3 (recipe of the 60-epoch rows).
cd /work/runs34
B="/usr/bin/time -v dotnet /work/snap33/Benchmarks.dll"
$B fashion-search --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 0 --random 0 --seed 3 --threads 1 --global-arch-moment 1 --travel 9 --checkpoint ckpt-gm9-fashion-3 > gm9-fashion-3.log 2>&1
ARCH=$(grep -o "chosen in_c1.*" gm9-fashion-3.log | tail -1 | sed 's/^chosen //')
if [ -z "$ARCH" ]; then echo "no chosen architecture in gm9-fashion-3.log" > a.err; exit 1; fi
echo "$ARCH" > gm9-fashion-3.arch
$B fashion-train --arch "$ARCH" --epochs 60 --seed 3 --threads 1 --csv e60-gm9-seed3.csv > e60-gm9-seed3.log 2>&1
