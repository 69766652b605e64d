#!/bin/bash
# Session 33, job A: the pick of session 32's shared-moment search at --travel 9 (Fashion-MNIST seed 1, the default
# proxy's pick as well), trained 60 epochs at seed 1 with the recipe of the 60-epoch rows, one Torch thread beside job B.
# Build 0c64c4c (/work/snap33).
cd /work/runs33
G9="in_c1_s28|conv_k3_c16_s1|ir_k3_h24_c8_se|ir_k3_e6_c16_s2|ir_k5_h88_c40_s2,ir_k5_e2_c40_hs,ir_k5_h96_c40_se_hs|ir_k5_h256_c80_s2,ir_k5_h96_c80_se_hs,ir_k5_h288_c80|head_c128_f0_hs|cls10"
/usr/bin/time -v dotnet /work/snap33/Benchmarks.dll fashion-train --arch "$G9" --epochs 60 --seed 1 --threads 1 --csv e60-gm9-seed1.csv > e60-gm9-seed1.log 2>&1
