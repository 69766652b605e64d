#!/bin/bash
# Session 26 (2026-12-05, from 10:52 UTC): section 4's search with the sandwich weight steps (--sandwich 1), then the
# 30-epoch default recipe, seeds 1-3, one Torch thread each, three jobs side by side on the two cores (shapes.sh at
# nice 19 beside them). Build copy /work/snap26, in /work/runs26.
B="/usr/bin/time -v dotnet /work/snap26/Benchmarks.dll"
for S in 1 2 3; do
  nohup $B fashion-search --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 30 --random 0 --seed $S --threads 1 --sandwich 1 --csv s26-sandwich.csv > sw-seed$S.log 2>&1 &
done
