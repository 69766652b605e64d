# Prints every decision's learned probabilities from a search checkpoint (search.ckpt: BinaryReader strings, the
# distributions JSON after the identity, epoch count and history). Usage: ckdist.py CHECKPOINT-DIR [EPOCHS, 0-based, comma-separated; default the last]
import json,sys,struct
def rs(f):
    n=0;shift=0
    while True:
        b=f.read(1)[0]; n|=(b&0x7f)<<shift; shift+=7
        if b<0x80: break
    return f.read(n).decode()
f=open(sys.argv[1]+'/search.ckpt','rb')
rs(f); rs(f); struct.unpack('<i',f.read(4)); hist=json.loads(rs(f)); d=json.loads(rs(f))
ep=[int(x) for x in sys.argv[2].split(',')] if len(sys.argv)>2 else [len(d)-1]
for e in ep:
  print('epoch',e+1)
  for dec in d[e]:
    print('  %-26s'%dec['Name'],' '.join('%s:%.2f'%(o,p) for o,p in zip(dec['Options'],dec['Probabilities'])))
