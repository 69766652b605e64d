#!/bin/bash
# Session 34, job C (starts when job B ends; one Torch thread beside job A; build 0c64c4c, /work/snap33):
# the shapes search with the shared moment at --travel 9 at seed 2, and its pick trained 15 epochs on shapes at seed 2.
cd /work/runs34
while kill -0 31664 2>/dev/null; do sleep 20; done
B="/usr/bin/time -v dotnet /work/snap33/Benchmarks.dll"
$B fashion-search --dataset shapes --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 0 --random 0 --seed 2 --threads 1 --global-arch-moment 1 --travel 9 --checkpoint ckpt-gm9-shapes-2 > gm9-shapes-2.log 2>&1
ARCH=$(grep -o "chosen in_c.*" gm9-shapes-2.log | tail -1 | sed 's/^chosen //')
if [ -z "$ARCH" ]; then echo "no chosen architecture in gm9-shapes-2.log" > c.err; exit 1; fi
echo "$ARCH" > gm9-shapes-2.arch
$B fashion-train --dataset shapes --arch "$ARCH" --train-images 12000 --epochs 15 --seed 2 --threads 1 --csv shapes-gm9-seed2.csv > shapes-gm9-seed2.log 2>&1
