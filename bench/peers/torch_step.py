"""PyTorch peer of `npm run bench` (bench/run.ts): one SGD training step of the paper's network.

Network: 1024-1000-1000-1000-1000-1000-9 (widths given by the caller), tanh hidden units, softmax
negative log-likelihood (`F.cross_entropy`, mean over the minibatch), weights drawn with
`nn.init.xavier_uniform_` (the paper's "normalized" init, eq. 16, the same kind the bench uses for
our backends), zero biases. The step is the usual PyTorch one: autograd backward, then plain SGD
(`torch.optim.SGD`, no momentum, no weight decay). Input and targets are fixed random tensors (speed
does not depend on them).

Gradient buffers: `zero_grad(set_to_none=True)` gives autograd fresh 4 MB gradient tensors every step
(new pages to fault in: ≈ 25% slower at minibatch 10 here), `set_to_none=False` (1.13's default)
zeroes and reuses them (a memset). The first command for each batch size times both (alternating,
blocks of steps) and keeps the faster for that batch size, so the peer runs at its best; replies
say which ("zeroGrad").

Threads are chosen by the launcher (bench/run.ts), before this interpreter starts:
`OPENBLAS_NUM_THREADS` (Debian's torch calls the system libblas.so.3, which is OpenBLAS' pthreads
build here) and `--torch-threads` for `torch.set_num_threads` (ATen's OpenMP pool). The best 2-core
setting measured on this machine is 1 ATen thread + 2 OpenBLAS threads; 2 + 2 oversubscribes.

Protocol (line-oriented JSON on stdin/stdout, so the launcher can interleave trials with its own):
  start-up     -> {"ready": true, "torch": ..., "blas": ..., ...}
  {"batch": B, "steps": N}   -> {"batch": B, "steps": N, "seconds": total, "perStep": [s, ...]}
  {"quit": true} or EOF      -> exits
The first command for each batch size should be a warm-up (the launcher discards it).

Run with Debian's interpreter: /usr/bin/python3 bench/peers/torch_step.py --widths 1024,1000,...,9
"""

import argparse
import ctypes
import json
import sys
import time


def blas_info():
    """Which BLAS/LAPACK shared objects this process mapped, and OpenBLAS' view of itself."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                if any(k in path for k in ("blas", "lapack", "mkl", "gomp", "omp")):
                    libs.add(path)
    except OSError:
        pass
    info = {"libraries": sorted(libs)}
    try:
        ob = ctypes.CDLL("libopenblas.so.0")
        ob.openblas_get_corename.restype = ctypes.c_char_p
        ob.openblas_get_config.restype = ctypes.c_char_p
        info["openblasCore"] = ob.openblas_get_corename().decode()
        info["openblasConfig"] = ob.openblas_get_config().decode().strip()
        info["openblasThreads"] = ob.openblas_get_num_threads()
    except OSError as e:
        info["openblasError"] = str(e)
    return info


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--widths", default="1024,1000,1000,1000,1000,1000,9")
    p.add_argument("--torch-threads", type=int, default=1)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()

    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(args.torch_threads)
    torch.manual_seed(args.seed)
    widths = [int(w) for w in args.widths.split(",")]
    layers = []
    for i in range(len(widths) - 1):
        lin = nn.Linear(widths[i], widths[i + 1])
        nn.init.xavier_uniform_(lin.weight)
        nn.init.zeros_(lin.bias)
        layers.append(lin)
        if i < len(widths) - 2:
            layers.append(nn.Tanh())
    model = nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.0)
    data = {}

    def batch_data(b):
        if b not in data:
            g = torch.Generator().manual_seed(args.seed + b)
            x = torch.rand(b, widths[0], generator=g)
            y = torch.randint(0, widths[-1], (b,), generator=g)
            data[b] = (x, y)
        return data[b]

    def step(x, y, to_none):
        opt.zero_grad(set_to_none=to_none)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    zero_grad = {}  # batch size -> set_to_none choice

    def choose(b, x, y):
        """Times both zero_grad variants in blocks (A, B, A, B; the first step of a block settles the
        gradient buffers and is not timed — alternating single steps would defeat the reuse) and
        keeps the faster for this batch size."""
        s = time.perf_counter()
        step(x, y, False)
        per_step = time.perf_counter() - s
        k = max(3, int(0.12 / max(per_step, 1e-4)))
        t = {True: [], False: []}
        for _ in range(2):
            for v in (True, False):
                step(x, y, v)
                s = time.perf_counter()
                for _ in range(k):
                    step(x, y, v)
                t[v].append((time.perf_counter() - s) / k)
        best = {v: min(ts) for v, ts in t.items()}
        zero_grad[b] = best[True] < best[False]
        return {"setToNoneMs": 1e3 * best[True], "zeroMs": 1e3 * best[False]}

    ready = {
        "ready": True,
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "atenThreads": torch.get_num_threads(),
        "parallel": torch.__config__.parallel_info().splitlines()[-1].strip(),
        "blas": blas_info(),
        "method": "autograd + torch.optim.SGD (plain), F.cross_entropy, xavier_uniform_ init, "
                  "zero_grad variant chosen per batch size (the faster)",
    }
    print(json.dumps(ready), flush=True)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        cmd = json.loads(line)
        if cmd.get("quit"):
            break
        b = int(cmd["batch"])
        n = int(cmd["steps"])
        x, y = batch_data(b)
        calibration = choose(b, x, y) if b not in zero_grad else None
        to_none = zero_grad[b]
        per = []
        t0 = time.perf_counter()
        for _ in range(n):
            s = time.perf_counter()
            loss = step(x, y, to_none)
            per.append(time.perf_counter() - s)
        total = time.perf_counter() - t0
        reply = {"batch": b, "steps": n, "seconds": total, "perStep": per, "loss": float(loss),
                 "zeroGrad": "set_to_none" if to_none else "zero"}
        if calibration:
            reply["calibration"] = calibration
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
