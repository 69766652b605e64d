# PyTorch peer of `examples/Benchmarks -- peer-throughput`: trains the same architecture strings with the same step
# (batch 128 of random 1x28x28 inputs, forward + cross-entropy + backward + SGD with Nesterov momentum) and prints the
# median step time. A reference measurement, not part of the product: run with Debian's python3-torch
# (`apt-get install python3-torch`, PyTorch 1.13), `/usr/bin/python3 torch_throughput.py THREADS STEPS FORMAT ARCH...`.
# The builder follows the project's architecture strings for the tokens the compared networks use (in, conv, ir with
# k/e/h/c/s/se/hs, head with c and f0, cls); an unknown token stops with an error instead of building something else.
import re, sys, time, statistics, torch, torch.nn as nn, torch.nn.functional as F

def make_divisible(v, d=8):
    # Divisible.MakeDivisible: MobileNetV3's squeeze-excite rounding, never more than 10% below the value.
    r = max(d, int(v + d / 2) // d * d)
    return r + d if r < 0.9 * v else r

def round_to(v, d=8):
    # Divisible.Round: nearest multiple, halves up, at least one divisor.
    if abs(v % d) < 1e-9: return max(d, int(v))
    return max(1, int(v / d + 0.5)) * d

class CBA(nn.Sequential):
    def __init__(s, i, o, k, st, act, g=1):
        layers = [nn.Conv2d(i, o, k, st, k // 2, groups=g, bias=False), nn.BatchNorm2d(o)]
        if act == "hs": layers.append(nn.Hardswish())
        elif act == "relu": layers.append(nn.ReLU())
        super().__init__(*layers)

class SE(nn.Module):
    def __init__(s, c, sq):
        super().__init__(); s.r = nn.Conv2d(c, sq, 1); s.e = nn.Conv2d(sq, c, 1)
    def forward(s, x):
        z = F.adaptive_avg_pool2d(x, 1); return x * F.hardsigmoid(s.e(F.relu(s.r(z))))

class IR(nn.Module):
    def __init__(s, i, tok):
        super().__init__()
        d = dict(re.findall(r"_([a-z]+)([0-9.]+)", "_" + tok.split("_", 1)[1]))
        k = int(d["k"]); st = int(d.get("s", 1)); o = int(d["c"])
        act = "hs" if tok.endswith("_hs") else "relu"
        # BlockSpec: an expansion e is rounded to a multiple of 8; e1 (or a rounding back to the input width) has no
        # 1x1 expansion conv, an explicit hidden width always has one.
        e = float(d.get("e", 1))
        h = int(d["h"]) if "h" in d else (i if e == 1 or round_to(i * e) == i else round_to(i * e))
        s.pw = CBA(i, h, 1, 1, act) if "h" in d or h != i else None
        s.dw = CBA(h, h, k, st, act, g=h)
        s.se = SE(h, make_divisible(h // 4)) if "_se" in tok else None
        s.pwl = CBA(h, o, 1, 1, None)
        s.res = st == 1 and i == o
    def forward(s, x):
        y = s.pw(x) if s.pw is not None else x
        y = s.dw(y)
        if s.se is not None: y = s.se(y)
        y = s.pwl(y)
        return y + x if s.res else y

def build(arch):
    parts = arch.split("|")
    cin = int(re.search(r"_c(\d+)", parts[0]).group(1))
    stem = parts[1]; c = int(re.search(r"_c(\d+)", stem).group(1))
    layers = [CBA(cin, c, 3, int(re.search(r"_s(\d+)", stem).group(1)), "hs" if stem.endswith("_hs") else "relu")]
    for stage in parts[2:-2]:
        for tok in stage.split(","):
            layers.append(IR(c, tok)); c = int(re.search(r"_c(\d+)", tok).group(1))
    head = parts[-2]; hc = int(re.search(r"_c(\d+)", head).group(1))
    ncls = int(parts[-1][3:])
    layers += [CBA(c, hc, 1, 1, "hs" if head.endswith("_hs") else "relu"), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(hc, ncls)]
    return nn.Sequential(*layers)


def check(arch):
    for part in arch.split("|"):
        for tok in part.split(","):
            head = tok.split("_")[0]
            if head not in ("in", "conv", "ir", "head") and not re.fullmatch(r"cls\d+", tok):
                sys.exit(f"torch_throughput.py: unsupported token '{tok}' in {arch}")
            if head == "head" and "_f0" not in tok:
                sys.exit(f"torch_throughput.py: only head_c..._f0 heads are supported, got '{tok}'")
            for f in re.findall(r"_([a-z]+)\d*", "_" + tok.split("_", 1)[1]) if head in ("conv", "ir", "head") else []:
                if f not in ("k", "e", "h", "c", "s", "se", "hs", "f"):
                    sys.exit(f"torch_throughput.py: unsupported field '{f}' in '{tok}'")

def main():
    if len(sys.argv) < 5:
        sys.exit("usage: torch_throughput.py THREADS STEPS contiguous|channels_last ARCH [ARCH...]")
    threads, steps, fmt = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    if fmt not in ("contiguous", "channels_last"): sys.exit(f"unknown format '{fmt}'")
    torch.set_num_threads(threads)
    mf = torch.channels_last if fmt == "channels_last" else torch.contiguous_format
    for a in sys.argv[4:]:
        check(a)
        torch.manual_seed(1)
        net = build(a).to(memory_format=mf); net.train()
        opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, nesterov=True)
        size = int(re.search(r"_s(\d+)", a.split("|")[0]).group(1)); cin = int(re.search(r"_c(\d+)", a.split("|")[0]).group(1))
        x = torch.rand(128, cin, size, size).to(memory_format=mf); y = torch.randint(0, 10, (128,))
        times = []
        for i in range(steps + 2):
            t = time.perf_counter()
            opt.zero_grad(); F.cross_entropy(net(x), y).backward(); opt.step()
            if i >= 2: times.append(time.perf_counter() - t)
        params = sum(p.numel() for p in net.parameters())
        # One machine-readable line per network: the C# side parses it.
        print(f"RESULT torch={torch.__version__} format={fmt} params={params} ms={statistics.median(times) * 1000:.3f} arch={a}", flush=True)

main()
