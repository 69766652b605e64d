#!/bin/bash
# Session 31: MobileNetV3-Small-28 at 60 epochs on seeds 2 and 3, each width-scaled to that seed's searched network's
# FLOPs (--match-mflops 4.816 / 4.750, the session 19 commands), default recipe otherwise, one Torch thread each, two jobs
# side by side on the 2 cores. With session 30's seed 1 this completes the three-seed MobileNetV3-Small-28 row at 60
# epochs (issue 16: the same recipe on the baselines; issue 14: searched mean vs the better baseline's mean).
# Build: commit 52e9580 (session 29's snapshot /work/snap29; src changed since only in a message string).
B="/usr/bin/time -v dotnet /work/snap29/Benchmarks.dll"
cd /work/runs31
$B fashion-train --arch MobileNetV3-Small-28 --match-mflops 4.816 --epochs 60 --seed 2 --threads 1 --csv e60-mnv3s-seed2.csv > e60-mnv3s-seed2.log 2>&1 &
$B fashion-train --arch MobileNetV3-Small-28 --match-mflops 4.750 --epochs 60 --seed 3 --threads 1 --csv e60-mnv3s-seed3.csv > e60-mnv3s-seed3.log 2>&1 &
wait
