#!/bin/bash
# Session 36: core 2 runs Fashion-MNIST seed 2 once the shapes seed-1 baseline (PID 25633) ends; core 1 runs the
# shapes seeds 2 and 3 once Fashion seed 1 (f.sh, PID 24414) ends.
cd /work/runs36
( while kill -0 25633 2>/dev/null; do sleep 20; done; ./f.sh 0.2 2 > f2.out 2>&1 ) &
( while kill -0 24414 2>/dev/null; do sleep 20; done; ./s.sh 0.2 2 3 > s2.out 2>&1 ) &
wait
