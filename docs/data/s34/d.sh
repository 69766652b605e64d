#!/bin/bash
# Session 34, job D (starts when job C ends; one Torch thread beside job A; build 0c64c4c, /work/snap33):
# the shapes comparison at 15 epochs, each contender at the shared-moment pick's FLOPs and seed:
# MobileNetV3-Small-28 width-scaled to seed 1's pick (4.994 M) and to seed 2's, and session 27's default (Adam) search
# pick on the shapes (seed 1, /work/runs27/shapes-fill-seed1.log, 4.984 M), trained at seed 1.
cd /work/runs34
while kill -0 31997 2>/dev/null; do sleep 20; done
B="/usr/bin/time -v dotnet /work/snap33/Benchmarks.dll"
ADAM1=$(grep -o "chosen in_c.*" /work/runs27/shapes-fill-seed1.log | tail -1 | sed 's/^chosen //')
$B fashion-train --dataset shapes --arch MobileNetV3-Small-28 --match-mflops 4.994 --train-images 12000 --epochs 15 --seed 1 --threads 1 --csv shapes-mnv3s-4994-seed1.csv > shapes-mnv3s-4994-seed1.log 2>&1
$B fashion-train --dataset shapes --arch "$ADAM1" --train-images 12000 --epochs 15 --seed 1 --threads 1 --csv shapes-adam-seed1.csv > shapes-adam-seed1.log 2>&1
# seed 2's pick: its name on the "rank 1:" line, its MFLOPs on that candidate's first line
PICK=$(grep -m1 "rank 1:" gm9-shapes-2.log | sed -E 's/.*rank 1: (argmax|sample [0-9]+) .*/\1/')
M2=$(grep -m1 "candidate $PICK:" gm9-shapes-2.log | grep -o "[0-9.]* MFLOPs" | cut -d' ' -f1)
if [ -z "$M2" ]; then echo "no MFLOPs for '$PICK' in gm9-shapes-2.log" > d.err; exit 1; fi
echo "$PICK $M2" > gm9-shapes-2.mflops
$B fashion-train --dataset shapes --arch MobileNetV3-Small-28 --match-mflops $M2 --train-images 12000 --epochs 15 --seed 2 --threads 1 --csv shapes-mnv3s-seed2.csv > shapes-mnv3s-seed2.log 2>&1
