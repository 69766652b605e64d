#!/bin/bash
# Session 35, job F (one Torch thread, after job D, beside job C then E; build a5bba35, /work/snap35): issue 16's time
# per model, end to end: section 4's search on 12,000 images (default settings, seed 1) and its pick trained 60 epochs
# on all 54,000 training images, in one process on ONE thread while another job holds the other core.
cd /work/runs35
while kill -0 3113 2>/dev/null; do sleep 20; done
/usr/bin/time -v dotnet /work/snap35/Benchmarks.dll fashion-search --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 60 --random 0 --seed 1 --threads 1 --csv e2e-seed1.csv > e2e-seed1.log 2>&1
