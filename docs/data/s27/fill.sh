#!/bin/bash
# Session 27 (2026-12-05), in /work/runs27, one Torch thread per job, on the 2-core machine (AMD EPYC).
# 21:15: MobileNetV3-Small-28 at the FLOPs the filled networks reach (x0.550, 4.964 M; sessions 16/19 ran seeds 2 and 3
# at x0.542, 4.635 M, matched to session 14's 4.816 / 4.750 M networks), same recipe, seed 2. Build copy /work/snap27.
B="/usr/bin/time -v dotnet /work/snap27/Benchmarks.dll"
# nohup $B fashion-train --arch MobileNetV3-Small-28 --match-mflops 4.999 --epochs 30 --seed 2 --threads 1 --csv s27-base.csv > mnv3s-x0550-seed2.log 2>&1 &
# Stopped at 22:15 after 7 of 30 epochs (under five- and six-way sharing it would have ended after the session); left for the next session.
# 21:21: section 4's plain search with the derivation grown to 98 % of the budget (--fill 0.98, the new default; 0.9
# before), then the 30-epoch default recipe, seeds 1-3, side by side; the shapes search (seed 1, one training epoch:
# only the derived network is compared) beside them. Each keeps its checkpoint, so the same distribution can be derived
# again at --fill 0.9 (rederive.sh). Build copy /work/snap27b (adds --checkpoint). A first start at 21:12 without
# --checkpoint was stopped at 21:20.
B="/usr/bin/time -v dotnet /work/snap27b/Benchmarks.dll"
for S in 1 2 3; do
  nohup $B fashion-search --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 30 --random 0 --seed $S --threads 1 --checkpoint ckpt-fashion-$S --csv s27-fill.csv > fill-seed$S.log 2>&1 &
done
nohup $B fashion-search --dataset shapes --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 1 --random 0 --seed 1 --threads 1 --checkpoint ckpt-shapes-1 > shapes-fill-seed1.log 2>&1 &
# 22:27: seed 2's final training stopped after 2 of 30 epochs (four jobs with rederive.sh ran at 230-245 images/s each, so
# three trainings would have ended after the session); its search and derivation are complete in fill-seed2.log.
# Train it with: fashion-train --arch "<seed 2's chosen network>" --epochs 30 --seed 2 --threads 1 (same recipe and seed).
