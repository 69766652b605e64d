#!/bin/bash
# Session 27, 23:41-23:45: is the search reproducible from a seed across processes? Same command, same seed, same build
# (/work/snap27c), in /work/runs27: two threads idle twice, two threads beside a CPU hog (`yes`), one thread twice at once.
B="dotnet /work/snap27c/Benchmarks.dll fashion-search --budget-mflops 3 --search-images 1500 --search-epochs 4 --train-epochs 0 --random 0 --seed 1 --proxy 0"
$B --threads 2 > repro-idle1.log 2>&1
$B --threads 2 > repro-idle2.log 2>&1
(yes > /dev/null & echo $! > /tmp/hog; wait) & sleep 1; $B --threads 2 > repro-load.log 2>&1; kill $(cat /tmp/hog)
$B --threads 1 > repro-t1-a.log 2>&1 & $B --threads 1 > repro-t1-b.log 2>&1; wait
# 23:46: the same one-thread pair with the JIT's tiered compilation off: the two runs agreed exactly (repro-notier-*.log).
DOTNET_TieredCompilation=0 $B --threads 1 > repro-notier-a.log 2>&1 & DOTNET_TieredCompilation=0 $B --threads 1 > repro-notier-b.log 2>&1; wait
# 23:49: the same pair with tiering on but dynamic PGO off (DOTNET_TieredPGO=0): still apart from the first architecture
# epoch (repro-nopgo-*.log), so it is the tier-0 code itself, not PGO's recompilation.
DOTNET_TieredPGO=0 $B --threads 1 > repro-nopgo-a.log 2>&1 & DOTNET_TieredPGO=0 $B --threads 1 > repro-nopgo-b.log 2>&1; wait
