#!/bin/bash
# Session 35, job A (one Torch thread; build a5bba35, /work/snap35): issue 16's fair table, HandCNN-28 at 60 epochs,
# seed 1, at the seed-1 searched network's FLOPs (the command of sessions 16 and 19 with --epochs 60).
cd /work/runs35
B="/usr/bin/time -v dotnet /work/snap35/Benchmarks.dll"
$B fashion-train --arch HandCNN-28 --match-mflops 4.999 --epochs 60 --seed 1 --threads 1 --csv e60-hand-seed1.csv > e60-hand-seed1.log 2>&1
