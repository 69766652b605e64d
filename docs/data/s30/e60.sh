#!/bin/bash
# Session 30: seed 3's searched network (A3 of docs/data/s18/arches.sh) at 60 epochs, and MobileNetV3-Small-28 x0.550
# at seed 1's searched FLOPs (--match-mflops 4.999, the session 16/19 command) at 60 epochs, the default recipe otherwise,
# one Torch thread each, two jobs side by side on the 2 cores. Completes session 29's e60.sh (A1 seed 1, A2 seed 2).
# Build: commit 52e9580 (session 29's snapshot /work/snap29; src changed since only in a message string).
source "$(dirname "$0")/../s18/arches.sh"
B="/usr/bin/time -v dotnet /work/snap29/Benchmarks.dll"
cd /work/runs30
$B fashion-train --arch "$A3" --epochs 60 --seed 3 --threads 1 --csv e60-A3-seed3.csv > e60-A3-seed3.log 2>&1 &
$B fashion-train --arch MobileNetV3-Small-28 --match-mflops 4.999 --epochs 60 --seed 1 --threads 1 --csv e60-mnv3s-seed1.csv > e60-mnv3s-seed1.log 2>&1 &
wait
