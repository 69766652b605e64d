#!/bin/bash
# Session 25 (2026-12-05): a second data set for the hybrid H2, one job beside h2.sh's two from about 09:45 UTC: the
# synthetic shapes (12,000 training images, 15 epochs), H2 and MobileNetV3-Small-28 at H2's FLOPs, seed 1, one after the
# other (seed 2's searched network at the same protocol: 96.55 %, docs/data/s23/shapes-wd5e-4-seed1.log).
# Same build copy (/work/snap25), one Torch thread, in /work/runs25.
source <(grep '^H2=' docs/data/s25/probe.sh)
B="/usr/bin/time -v dotnet /work/snap25/Benchmarks.dll"
$B fashion-train --dataset shapes --arch "$H2" --train-images 12000 --epochs 15 --seed 1 --threads 1 --csv shapes-h2-seed1.csv > shapes-h2-seed1.log 2>&1
$B fashion-train --dataset shapes --arch MobileNetV3-Small-28 --match-mflops 4.854 --train-images 12000 --epochs 15 --seed 1 --threads 1 --csv shapes-mnv3s-seed1.csv > shapes-mnv3s-seed1.log 2>&1
