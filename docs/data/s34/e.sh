#!/bin/bash
# Session 34, job E (starts when job D ends; one Torch thread beside job A; build 0c64c4c, /work/snap33):
# 1. the default (Adam) search on the shapes at seed 2 and its pick trained 15 epochs at seed 2;
# 2. the shared-moment travel-9 search on the shapes at seed 3, its pick trained 15 epochs at seed 3, and
#    MobileNetV3-Small-28 width-scaled to that pick's FLOPs at seed 3.
cd /work/runs34
while kill -0 32666 2>/dev/null; do sleep 20; done
B="/usr/bin/time -v dotnet /work/snap33/Benchmarks.dll"
pick() { grep -o "chosen in_c.*" "$1" | tail -1 | sed 's/^chosen //'; }
mflops() { local p; p=$(grep -m1 "rank 1:" "$1" | sed -E 's/.*rank 1: (argmax|sample [0-9]+) .*/\1/'); grep -m1 "candidate $p:" "$1" | grep -o "[0-9.]* MFLOPs" | cut -d' ' -f1; }
$B fashion-search --dataset shapes --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 0 --random 0 --seed 2 --threads 1 --checkpoint ckpt-adam-shapes-2 > adam-shapes-2.log 2>&1
A=$(pick adam-shapes-2.log); [ -n "$A" ] || { echo "no pick in adam-shapes-2.log" > e.err; exit 1; }
echo "$A" > adam-shapes-2.arch
$B fashion-train --dataset shapes --arch "$A" --train-images 12000 --epochs 15 --seed 2 --threads 1 --csv shapes-adam-seed2.csv > shapes-adam-seed2.log 2>&1
$B fashion-search --dataset shapes --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 0 --random 0 --seed 3 --threads 1 --global-arch-moment 1 --travel 9 --checkpoint ckpt-gm9-shapes-3 > gm9-shapes-3.log 2>&1
G=$(pick gm9-shapes-3.log); [ -n "$G" ] || { echo "no pick in gm9-shapes-3.log" > e.err; exit 1; }
echo "$G" > gm9-shapes-3.arch
M3=$(mflops gm9-shapes-3.log); echo "$M3" > gm9-shapes-3.mflops
$B fashion-train --dataset shapes --arch "$G" --train-images 12000 --epochs 15 --seed 3 --threads 1 --csv shapes-gm9-seed3.csv > shapes-gm9-seed3.log 2>&1
$B fashion-train --dataset shapes --arch MobileNetV3-Small-28 --match-mflops $M3 --train-images 12000 --epochs 15 --seed 3 --threads 1 --csv shapes-mnv3s-seed3.csv > shapes-mnv3s-seed3.log 2>&1
