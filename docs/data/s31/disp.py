# Usage: disp.py CHECKPOINT-DIR EPOCH (1-based), e.g. 3: the first architecture epoch of section 4's search (2 warm-up epochs).
# Centred log-probability (= centred logit) of each hidden-width option after the first architecture epoch, against
# uniform's 0: how far the first architecture epoch moved each option, stage by stage.
import json,sys,struct,math
def rs(f):
    n=0;shift=0
    while True:
        b=f.read(1)[0]; n|=(b&0x7f)<<shift; shift+=7
        if b<0x80: break
    return f.read(n).decode()
f=open(sys.argv[1]+'/search.ckpt','rb')
rs(f); rs(f); f.read(4); hist=json.loads(rs(f)); d=json.loads(rs(f))
e=int(sys.argv[2])-1
for dec in d[e]:
    if 'hidden' not in dec['Name'] and 'width' not in dec['Name']: continue
    lp=[math.log(max(p,1e-12)) for p in dec['Probabilities']]; m=sum(lp)/len(lp)
    print('  %-24s'%dec['Name'],' '.join('%s:%+.2f'%(o,l-m) for o,l in zip(dec['Options'],lp)))
