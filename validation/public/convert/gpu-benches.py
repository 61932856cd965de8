#!/usr/bin/env python3
"""gpu-benches streaming kernels and repeated small kernels -> data/gpu-benches.csv.

usage: gpu-benches.py MIRROR   (a git directory of github.com/te42kyfo/gpu-benches)

gpu-stream/<gpu>.txt (gpu-stream/main.cu): each kernel streams arrays of N = 128 Mi + 2
doubles (1 GiB each) with one thread per element; a shared-memory spoiler limits
residency to 2 blocks per SM, and the block size sweeps occupancy. Only the 1024-thread
row is used (100 % occupancy, the normal launch of such a kernel). GB/s is printed as
streams * N * 8 bytes / time, where time is the median of 9 wall-clock measurements of
two back-to-back launches divided by two; so time = streams * N * 8 / GB/s. Kernels used:
read (1 load stream; writes nothing: a reduction), scale (1 load, 1 store) and triad (2
loads, 1 store). init (store only) has no input and the 3pt/5pt stencils re-read
neighbours; they are left out.

gpu-small-kernels/<gpu>.txt (gpu-small-kernels/main.cu): the SCALE kernel A = 0.25 * B
on N doubles, launched back to back thousands of times in one stream (alternating the
two buffers), wall clock divided by the count, median of 3; printed as
N * 16 bytes / time per block size. The best block size is used:
time = N * 16 / max(GB/s). Family `launch`: small N measures the launch rate, large N
the streaming rate. Files ending _graph, _pt, _gsync (CUDA graphs, persistent kernels)
are not launches of one kernel each and are left out.

Doubles are written as twice as many fp32 elements (the same bytes; the op schema has
no fp64). GPUs: a100_40 / a100_80 do not state the board (SXM4 default), h100_pcie is the
H100 PCIe, h200 does not state the board (SXM default); a40, l40, v100, AMD parts are
not in the catalog.
"""

import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as c  # noqa: E402

SOURCE = "gpu-benches"
REPO = "te42kyfo/gpu-benches"
COMMIT = "1c36d509ee717dca9215c27135fa1e611bb03ed1"
GPUS = {"a100_40": ("a100-sxm4-40gb", "A100 40GB, board not stated (SXM4 default)"),
        "a100_80": ("a100-sxm4-80gb", "A100 80GB, board not stated (SXM4 default)"),
        "h100_pcie": ("h100-pcie-80gb", "H100 PCIe"),
        "h200": ("h200-sxm-141gb", "H200, board not stated (SXM default)")}
STREAM_N = 128 * 1024 * 1024 + 2


def stream(col, mirror):
    for name, (gpu, gpu_note) in GPUS.items():
        path = f"gpu-stream/{name}.txt"
        lines = c.git_show(mirror, COMMIT, path).splitlines()
        header = lines[0].split("|")[1].split()
        for line in lines[1:]:
            left, right = line.split("|")
            if int(left.split()[0]) != 1024:
                continue
            vals = dict(zip(header, (float(x) for x in right.replace("GB/s:", "").split())))
            for kernel, streams, kind, inputs in (("read", 1, "reduction", 1), ("scale", 2, "elementwise", 1),
                                                  ("triad", 3, "elementwise", 2)):
                if kind == "reduction":
                    op = c.pointwise("reduction", 2 * STREAM_N, 1, 1, "fp32", output_elements=1)
                else:
                    op = c.pointwise("elementwise", 2 * STREAM_N, inputs, 1, "fp32")
                t = streams * STREAM_N * 8 / (vals[kernel] * 1e9)
                col.add(c.row(SOURCE, gpu, kind, "fp32", op, t, c.hash_split(c.dump(op) + gpu),
                              "wall clock of 2 back-to-back launches / 2, median of 9 (gpu-stream/main.cu)",
                              REPO, COMMIT, path,
                              note=f"{gpu_note}; {kernel} kernel on 1 GiB fp64 arrays, block size 1024, "
                                   f"{vals[kernel]:.0f} GB/s; time = {streams}*N*8 / rate"))


def small_kernels(col, mirror):
    for name, (gpu, gpu_note) in GPUS.items():
        path = f"gpu-small-kernels/{name}.txt"
        if not c.git_ls(mirror, COMMIT, "gpu-small-kernels") or path not in c.git_ls(mirror, COMMIT,
                                                                                     "gpu-small-kernels"):
            continue
        for line in c.git_show(mirror, COMMIT, path).splitlines():
            parts = line.split()
            if len(parts) < 3 or not re.fullmatch(r"\d+", parts[0]):
                continue
            n = int(parts[0])
            best = max(float(x) for x in parts[2:])
            op = c.pointwise("elementwise", 2 * n, 1, 1, "fp32")
            col.add(c.row(SOURCE, gpu, "launch", "fp32", op, n * 16 / (best * 1e9), c.hash_split(c.dump(op) + gpu),
                          "wall clock over thousands of back-to-back launches in one stream / count, median of 3 "
                          "(gpu-small-kernels/main.cu)", REPO, COMMIT, path,
                          note=f"{gpu_note}; SCALE kernel on {n} fp64 values, best block size, {best:.0f} GB/s; "
                               "time = 16*N / rate"))


def main():
    if len(sys.argv) != 2:
        c.die(__doc__.strip().splitlines()[2])
    col = c.Collector(SOURCE)
    stream(col, sys.argv[1])
    small_kernels(col, sys.argv[1])
    col.write()


if __name__ == "__main__":
    main()
