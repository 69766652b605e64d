#!/bin/bash
# Session 34, job F (starts when job E ends; build 0c64c4c, /work/snap33): the default (Adam) search on the shapes at
# seed 3 and its pick trained 15 epochs at seed 3 (the third seed of the shapes comparison).
cd /work/runs34
while kill -0 301 2>/dev/null; do sleep 20; done
B="/usr/bin/time -v dotnet /work/snap33/Benchmarks.dll"
$B fashion-search --dataset shapes --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 0 --random 0 --seed 3 --threads 1 --checkpoint ckpt-adam-shapes-3 > adam-shapes-3.log 2>&1
A=$(grep -o "chosen in_c.*" adam-shapes-3.log | tail -1 | sed 's/^chosen //'); [ -n "$A" ] || { echo "no pick in adam-shapes-3.log" > f.err; exit 1; }
echo "$A" > adam-shapes-3.arch
$B fashion-train --dataset shapes --arch "$A" --train-images 12000 --epochs 15 --seed 3 --threads 1 --csv shapes-adam-seed3.csv > shapes-adam-seed3.log 2>&1
