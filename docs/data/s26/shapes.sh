#!/bin/bash
# Session 26 (2026-12-05): does the sandwich's shift of FLOPs (out of the 14 px stage, into 7x7 / 4x4) show on a second
# data set? Section 4's search on the synthetic shapes, seed 1, with and without --sandwich, one after the other on the
# core the Fashion seeds 2-3 freed (12:27-13:05), beside Fashion seed 1's training, then the test suite; final training cut to one epoch
# (only the derived networks are compared, by `allocation`). A first attempt at 10:53 with 15-epoch trainings of the
# derived networks was stopped at 11:36 (four jobs on two cores; it would not have finished in the session).
# Build copy /work/snap26, one Torch thread, in /work/runs26.
B="/usr/bin/time -v dotnet /work/snap26/Benchmarks.dll"
for SW in 1 0; do
  $B fashion-search --dataset shapes --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 1 --random 0 --seed 1 --threads 1 --sandwich $SW > shapes-search-sw$SW.log 2>&1
done
