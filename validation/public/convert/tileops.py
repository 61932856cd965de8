#!/usr/bin/env python3
"""A cuDNN conv3d timing on the H200 from a TileOPs issue -> data/tileops.csv.

usage: tileops.py   (numbers transcribed from the issue; no input)

tile-ai/TileOPs issue #1998 (2026-08-28) and pull request #1999: on the nightly
`3d-unet-aspp-3x3x3-rate6-float16` workload torch's conv3d (cuDNN) takes 0.037 ms
(194 TFLOP/s) on an NVIDIA H200; the issue adds that cuDNN runs it as an NCDHW -> NDHWC
transform (~11 us) and an NDHWC implicit-GEMM kernel (25.3 us). The workload's shape is
the one of that name in the repository's benchmarks/ops/bench_convolution.py: batch 1,
256 -> 256 channels, input 8 x 16 x 16, kernel 3 x 3 x 3, dilation 6, padding 6,
stride 1, float16 (2*256*256*27*2048 = 7.25 GFLOP, which with 0.037 ms gives the 194
TFLOP/s the issue prints). The H200 board is not stated (SXM default).
"""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as c  # noqa: E402

SOURCE = "tileops"
GPU = "h200-sxm-141gb"


def main():
    if len(sys.argv) != 1:
        c.die("tileops.py takes no arguments")
    col = c.Collector(SOURCE)
    op = c.conv(1, 256, 256, (8, 16, 16), (3, 3, 3), (1, 1, 1), (6, 6, 6), (6, 6, 6), (6, 6, 6), 1, "fp16")
    col.add(c.row(SOURCE, GPU, "conv", "fp16", op, 0.037e-3, c.hash_split(c.dump(op) + GPU),
                  "TileOPs nightly benchmark harness (not stated further)", "tile-ai/TileOPs", "issue #1998",
                  "issue description; shape: benchmarks/ops/bench_convolution.py (3d-unet-aspp-3x3x3-rate6-float16)",
                  note="torch conv3d (cuDNN), NCDHW input: layout transform ~11 us + implicit GEMM 25.3 us; "
                       "H200 board not stated (SXM default)"))
    col.write()


if __name__ == "__main__":
    main()
