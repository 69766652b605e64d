#!/bin/bash
# Session 35, job C (one Torch thread, after job A; build a5bba35, /work/snap35): HandCNN-28 at 60 epochs, seeds 2 and 3,
# at those seeds' searched FLOPs (the commands of session 19 with --epochs 60).
cd /work/runs35
while kill -0 2478 2>/dev/null; do sleep 20; done
B="/usr/bin/time -v dotnet /work/snap35/Benchmarks.dll"
$B fashion-train --arch HandCNN-28 --match-mflops 4.816 --epochs 60 --seed 2 --threads 1 --csv e60-hand-seed2.csv > e60-hand-seed2.log 2>&1
$B fashion-train --arch HandCNN-28 --match-mflops 4.750 --epochs 60 --seed 3 --threads 1 --csv e60-hand-seed3.csv > e60-hand-seed3.log 2>&1
