#!/bin/bash
# Session 25 (2026-12-05): the hybrid H2 (probe.sh; 94.28 % at seed 1) on seeds 2 and 3, to compare with
# MobileNetV3-Small-28 x0.542 on the same seeds (93.86 / 93.77 %, session 19: docs/data/s19). Same build copy
# (/work/snap25), one Torch thread per job, in /work/runs25, started 09:26 UTC beside probe.sh's last three jobs.
source <(grep '^H2=' docs/data/s25/probe.sh)
B="/usr/bin/time -v dotnet /work/snap25/Benchmarks.dll"
for s in 2 3; do
  $B fashion-train --arch "$H2" --epochs 30 --seed $s --threads 1 --csv h2-seed$s.csv > h2-seed$s.log 2>&1 &
done
wait
