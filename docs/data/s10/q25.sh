#!/bin/bash
cd /work/runs
run() { name=$1; shift
  echo "== $name start $(date +%T)" >> q25.txt
  /work/tools/rsswatch.sh $name.rss -- /usr/bin/time -v "$@" > $name.log 2>&1
  echo "== $name end $(date +%T) $(grep -i 'test acc\|Maximum resident\|Elapsed (wall' $name.log | tr '\n' ' ')" >> q25.txt
  sleep 3
}
for s in 1 2 3; do
run s10-fsearch$s dotnet /work/bench-s10/Benchmarks.dll fashion-search --budget-mflops 5 --search-images 12000 --search-epochs 6 --train-epochs 5 --random 0 --seed $s --csv /work/runs/s10-fashion.csv
m=$(awk '$1=="searched"{print $2}' s10-fsearch$s.log | tail -1)
echo "searched MFLOPs $m" >> q25.txt
run s10-hand$s dotnet /work/bench-s10/Benchmarks.dll fashion-train --arch HandCNN-28 --match-mflops $m --epochs 5 --seed $s --csv /work/runs/s10-fashion.csv
run s10-mnv3s$s dotnet /work/bench-s10/Benchmarks.dll fashion-train --arch MobileNetV3-Small-28 --match-mflops $m --epochs 5 --seed $s --csv /work/runs/s10-fashion.csv
done
echo "== all done $(date +%T)" >> q25.txt
