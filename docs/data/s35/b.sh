#!/bin/bash
# Session 35, job B (one Torch thread, beside job A; build a5bba35, /work/snap35): session 34's 30-epoch shapes pair on
# seeds 2 and 3: the default search's pick against MobileNetV3-Small-28 at the FLOPs it was matched to at 15 epochs.
cd /work/runs35
B="/usr/bin/time -v dotnet /work/snap35/Benchmarks.dll"
for S in 2 3; do
  M=$([ $S = 2 ] && echo 4.903 || echo 4.991)
  $B fashion-train --dataset shapes --arch "$(cat adam-shapes-$S.arch)" --train-images 12000 --epochs 30 --seed $S --threads 1 --csv shapes30-adam-seed$S.csv > shapes30-adam-seed$S.log 2>&1
  $B fashion-train --dataset shapes --arch MobileNetV3-Small-28 --match-mflops $M --train-images 12000 --epochs 30 --seed $S --threads 1 --csv shapes30-mnv3s-seed$S.csv > shapes30-mnv3s-seed$S.log 2>&1
done
