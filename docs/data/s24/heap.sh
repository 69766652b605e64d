#!/bin/bash
# Session 24: the C heap's give-back during fixed-network training, before (snap24 = build 35c597c: glibc defaults,
# malloc_trim every 8 steps) and after (snap24b: NativeHeap.HoldFreedBlocks, trim once an epoch). Paired and alternated,
# run beside the session's four 30-epoch trainings (so wall times are shared-machine figures; CPU and faults are the point).
source docs/data/s18/arches.sh   # from the repository root; /work/snap24 = a copy of 35c597c's examples/Benchmarks/bin/Release/net10.0, /work/snap24b = the same after 1e85310's change
for r in 1 2; do for b in snap24 snap24b; do
  echo "== round $r $b fashion"
  /usr/bin/time -f "%e s wall %U user %S sys %R minflt %M KiB maxrss" dotnet /work/$b/Benchmarks.dll fashion-train --arch "$A2" --train-images 6000 --test-images 1000 --epochs 2 --seed 1 --threads 1 2>&1 | tail -n 2
  echo "== round $r $b photo-train 224 px"
  /usr/bin/time -f "%e s wall %U user %S sys %R minflt %M KiB maxrss" dotnet /work/$b/Benchmarks.dll batch-memory --mode train --size 224 --batch 48 --batches 8 2>&1 | tail -n 2
done; done
