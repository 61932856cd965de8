#!/usr/bin/env python3
"""Azure AI benchmarking guide results (cuBLASLt GEMM, NCCL all-reduce) -> data/azure-bench.csv.

usage: azure-bench.py MIRROR   (a git directory of github.com/Azure/AI-benchmarking-guide)

Azure_Results/ND_{A100_v4,H100_v5,H200_v5}_results.md at COMMIT (GPUs as the files'
system tables name them: A100-SXM4-80GB, H100 80GB HBM3 (SXM5), H200 141GB (ND H200 v5
is an HGX H200 SXM board)).
  "GEMM CuBLASLt": TFLOP/s of superbench's cublaslt_gemm, random initialisation, 10,000
      warm-up iterations; FP16 on the A100 (Benchmarks/GEMMCublasLt.py forces fp16 there),
      FP8 e4m3 on the H100 and H200 (output type not stated). time = 2*m*n*k / rate.
  "NCCL Bandwidth": bus bandwidth of nccl-tests all_reduce_perf -b 8 -e 8G -f 2 -g 8 -n 40
      (Benchmarks/NCCLBandwidth.py), 8 GPUs of one node, in place, float (nccl-tests'
      default type); the message sizes are the powers of two 2^3..2^33 that NCCLBandwidth.py
      labels "8".."8G". nccl-tests' all-reduce busbw = algbw * 2(n-1)/n with algbw =
      bytes / time, so time = bytes * 2(n-1)/n / busbw. The files say NVLS for all three
      (the A100 has no NVLink SHARP, so there NCCL's own choice ran). Values printed with
      two decimals: rows below 0.5 GB/s (more than 1 % rounding error) are left out.
The HBM (BabelStream fork) and nvbandwidth tables are left out: the array and buffer
sizes they ran with are not in the results or the scripts, so no time per call follows.
"""

import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as c  # noqa: E402

SOURCE = "azure-bench"
REPO = "Azure/AI-benchmarking-guide"
COMMIT = "8fd0c6e1bd0f853ef8f0500a3640a7d80a2a92ef"
FILES = {"Azure_Results/ND_A100_v4_results.md": "a100-sxm4-80gb",
         "Azure_Results/ND_H100_v5_results.md": "h100-sxm5-80gb",
         "Azure_Results/ND_H200_v5_results.md": "h200-sxm-141gb"}
SIZE_LABELS = ["8", "16", "32", "64", "128", "256", "512", "1K", "2K", "4K", "8K", "16K", "32K", "65K", "132K",
               "256K", "524K", "1M", "2M", "4M", "8M", "16M", "33M", "67M", "134M", "268M", "536M", "1G", "2G",
               "4G", "8G"]  # Benchmarks/NCCLBandwidth.py, for 2^3 .. 2^33 bytes
RANKS = 8


def section(text, title):
    start = text.index(title)
    nxt = re.search(r"\n#{2,3} ", text[start + len(title):])
    return text[start: start + len(title) + (nxt.start() if nxt else len(text))]


def table_rows(block):
    for line in block.splitlines():
        cells = [x.strip() for x in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and line.strip().startswith("|"):
            yield cells


def main():
    if len(sys.argv) != 2:
        c.die(__doc__.strip().splitlines()[2])
    col = c.Collector(SOURCE)
    left_out = 0
    for path, gpu in FILES.items():
        text = c.git_show(sys.argv[1], COMMIT, path)
        gemm = section(text, "### GEMM CuBLASLt")
        dtype = "fp8" if "FP8" in gemm else "fp16" if "FP16" in gemm else None
        if dtype is None:
            c.die(f"{path}: GEMM dtype not found")
        for cells in table_rows(gemm):
            if not all(re.fullmatch(r"\d+(\.\d+)?", x) for x in cells[:4]):
                continue
            m, n, k, tflops = int(cells[0]), int(cells[1]), int(cells[2]), float(cells[3])
            op = c.gemm(m, n, k, a=dtype, b=dtype, c="bf16" if dtype == "fp8" else "fp16")
            col.add(c.row(SOURCE, gpu, "gemm", dtype, op, 2.0 * m * n * k / (tflops * 1e12),
                          c.hash_split(c.dump(op) + gpu),
                          "superbench cublaslt_gemm, random init, 10,000 warm-up iterations", REPO, COMMIT, path,
                          note=f"cuBLASLt {tflops} TFLOP/s; time = 2*m*n*k / rate"
                               + ("; e4m3 inputs, output type not stated (bf16 assumed)" if dtype == "fp8" else "")))
        nccl = section(text, "## NCCL Bandwidth")
        for cells in table_rows(nccl):
            if cells[0] not in SIZE_LABELS or not re.fullmatch(r"\d+(\.\d+)?", cells[1]):
                continue
            nbytes = 2 ** (3 + SIZE_LABELS.index(cells[0]))
            busbw = float(cells[1])
            if busbw < 0.5:
                left_out += 1
                continue
            t = nbytes * 2 * (RANKS - 1) / RANKS / (busbw * 1e9)
            op = c.collective("all_reduce", nbytes // 4, RANKS, "fp32", "nvlink")
            algo = "NVLS as the file says" if gpu != "a100-sxm4-80gb" else "file says NVLS; A100 has none"
            col.add(c.row(SOURCE, gpu, "collective", "fp32", op, t, c.hash_split(c.dump(op) + gpu),
                          "nccl-tests all_reduce_perf -n 40 (mean of 40 iterations after warm-up), in place",
                          REPO, COMMIT, path,
                          note=f"8 GPUs, one node; busbw {busbw} GB/s; {algo}; time = bytes*2(n-1)/n / busbw"))
    col.write()
    print(f"  left out {left_out}: NCCL rows below 0.5 GB/s busbw (rounding)")


if __name__ == "__main__":
    main()
