#!/usr/bin/env python3
"""DeepGEMM's FP8 GEMM tables on the H800 SXM5 -> data/deepgemm.csv.

usage: deepgemm.py MIRROR   (a git directory of github.com/deepseek-ai/DeepGEMM)

README.md at COMMIT, "Performance": "all shapes potentially used in DeepSeek-V3/R1
inference ... on H800 SXM5 with NVCC 12.8". FP8 e4m3 inputs with fine-grained scaling
(1x128 activations, 128x128 weights), BF16 output. Tables used: "Normal GEMMs for dense
models" and "Grouped GEMMs for MoE models (contiguous layout)" (groups of M rows, one
weight matrix per group: a batched GEMM). The masked-layout table is left out (its M per
group is a capacity, not the rows computed). tests/test_core.py prints
TFLOPS = 2*M*N*K (times groups) / t, with t from deep_gemm's bench_kineto (torch profiler
kernel time, mean of 30 calls, an L2-flushing memset before each); so
time = 2*M*N*K*groups / rate. The table rounds the rate to whole TFLOP/s.
"""

import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as c  # noqa: E402

SOURCE = "deepgemm"
REPO = "deepseek-ai/DeepGEMM"
COMMIT = "327ec92f6977e7fee022cb76a8f273b75483c3d8"
PATH = "README.md"
GPU = "h800-sxm5-80gb"
TIMING = "torch profiler kernel time, mean of 30 calls with an L2 flush before each (bench_kineto)"


def tables(text):
    """{title: [cells...]} for every markdown table under a ### heading."""
    out, title = {}, None
    for line in text.splitlines():
        if line.startswith("### "):
            title = line[4:].strip()
        elif title and line.startswith("|") and re.search(r"\d", line) and ":--" not in line:
            out.setdefault(title, []).append([x.strip() for x in line.strip().strip("|").split("|")])
    return out


def main():
    if len(sys.argv) != 2:
        c.die(__doc__.strip().splitlines()[2])
    t = tables(c.git_show(sys.argv[1], COMMIT, PATH))
    col = c.Collector(SOURCE)
    dense = t.get("Normal GEMMs for dense models", [])
    grouped = t.get("Grouped GEMMs for MoE models (contiguous layout)", [])
    if len(dense) != 18 or len(grouped) != 4:
        c.die(f"unexpected table sizes {len(dense)} {len(grouped)}")
    for cells in dense:
        m, n, k = (int(x) for x in cells[:3])
        rate = float(cells[3].split()[0])
        op = c.gemm(m, n, k, a="fp8", b="fp8", c="bf16")
        col.add(c.row(SOURCE, GPU, "gemm", "fp8", op, 2.0 * m * n * k / (rate * 1e12), c.hash_split(c.dump(op) + GPU),
                      TIMING, REPO, COMMIT, PATH + " (Normal GEMMs for dense models)",
                      note=f"{rate:.0f} TFLOP/s; block-scaled FP8 (1x128, 128x128); time = 2*M*N*K / rate"))
    for cells in grouped:
        g, m, n, k = (int(x) for x in cells[:4])
        rate = float(cells[4].split()[0])
        op = c.gemm(m, n, k, batch=g, a="fp8", b="fp8", c="bf16", shared_b=False)
        col.add(c.row(SOURCE, GPU, "gemm", "fp8", op, 2.0 * g * m * n * k / (rate * 1e12),
                      c.hash_split(c.dump(op) + GPU), TIMING, REPO, COMMIT,
                      PATH + " (Grouped GEMMs for MoE models, contiguous layout)",
                      note=f"{g} groups of {m} rows, one weight per group; {rate:.0f} TFLOP/s; "
                           "time = 2*groups*M*N*K / rate"))
    col.write()


if __name__ == "__main__":
    main()
