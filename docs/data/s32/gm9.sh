#!/bin/bash
# Session 32, job D (queued after job C's training ends; one Torch thread beside job A). Build: working tree of
# f1fe70b + Benchmarks flag checks (/work/snap32c; the library as f1fe70b).
# 1. Session 31's shared-moment search on the shapes (seed 1) derived again with all five candidates proxy-trained.
# 2. Section 4's Fashion-MNIST search with the shared moment at --travel 9 (travel 6 ended at 76 % of uniform's
#    entropy; issue 14 asks <= 70 %), all five candidates proxy-trained, search only.
while pgrep -f "e60-gm1s4-seed1.csv" > /dev/null; do sleep 20; done
B="/usr/bin/time -v dotnet /work/snap32c/Benchmarks.dll"
cd /work/runs32
cp -r /work/runs31/ckpt-gm-shapes-1 ckpt-gm-shapes-1-rerank
$B fashion-search --dataset shapes --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 0 --random 0 --seed 1 --threads 1 --global-arch-moment 1 --proxy 5 --checkpoint ckpt-gm-shapes-1-rerank > rerank-gm-shapes-1.log 2>&1
$B fashion-search --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 0 --random 0 --seed 1 --threads 1 --global-arch-moment 1 --travel 9 --proxy 5 --checkpoint ckpt-gm9-fashion-1 > gm9-fashion-1.log 2>&1
