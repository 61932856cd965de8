#!/usr/bin/env python3
"""Maximum Achievable Matmul FLOPS (MAMF) best shapes -> data/mamf.csv.

usage: mamf.py   (numbers transcribed from the table; no input)

stas00/ml-engineering at COMMIT, compute/accelerator/README.md, "Maximum Achievable
Matmul FLOPS comparison table" (BF16 and FP8 float8_e4m3fn). Each entry is the best of a
brute-force search over shapes with compute/accelerator/benchmarks/mamf-finder.py:
torch.mm(A, B, out=C) (FP8: torch._scaled_mm with an FP8 output C), CUDA events around
each call, a 256 MB write to flush the L2 and a re-randomised C before every call, the
mean of 100 calls after 50 warm-up calls; TFLOP/s = 2*M*N*K / mean time, so
time = 2*M*N*K / rate. Caveat: a best shape from a search is the top of a distribution
(selection bias). Only catalog GPUs: the table's A100 SXM / A100 PCIe do not state the
memory size (80GB default); H100 SXM is the SXM5 board; "H200 is the same" on the BF16
H100 row is the author's statement, not a measurement, and is not turned into a row.
"""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as c  # noqa: E402

SOURCE = "mamf"
REPO = "stas00/ml-engineering"
COMMIT = "744d01e18b79512572f64a6bbd8b5f4a725203a7"
PATH = "compute/accelerator/README.md"

# (table row, gpu, dtype, MAMF TFLOP/s, M, N, K, torch version)
TABLE = [
    ("NVIDIA A100 SXM", "a100-sxm4-80gb", "bf16", 271.2, 1024, 10240, 5120, "2.6.0+cu126"),
    ("NVIDIA A100 PCIe", "a100-pcie-80gb", "bf16", 252.9, 2048, 5120, 6144, "2.5.1+cu124"),
    ("NVIDIA H100 SXM", "h100-sxm5-80gb", "bf16", 794.5, 2048, 2048, 13312, "2.7.0+cu126"),
    ("NVIDIA B200 SXM", "b200-sxm-180gb", "bf16", 1745.0, 1792, 16128, 3072, "2.7.1+cu128"),
    ("AMD MI300X", "mi300x-192gb", "bf16", 668.4, 10240, 15360, 8192, "2.5.1+6.3.42131, PYTORCH_TUNABLEOP_ENABLED=1"),
    ("NVIDIA B200 SXM", "b200-sxm-180gb", "fp8", 3432.5, 15360, 4096, 3072, "2.7.1+cu128"),
    ("NVIDIA H200 SXM", "h200-sxm-141gb", "fp8", 1453.4, 1280, 4096, 12032, "2.7.1+cu128"),
    ("NVIDIA H100 SXM", "h100-sxm5-80gb", "fp8", 1402.6, 1024, 9216, 14336, "2.7.0+cu126"),
]


def main():
    if len(sys.argv) != 1:
        c.die("mamf.py takes no arguments")
    col = c.Collector(SOURCE)
    for name, gpu, dtype, tflops, m, n, k, torch_version in TABLE:
        op = c.gemm(m, n, k, a=dtype)
        board = " (memory size not stated: 80GB default)" if name.startswith("NVIDIA A100") else ""
        col.add(c.row(SOURCE, gpu, "gemm", dtype, op, 2.0 * m * n * k / (tflops * 1e12),
                      c.hash_split(c.dump(op) + gpu),
                      "CUDA events, L2 flushed before each call; mean of 100 after 50 warm-up (mamf-finder.py)",
                      REPO, COMMIT, PATH + f" ({'BF16' if dtype == 'bf16' else 'FP8'} MAMF table)",
                      note=f"{name}{board}: best shape of a search, {tflops} TFLOP/s, torch {torch_version}; "
                           "time = 2*M*N*K / rate"))
    col.write()


if __name__ == "__main__":
    main()
