#!/bin/bash
# Session 36, job A: Fashion-MNIST search, seed 1, parameters term w=$1 (search only, checkpoint kept).
cd /work/runs36
W=$1
/usr/bin/time -v dotnet /work/snap36/Benchmarks.dll fashion-search --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 0 --random 0 --seed 1 --threads 1 --param-weight $W --checkpoint ckpt-pw$W-fashion-1 > pw$W-fashion-1.log 2>&1
