#!/bin/bash
# per-epoch holdout: new log vs reference log
join <(grep -o "epoch [0-9]*/30 .*val acc [0-9.]* %" $1 | awk '{split($2,a,"/"); print a[1], $(NF-1)}') <(grep -o "epoch [0-9]*/30 .*val acc [0-9.]* %" $2 | awk '{split($2,a,"/"); print a[1], $(NF-1)}') | awk '{printf "%s new %s ref %s diff %+.2f\n",$1,$2,$3,$2-$3}'
