#!/bin/bash
# Session 26 (2026-12-05): the sandwich weight steps on a second data set, the synthetic shapes, seed 1: a search with
# and one without (section 4's search protocol, a 1-epoch final training only to finish the command), then each derived
# network trained as session 25's shapes runs were (12,000 training images, 15 epochs; H2 96.52 %, MobileNetV3-Small-28
# 96.48 %, seed 2's searched Fashion network 96.55 %). One job at nice 19 beside the three Fashion runs of sandwich.sh.
# Build copy /work/snap26, one Torch thread, in /work/runs26.
B="/usr/bin/time -v dotnet /work/snap26/Benchmarks.dll"
for SW in 1 0; do
  $B fashion-search --dataset shapes --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 1 --random 0 --seed 1 --threads 1 --sandwich $SW > shapes-search-sw$SW.log 2>&1
  ARCH=$(grep '^search took' shapes-search-sw$SW.log | sed 's/.*chosen //')
  $B fashion-train --dataset shapes --arch "$ARCH" --train-images 12000 --epochs 15 --seed 1 --threads 1 --csv shapes-sw$SW.csv > shapes-train-sw$SW.log 2>&1
done
