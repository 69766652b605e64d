#!/bin/bash
# Session 34, job B (one Torch thread beside job A; build 0c64c4c, /work/snap33):
# 1. The synthetic shapes search (the second data set) with the shared moment at --travel 9, seed 1, search only.
# 2. Its pick trained 15 epochs on shapes at seed 1 (recipe of session 29-30's shapes rows: H2, MobileNetV3-Small-28).
cd /work/runs34
B="/usr/bin/time -v dotnet /work/snap33/Benchmarks.dll"
$B fashion-search --dataset shapes --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 0 --random 0 --seed 1 --threads 1 --global-arch-moment 1 --travel 9 --checkpoint ckpt-gm9-shapes-1 > gm9-shapes-1.log 2>&1
ARCH=$(grep -o "chosen in_c.*" gm9-shapes-1.log | tail -1 | sed 's/^chosen //')
if [ -z "$ARCH" ]; then echo "no chosen architecture in gm9-shapes-1.log" > b.err; exit 1; fi
echo "$ARCH" > gm9-shapes-1.arch
$B fashion-train --dataset shapes --arch "$ARCH" --train-images 12000 --epochs 15 --seed 1 --threads 1 --csv shapes-gm9-seed1.csv > shapes-gm9-seed1.log 2>&1
