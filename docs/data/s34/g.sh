#!/bin/bash
# Session 34, job G (after CI, two jobs side by side, one Torch thread each; build 0c64c4c, /work/snap33): does the
# shapes lead of the default search survive 30 epochs? Seed 1: session 27's default-search pick and
# MobileNetV3-Small-28 at 4.994 M (x0.550), 30 epochs each.
cd /work/runs34
B="/usr/bin/time -v dotnet /work/snap33/Benchmarks.dll"
$B fashion-train --dataset shapes --arch "$(cat adam-shapes-1-s27.arch)" --train-images 12000 --epochs 30 --seed 1 --threads 1 --csv shapes30-adam-seed1.csv > shapes30-adam-seed1.log 2>&1 &
$B fashion-train --dataset shapes --arch MobileNetV3-Small-28 --match-mflops 4.994 --train-images 12000 --epochs 30 --seed 1 --threads 1 --csv shapes30-mnv3s-4994-seed1.csv > shapes30-mnv3s-4994-seed1.log 2>&1 &
wait
