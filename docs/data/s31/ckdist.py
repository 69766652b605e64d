# Prints every decision's learned probabilities from a search checkpoint (search.ckpt: BinaryReader strings, the
# distributions JSON after the identity, epoch count and history). Usage: ckdist.py CHECKPOINT-DIR [EPOCHS, 0-based, comma-separated; default the last]
import json, sys


def read_string(f):
    """A .NET BinaryReader string: 7-bit encoded length, then UTF-8."""
    n = shift = 0
    while True:
        b = f.read(1)[0]
        n |= (b & 0x7f) << shift
        shift += 7
        if b < 0x80:
            break
    return f.read(n).decode()


def distributions(directory):
    """The checkpoint's per-epoch distributions: a list (one per finished epoch) of {Name, Options, Probabilities}."""
    with open(directory + '/search.ckpt', 'rb') as f:
        read_string(f)  # magic
        read_string(f)  # identity
        f.read(4)       # finished epochs
        read_string(f)  # history
        return json.loads(read_string(f))


if __name__ == '__main__':
    d = distributions(sys.argv[1])
    for e in ([int(x) for x in sys.argv[2].split(',')] if len(sys.argv) > 2 else [len(d) - 1]):
        print('epoch', e + 1)
        for dec in d[e]:
            print('  %-26s' % dec['Name'], ' '.join('%s:%.2f' % (o, p) for o, p in zip(dec['Options'], dec['Probabilities'])))
