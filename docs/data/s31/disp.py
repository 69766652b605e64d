# Usage: disp.py CHECKPOINT-DIR EPOCH (1-based), e.g. 3: the first architecture epoch of section 4's search (2 warm-up epochs).
# Centred log-probability (= centred logit) of each width and hidden-width option at the end of that epoch, against
# uniform's 0: how far the architecture steps moved each option, stage by stage.
import math, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ckdist import distributions

for dec in distributions(sys.argv[1])[int(sys.argv[2]) - 1]:
    if 'hidden' not in dec['Name'] and 'width' not in dec['Name']:
        continue
    lp = [math.log(max(p, 1e-12)) for p in dec['Probabilities']]
    m = sum(lp) / len(lp)
    print('  %-24s' % dec['Name'], ' '.join('%s:%+.2f' % (o, l - m) for o, l in zip(dec['Options'], lp)))
