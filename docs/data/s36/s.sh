#!/bin/bash
# Session 36, job S: the synthetic shapes, parameters term w=$1, seeds $2...: search, its pick 30 epochs, and
# MobileNetV3-Small-28 matched to the pick's FLOPs 30 epochs (one Torch thread).
cd /work/runs36
W=$1; shift
B="/usr/bin/time -v dotnet /work/snap36/Benchmarks.dll"
for S in "$@"; do
  # A seed another job has started is left to it.
  if [ -e pw$W-shapes-$S.log ]; then continue; fi
  $B fashion-search --dataset shapes --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 0 --random 0 --seed $S --threads 1 --param-weight $W --checkpoint ckpt-pw$W-shapes-$S > pw$W-shapes-$S.log 2>&1
  ARCH=$(grep -o "chosen in_c.*" pw$W-shapes-$S.log | tail -1 | sed 's/^chosen //')
  if [ -z "$ARCH" ]; then echo "no chosen architecture in pw$W-shapes-$S.log" >> s.err; continue; fi
  echo "$ARCH" > pw$W-shapes-$S.arch
  $B fashion-train --dataset shapes --arch "$ARCH" --train-images 12000 --epochs 30 --seed $S --threads 1 --csv shapes30-pw$W-seed$S.csv > shapes30-pw$W-seed$S.log 2>&1
  M=$(head -1 shapes30-pw$W-seed$S.log | grep -oE '[0-9.]+ MFLOPs' | head -1 | cut -d' ' -f1)
  if [ -z "$M" ]; then echo "no MFLOPs in shapes30-pw$W-seed$S.log" >> s.err; continue; fi
  $B fashion-train --dataset shapes --arch MobileNetV3-Small-28 --match-mflops $M --train-images 12000 --epochs 30 --seed $S --threads 1 --csv shapes30-mnv3s-pw$W-seed$S.csv > shapes30-mnv3s-pw$W-seed$S.log 2>&1
done
