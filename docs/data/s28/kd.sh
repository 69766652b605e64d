# Session 28, 00:21-01:47 UTC: session 22's distillation of searched seed 2's network (A2, docs/data/s18/arches.sh) from
# the committed teacher (MobileNetV3-Small-28 x1.042, 94.59 %), at temperature 2 instead of the default 4 (weight 0.5
# as before). Build /work/snap28f (the MKL_CBWR request, before the mkl-alignment command); one Torch thread, beside the
# fill-seed2 training, the test suite and the repro runs.
source docs/data/s18/arches.sh
/usr/bin/time -v dotnet /work/snap28f/Benchmarks.dll fashion-train --arch "$A2" --epochs 30 --seed 2 --threads 1 --teacher docs/data/s22/teacher-mnv3s15-seed1.onnx --kd-temperature 2 --csv kd-t2-A2-seed2.csv > kd-t2-A2-seed2.log 2>&1
