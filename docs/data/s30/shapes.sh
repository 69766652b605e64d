#!/bin/bash
# Session 30: does MobileNetV3-Small-28 gain from twice the schedule as seed 2's searched network did on the synthetic
# shapes (session 29's shapes.sh: A2 15 -> 30 epochs +0.80 / +0.16 on seeds 1 / 2)? MobileNetV3-Small-28 at A2's
# FLOPs (--match-mflops 4.816 -> x0.542, 4.635 M; session 25 ran seed 1 at 15 epochs on an older build: 96.48 %), the same commands,
# one Torch thread, one after another, started when e60.sh's A3 job ended (beside its MobileNetV3-Small-28 job).
# Build: commit 52e9580 (/work/snap29).
B="/usr/bin/time -v dotnet /work/snap29/Benchmarks.dll"
cd /work/runs30
for R in "15 1" "30 1" "15 2" "30 2"; do
  set -- $R
  $B fashion-train --dataset shapes --arch MobileNetV3-Small-28 --match-mflops 4.816 --train-images 12000 --epochs $1 --seed $2 --threads 1 --csv shapes.csv > shapes-mnv3s-e$1-seed$2.log 2>&1
done
