#!/bin/bash
# Session 29: the second data set for the longer schedule. Seed 2's searched network (A2) on the synthetic shapes
# (12,000 training images, 15 epochs as in sessions 23-25) against twice the epochs, seeds 1 and 2, one after another
# on one Torch thread beside e60.sh's three jobs. Build: commit 52e9580 (/work/snap29).
source "$(dirname "$0")/../s18/arches.sh"
B="/usr/bin/time -v dotnet /work/snap29/Benchmarks.dll"
cd /work/runs29
for S in 1 2; do
  for E in 15 30; do
    $B fashion-train --dataset shapes --arch "$A2" --train-images 12000 --epochs $E --seed $S --threads 1 --csv shapes.csv > shapes-e$E-seed$S.log 2>&1
  done
done
