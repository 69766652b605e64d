#!/bin/bash
# Session 24 (2026-12-05): label smoothing 0.2 instead of the default 0.1, everything else the default recipe
# (erasing off, wd 5e-4). Build 35c597c, one Torch thread per job, run from a copy of examples/Benchmarks/bin/Release/net10.0.
source docs/data/s18/arches.sh   # A1, A2, A3: session 14's searched networks of seeds 1, 2, 3
B="/usr/bin/time -v dotnet examples/Benchmarks/bin/Release/net10.0/Benchmarks.dll"   # in the session a copy of it (/work/snap24), started 05:34 from /work/runs24
# Fashion-MNIST, the three searched networks (compare session 15's rows at 0.1: docs/data/s15/s*arch-30-erase0-seed*.log)
for s in 1 2 3; do eval A=\$A$s; $B fashion-train --arch "$A" --epochs 30 --seed $s --threads 1 --label-smoothing 0.2 --csv ls02-seed$s.csv > ls02-seed$s.log 2>&1 & done
# the baseline MobileNetV3-Small-28 at seed 1's searched FLOPs (compare docs/data/s16/mnv3s-erase0-seed1.log at 0.1)
$B fashion-train --arch MobileNetV3-Small-28 --match-mflops 4.999 --epochs 30 --seed 1 --threads 1 --label-smoothing 0.2 --csv mnv3s-ls02-seed1.csv > mnv3s-ls02-seed1.log 2>&1 &
# second data set: the synthetic shapes (12,000 training images, 15 epochs), seed 2's network, seeds 1 and 2, beside the jobs above
# (compare docs/data/s23/shapes-wd5e-4-seed{1,2}.log: the default recipe, 96.55 / 96.48 %)
for s in 1 2; do
  $B fashion-train --dataset shapes --arch "$A2" --train-images 12000 --epochs 15 --seed $s --threads 1 --label-smoothing 0.2 --csv shapes-ls02-seed$s.csv > shapes-ls02-seed$s.log 2>&1
done
wait
