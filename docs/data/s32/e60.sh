#!/bin/bash
# Session 32: two candidates of session 31's shared-moment search (seed 1, Fashion-MNIST) trained 60 epochs at seed 1
# with the recipe of the 60-epoch rows (sessions 29-31), one Torch thread each, side by side on the 2 cores:
#  sample 1 (the pick with the default --proxy 3: the best three by inherited accuracy proxy-trained) and
#  sample 4 (the pick with --proxy 5, rerank.sh: H2-like, three 160-wide k5 blocks at 4x4, lowest inherited accuracy).
# Build 9908bfe (/work/snap32) for sample 1, the same library + fashion-search --travel (/work/snap32b) for sample 4.
cd /work/runs32
GM1="in_c1_s28|conv_k3_c16_s1|ir_k3_h16_c8_se|ir_k3_e9_c16_s2,ir_k3_e2_c16_se_hs|ir_k5_e3_c48_s2,ir_k5_e3_c48,ir_k5_h120_c48|ir_k5_e5_c80_s2,ir_k5_h96_c80_se|head_c192_f0_hs|cls10"
S4="in_c1_s28|conv_k3_c16_s1|ir_k3_h16_c8_se|ir_k3_e4_c16_s2|ir_k5_e4_c24_s2,ir_k3_h56_c24_se_hs|ir_k5_h128_c160_s2,ir_k5_h176_c160,ir_k5_h288_c160|head_c192_f0_hs|cls10"
/usr/bin/time -v dotnet /work/snap32/Benchmarks.dll fashion-train --arch "$GM1" --epochs 60 --seed 1 --threads 1 --csv e60-gm1-seed1.csv > e60-gm1-seed1.log 2>&1 &
/usr/bin/time -v dotnet /work/snap32b/Benchmarks.dll fashion-train --arch "$S4" --epochs 60 --seed 1 --threads 1 --csv e60-gm1s4-seed1.csv > e60-gm1s4-seed1.log 2>&1 &
wait
