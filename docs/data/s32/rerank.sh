#!/bin/bash
# Session 32: session 31's shared-moment search (seed 1, Fashion-MNIST; docs/data/s31/gm.sh) derived again from its
# checkpoint (a copy of /work/runs31/ckpt-gm-fashion-1; a finished search is not rerun, only derived and ranked) with
# all five candidates proxy-trained (--proxy 5; the default trains the best 3 by inherited accuracy).
# One Torch thread beside job A (e60.sh). Build 9908bfe + fashion-search --travel (/work/snap32b).
B="/usr/bin/time -v dotnet /work/snap32b/Benchmarks.dll"
cd /work/runs32
cp -r /work/runs31/ckpt-gm-fashion-1 ckpt-gm-fashion-1-rerank
$B fashion-search --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 0 --random 0 --seed 1 --threads 1 --global-arch-moment 1 --proxy 5 --checkpoint ckpt-gm-fashion-1-rerank > rerank-gm-fashion-1.log 2>&1
# The same on the shapes (session 31's shared-moment search on the synthetic shapes, seed 1), queued after the
# sample-4 training (job D in /work/runs32/d.sh; build /work/snap32c = f1fe70b's library + the Benchmarks flag checks).
B="/usr/bin/time -v dotnet /work/snap32c/Benchmarks.dll"
cp -r /work/runs31/ckpt-gm-shapes-1 ckpt-gm-shapes-1-rerank
$B fashion-search --dataset shapes --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 0 --random 0 --seed 1 --threads 1 --global-arch-moment 1 --proxy 5 --checkpoint ckpt-gm-shapes-1-rerank > rerank-gm-shapes-1.log 2>&1
