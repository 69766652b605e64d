#!/bin/bash
# Session 25 (2026-12-05), 10:27 UTC, idle machine: does the search with the widest-width warm-up reach H2's region
# (a three-block 4x4 stage of ~2 M)? Section 4's search (12,000 images, 6 epochs, budget 5 M), seed 1, two threads; the
# final training cut to 1 epoch (only the derived network is wanted here). Build 4932771 (a copy of
# examples/Benchmarks/bin/Release/net10.0 in /work/snap25b), in /work/runs25.
B="/usr/bin/time -v dotnet /work/snap25b/Benchmarks.dll"
$B fashion-search --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 1 --random 0 --seed 1 --threads 2 --widest-warmup 1 > ww-seed1.log 2>&1
