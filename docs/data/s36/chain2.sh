#!/bin/bash
# Session 36: the shapes seed 3 on core 2 once Fashion-MNIST seed 2 (f.sh 0.2 2) ends.
cd /work/runs36
while pgrep -f 'f.sh 0.2 2' > /dev/null; do sleep 20; done
./s.sh 0.2 3 > s3.out 2>&1
