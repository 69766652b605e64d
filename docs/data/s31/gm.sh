#!/bin/bash
# Session 31: section 4's search with the architecture optimizer's second moment shared by all logits
# (--global-arch-moment 1, SearchOptions.GlobalArchitectureSecondMoment), search only (--train-epochs 0), checkpoint kept
# so the learned distributions can be read (allocation --checkpoint); Fashion-MNIST seed 1, then the synthetic shapes
# seed 1 (the second data set). One Torch thread, beside the two MobileNetV3-Small-28 trainings of e60.sh.
# Build: this session's working tree (uncommitted at the time: snapshot /work/snap31).
B="/usr/bin/time -v dotnet /work/snap31/Benchmarks.dll"
cd /work/runs31
$B fashion-search --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 0 --random 0 --seed 1 --threads 1 --global-arch-moment 1 --checkpoint ckpt-gm-fashion-1 > gm-fashion-1.log 2>&1
$B fashion-search --dataset shapes --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 0 --random 0 --seed 1 --threads 1 --global-arch-moment 1 --checkpoint ckpt-gm-shapes-1 > gm-shapes-1.log 2>&1
