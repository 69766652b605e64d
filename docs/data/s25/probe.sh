#!/bin/bash
# Session 25 (2026-12-05): four 30-epoch trainings side by side, one Torch thread each, default recipe (wd 5e-4, EMA 0.999,
# erasing off, label smoothing 0.1, dropout 0.1), run from a copy of examples/Benchmarks/bin/Release/net10.0 (/work/snap25),
# in /work/runs25, started 08:12 UTC on the idle 2-core machine.
# Issue 14's ceiling probe: hybrids that keep the searched networks' 28 and 14 px stages (trimmed) and give the 4x4 stage
# MobileNetV3-Small's shape (k5, SE, h-swish, hidden 144/224/224) and its parameters, at <= 5 MFLOPs. Compare seed 1 of
# MobileNetV3-Small-28 x0.550 (93.89 %, docs/data/s16/mnv3s-erase0-seed1.log) and searched seed 1 (93.79 %).
# Issue 16: the peak learning rate (0.1 by default) and the batch size on seed 2's searched network (93.98 % at the defaults,
# docs/data/s15/s2arch-30-erase0-seed2.log).
source docs/data/s18/arches.sh   # A1, A2, A3
H1="in_c1_s28|conv_k3_c8_s1_hs|ir_k3_e2_c16_se|ir_k5_h40_c32_s2_se_hs,ir_k3_h40_c32_se|ir_k5_h56_c48_s2,ir_k5_h64_c48_se|ir_k5_h144_c64_s2_se_hs,ir_k5_h224_c64_se_hs,ir_k5_h224_c64_se_hs|head_c224_f0_hs|cls10"   # 4.861 M, 196,874 parameters (A2's stem and 28/14 px stages, 7x7 stage 2 blocks)
H2="in_c1_s28|conv_k3_c16_s1_hs|ir_k3_h16_c8|ir_k3_h32_c32_s2,ir_k5_h40_c32|ir_k3_h64_c48_s2,ir_k5_h56_c48_se|ir_k5_h144_c80_s2_se_hs,ir_k5_h224_c80_se_hs,ir_k5_h224_c80_se_hs|head_c224_f0_hs|cls10"   # 4.854 M, 212,154 parameters (A1's 16-wide stem and first block)
B="/usr/bin/time -v dotnet /work/snap25/Benchmarks.dll"
$B fashion-train --arch "$H1" --epochs 30 --seed 1 --threads 1 --csv h1-seed1.csv > h1-seed1.log 2>&1 &
$B fashion-train --arch "$H2" --epochs 30 --seed 1 --threads 1 --csv h2-seed1.csv > h2-seed1.log 2>&1 &
$B fashion-train --arch "$A2" --epochs 30 --seed 2 --threads 1 --lr 0.2 --csv a2-lr02-seed2.csv > a2-lr02-seed2.log 2>&1 &
$B fashion-train --arch "$A2" --epochs 30 --seed 2 --threads 1 --batch-size 64 --csv a2-b64-seed2.csv > a2-b64-seed2.log 2>&1 &
wait
