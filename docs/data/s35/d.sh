#!/bin/bash
# Session 35, job D (one Torch thread, after job B; build a5bba35, /work/snap35): does the shapes search's candidate
# ranking survive training? Every candidate (ranks 1-5) of the three default shapes searches (seed 1: session 27's
# shapes-fill-seed1.log; seeds 2, 3: session 34's adam-shapes-{2,3}.log) trained 15 epochs at its search's seed.
cd /work/runs35
while kill -0 2490 2>/dev/null; do sleep 20; done
B="/usr/bin/time -v dotnet /work/snap35/Benchmarks.dll"
for S in 1 2 3; do
  L=$([ $S = 1 ] && echo adam-shapes-1-s27.log || echo adam-shapes-$S.log)
  for R in 1 2 3 4 5; do
    A=$(grep -m1 "rank $R:" $L | grep -o "in_c.*")
    [ -n "$A" ] || { echo "no rank $R in $L" >> d.err; continue; }
    $B fashion-train --dataset shapes --arch "$A" --train-images 12000 --epochs 15 --seed $S --threads 1 --csv rank-seed$S-r$R.csv > rank-seed$S-r$R.log 2>&1
  done
done
