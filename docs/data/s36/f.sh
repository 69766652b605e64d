#!/bin/bash
# Session 36, job F: Fashion-MNIST with the parameters term w=$1, seeds $2...: the search (skipped when its log is
# complete), then its pick trained 60 epochs (one Torch thread).
cd /work/runs36
W=$1; shift
B="/usr/bin/time -v dotnet /work/snap36/Benchmarks.dll"
for S in "$@"; do
  while pgrep -f "param-weight $W --checkpoint ckpt-pw$W-fashion-$S" > /dev/null; do sleep 15; done
  if ! grep -q "chosen in_c" pw$W-fashion-$S.log 2>/dev/null; then
    $B fashion-search --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 0 --random 0 --seed $S --threads 1 --param-weight $W --checkpoint ckpt-pw$W-fashion-$S > pw$W-fashion-$S.log 2>&1
  fi
  ARCH=$(grep -o "chosen in_c.*" pw$W-fashion-$S.log | tail -1 | sed 's/^chosen //')
  if [ -z "$ARCH" ]; then echo "no chosen architecture in pw$W-fashion-$S.log" >> f.err; continue; fi
  echo "$ARCH" > pw$W-fashion-$S.arch
  $B fashion-train --arch "$ARCH" --epochs 60 --seed $S --threads 1 --csv e60-pw$W-seed$S.csv > e60-pw$W-seed$S.log 2>&1
done
