#!/bin/bash
# Session 21: dropout off (--dropout 0) on the three section-4 searched networks (seeds 1-3, erasing off = default) and
# MobileNetV3-Small-28 x0.550 seed 1 (--match-mflops 4.999, session 16 and 19 command); that fourth job was stopped at
# epoch 1 (four jobs gave an ETA of 1:20-1:56, past the session's end), so only the searched rows ran. 30 epochs, one Torch thread each, three jobs side by side (four for the first 7 min).
source /work/main/docs/data/s18/arches.sh >/dev/null 2>&1
cd /work/runs21
for s in 1 2 3; do
  eval A=\$A$s
  nohup /usr/bin/time -v dotnet /work/snap21/Benchmarks.dll fashion-train --arch "$A" --epochs 30 --seed $s --threads 1 --dropout 0 --csv /work/runs21/dropout0.csv > dropout0-seed$s.log 2>&1 &
done
# stopped: nohup /usr/bin/time -v dotnet /work/snap21/Benchmarks.dll fashion-train --arch MobileNetV3-Small-28 --match-mflops 4.999 --epochs 30 --seed 1 --threads 1 --dropout 0 --csv /work/runs21/dropout0.csv > dropout0-mnv3s-seed1.log 2>&1 &
