#!/bin/bash
# Session 27: the same finished searches (their checkpoints from fill.sh) derived and ranked again at the old fill share
# (--fill 0.9), no final training; each starts once its search has printed "search took". Build copy /work/snap27c
# (adds --train-epochs 0; the derivation is the same code as /work/snap27b's). In /work/runs27.
B="/usr/bin/time -v dotnet /work/snap27c/Benchmarks.dll"
run() { # log-of-the-search, then the arguments
  local log=$1; shift
  until grep -q 'search took' "$log"; do sleep 30; done
  $B fashion-search "$@"
}
for S in 1 2 3; do
  run fill-seed$S.log --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 0 --random 0 --seed $S --threads 1 --checkpoint ckpt-fashion-$S --fill 0.9 > fill09-seed$S.log 2>&1
done
run shapes-fill-seed1.log --dataset shapes --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 0 --random 0 --seed 1 --threads 1 --checkpoint ckpt-shapes-1 --fill 0.9 > shapes-fill09-seed1.log 2>&1
