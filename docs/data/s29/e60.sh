#!/bin/bash
# Session 29: two of session 14's searched networks (A1, A2 of docs/data/s18/arches.sh) at 60 epochs instead of 30, the default
# recipe otherwise (erasing off since session 16), one Torch thread each, two jobs side by side on the 2 cores (with shapes.sh beside them until 03:45).
# Build: commit 52e9580, snapshot in /work/snap29.
source "$(dirname "$0")/../s18/arches.sh"
B="/usr/bin/time -v dotnet /work/snap29/Benchmarks.dll"
cd /work/runs29
$B fashion-train --arch "$A1" --epochs 60 --seed 1 --threads 1 --csv e60-A1-seed1.csv > e60-A1-seed1.log 2>&1 &
$B fashion-train --arch "$A2" --epochs 60 --seed 2 --threads 1 --csv e60-A2-seed2.csv > e60-A2-seed2.log 2>&1 &
# $B fashion-train --arch "$A3" --epochs 60 --seed 3 ...  (started, stopped after 1 epoch: 4 jobs on 2 cores would not end within the session)
wait
