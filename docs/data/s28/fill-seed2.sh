# Session 28, 00:31-01:32 UTC: session 27's seed-2 network (98 % fill; docs/data/s27/fill-seed2.log, never trained
# there) with the default 30-epoch recipe, one Torch thread, beside the distillation run (kd.sh) and other work.
/usr/bin/time -v dotnet /work/snap28g/Benchmarks.dll fashion-train --arch 'in_c1_s28|conv_k3_c8_s1|ir_k3_e3_c16_se|ir_k5_h40_c32_s2|ir_k5_e2_c64_s2,ir_k5_h72_c64_se,ir_k5_h72_c64_se_hs|ir_k5_h240_c96_s2|head_c224_f0_hs|cls10' --epochs 30 --seed 2 --threads 1 --csv fill-seed2-train.csv > fill-seed2-train.log 2>&1
