#!/bin/bash
# Session 28: the search's cross-process reproducibility before and after the library requests MKL's reproducible mode.
# Builds: /work/snap28 = 6c472e3 (before), /work/snap28g = the commit that adds Training/MklReproducibility.cs (after).
# One Torch thread, sequential processes, beside one single-thread 30-epoch training (the session's KD run).
S="fashion-search --budget-mflops 3 --search-images 800 --search-epochs 3 --train-epochs 0 --random 0 --seed 1 --proxy 0 --threads 1"
for i in 1 2 3; do
  for build in snap28 snap28g; do
    /usr/bin/time -f "%e s wall, %U s user" dotnet /work/$build/Benchmarks.dll $S > repro-$build-$i.log 2>&1
  done
done
# the figures: the third epoch's line and the chosen network of each process, and its time
for f in repro-snap28*-?.log; do echo "$f: $(grep 'search 3/3' $f | cut -c3-70) | $(grep -o 'chosen.*' $f | md5sum | cut -c1-8) | $(tail -1 $f)"; done
# the mechanism: same reductions over the same numbers at 8 offsets, this process and a child that used libtorch first
dotnet /work/snap28g/Benchmarks.dll mkl-alignment > mkl-alignment.log 2>&1
# 01:35, beside the same training: two processes of the after build with two Torch threads (repro-t2-snap28g-{1,2}.log)
for i in 1 2; do /usr/bin/time -f "%e s wall, %U s user" dotnet /work/snap28g/Benchmarks.dll ${S/--threads 1/--threads 2} > repro-t2-snap28g-$i.log 2>&1; done
# 02:11, idle: a second data set (the synthetic shapes), two processes of each build one after the other (shapes-*.log)
S2="fashion-search --dataset shapes --budget-mflops 3 --search-images 800 --search-epochs 3 --train-epochs 0 --random 0 --seed 1 --proxy 0 --threads 1"
for b in snap28 snap28g; do for i in 1 2; do dotnet /work/$b/Benchmarks.dll $S2 > shapes-$b-$i.log 2>&1; done; done
