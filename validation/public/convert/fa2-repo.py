#!/usr/bin/env python3
"""FlashAttention-2 forward+backward figures of the flash-attention repository -> data/fa2-repo.csv.

usage: fa2-repo.py   (numbers transcribed from the figures; no input)

Dao-AILab/flash-attention at 0251105, README and:
  assets/flash2_a100_fwd_bwd_benchmark.png  A100 80GB SXM4
  assets/flash2_h100_fwd_bwd_benchmark.png  H100 80GB SXM5
Forward + backward TFLOP/s (bar labels) of FlashAttention-2 and, on the A100, of the
PyTorch reference attention (unfused matmul + softmax + matmul), for sequence length
512..16k, batch = 16k / seqlen, hidden dimension 2048 (32 heads at head dim 64, 16 at
128). Bars whose label is hidden or partly hidden are left out. The figures do not state
the dtype or the timing; the repository's benchmarks/benchmark_flash_attention.py, which
sweeps exactly these shapes, uses torch.float16 and the mean of 30 repeats of
torch.utils.benchmark for each pass, and counts forward = 4*s^2*d*h*b (halved when
causal), backward = 2.5 x forward, forward+backward = 3.5 x forward. Times are rebuilt
with that convention: time = 3.5 * forward FLOPs / (TFLOP/s * 1e12); the op is the pair
[forward, backward] (its predicted time is the sum).
"""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as c  # noqa: E402

SOURCE = "fa2-repo"
REPO = "Dao-AILab/flash-attention"
COMMIT = "0251105"
SEQLENS = [512, 1024, 2048, 4096, 8192, 16384]
TIMING = "mean of 30 repeats per pass, torch.utils.benchmark (benchmarks/benchmark_flash_attention.py)"

# (gpu, figure, kernel, causal, head_dim): TFLOP/s per SEQLENS, None = label not readable
SERIES = [
    ("a100-sxm4-80gb", "assets/flash2_a100_fwd_bwd_benchmark.png", "fa2", False, 64, [132, None, 162, 171, 175, 176]),
    ("a100-sxm4-80gb", "assets/flash2_a100_fwd_bwd_benchmark.png", "fa2", False, 128,
     [None, None, 187, 196, 201, 203]),
    ("a100-sxm4-80gb", "assets/flash2_a100_fwd_bwd_benchmark.png", "fa2", True, 64, [88, 119, 140, 156, 165, 171]),
    ("a100-sxm4-80gb", "assets/flash2_a100_fwd_bwd_benchmark.png", "fa2", True, 128, [99, 133, 155, 173, 182, 189]),
    # PyTorch reference attention; 16k ran out of memory
    ("a100-sxm4-80gb", "assets/flash2_a100_fwd_bwd_benchmark.png", "sdpa-math", False, 128,
     [53, 67, 76, 79, 86, None]),
    ("h100-sxm5-80gb", "assets/flash2_h100_fwd_bwd_benchmark.png", "fa2", False, 64, [215, 254, 274, 288, 294, 296]),
    ("h100-sxm5-80gb", "assets/flash2_h100_fwd_bwd_benchmark.png", "fa2", False, 128,
     [248, 294, 320, 326, 335, 338]),
    ("h100-sxm5-80gb", "assets/flash2_h100_fwd_bwd_benchmark.png", "fa2", True, 64, [141, 192, 232, 257, 273, 284]),
    ("h100-sxm5-80gb", "assets/flash2_h100_fwd_bwd_benchmark.png", "fa2", True, 128, [163, 221, 265, 294, 308, 328]),
]


def main():
    if len(sys.argv) != 1:
        c.die("fa2-repo.py takes no arguments")
    col = c.Collector(SOURCE)
    for gpu, fig, kernel, causal, d, values in SERIES:
        heads = 2048 // d
        for seq, tflops in zip(SEQLENS, values):
            if tflops is None:
                continue
            batch = 16384 // seq
            fwd = c.attention(batch, heads, seq, d, causal, "fp16", kernel, "forward")
            bwd = c.attention(batch, heads, seq, d, causal, "fp16", kernel, "backward")
            flops = 3.5 * 4.0 * seq * seq * d * heads * batch / (2 if causal else 1)
            what = "FlashAttention-2" if kernel == "fa2" else "PyTorch reference attention (unfused)"
            col.add(c.row(SOURCE, gpu, "attention", "fp16", [fwd, bwd], flops / (tflops * 1e12),
                          c.hash_split(c.dump(fwd) + gpu), TIMING, REPO, COMMIT, fig,
                          note=f"{what} forward+backward, {tflops} TFLOP/s (bar label); dtype from the benchmark "
                               "script; time = 3.5*4*s^2*d*h*b" + ("/2 (causal)" if causal else "") + " / rate"))
    col.write()


if __name__ == "__main__":
    main()
