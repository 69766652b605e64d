# Session 22: distillation from MobileNetV3-Small-28 x1.042 (14.557 M) into the searched networks of session 14
# (strings in docs/data/s18/arches.sh). Build 5918d7e, copied to /work/snap22 before the runs.
source docs/data/s18/arches.sh
B="/usr/bin/time -v dotnet /work/snap22/Benchmarks.dll"
# the teacher, alone on the two cores; its model is committed as docs/data/s22/teacher-mnv3s15-seed1.onnx (byte-identical
# to /work/data/teacher15.onnx), so the students can run from that file without this hour
# the teacher, alone on the two cores (seed 1's split: 54,000 train / 6,000 holdout)
$B fashion-train --arch MobileNetV3-Small-28 --match-mflops 15 --epochs 30 --seed 1 --threads 2 --save-onnx /work/data/teacher15.onnx --csv teacher15.csv > teacher15.log 2>&1
# two students side by side, one Torch thread each (the ONNX Runtime teacher runs on the same thread count)
$B fashion-train --arch "$A2" --epochs 30 --seed 2 --threads 1 --teacher /work/data/teacher15.onnx --csv kd-A2-seed2.csv > kd-A2-seed2.log 2>&1 &
$B fashion-train --arch "$A1" --epochs 30 --seed 1 --threads 1 --teacher /work/data/teacher15.onnx --csv kd-A1-seed1.csv > kd-A1-seed1.log 2>&1 &
wait
