#!/bin/bash
# Session 35, job E (one Torch thread, after job C; build a5bba35, /work/snap35): MobileNetV3-Small-28 x0.550 at 60
# epochs, seed 1 (session 30's command), on this session's machine: how far one run moves between the two machines.
cd /work/runs35
while kill -0 2720 2>/dev/null; do sleep 20; done
/usr/bin/time -v dotnet /work/snap35/Benchmarks.dll fashion-train --arch MobileNetV3-Small-28 --match-mflops 4.999 --epochs 60 --seed 1 --threads 1 --csv e60-mnv3s-seed1.csv > e60-mnv3s-seed1.log 2>&1
