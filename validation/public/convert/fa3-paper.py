#!/usr/bin/env python3
"""FlashAttention-3 paper, attention forward on H100 -> data/fa3-paper.csv.

usage: fa3-paper.py   (numbers transcribed from the paper; no input)

Shah et al., "FlashAttention-3: Fast and Accurate Attention with Asynchrony and
Low-precision", arXiv 2407.08608v2.
  Fig. 5 (a)-(f): forward TFLOP/s of FlashAttention-2, cuDNN and FlashAttention-3 in
  FP16 on an H100 80GB SXM5, sequence length 512..16k, batch = 16k / seqlen, hidden
  dimension 2048 (32, 16, 8 heads at head dim 64, 128, 256); values are the bar labels.
  Table 2: FlashAttention-3 forward, batch 4, seqlen 8448, 16 heads, head dim 128,
  non-causal: 3.538 ms (661 TFLOP/s).
The paper's FLOP convention (its Section 4.1 and the flash-attention benchmark
scripts): forward = 4 * seqlen^2 * head_dim * heads * batch, halved when causal. Times
are rebuilt with that convention: time = FLOPs / (TFLOP/s * 1e12).
Timing (Appendix C.1): H100 80GB SXM5 (700 W), clock fixed at 1830 MHz, the average of
100 repeats; CUDA 12.3, cuDNN 9.1.1.17, FlashAttention 2.5.8, PyTorch 2.3.0.
"""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as c  # noqa: E402

SOURCE = "fa3-paper"
REPO = "arXiv:2407.08608"
VERSION = "v2"
GPU = "h100-sxm5-80gb"
TIMING = "average of 100 repeats, GPU clock fixed at 1830 MHz (Appendix C.1)"
SEQLENS = [512, 1024, 2048, 4096, 8192, 16384]

# (panel, causal, head_dim): {kernel: TFLOP/s per SEQLENS}
FIG5 = {
    ("a", False, 64): {"fa2": [282, 306, 318, 321, 322, 324], "cudnn": [335, 373, 395, 408, 412, 413],
                       "fa3": [333, 392, 460, 476, 496, 497]},
    ("b", True, 64): {"fa2": [180, 229, 262, 284, 295, 299], "cudnn": [225, 288, 334, 363, 379, 388],
                      "fa3": [197, 265, 371, 420, 460, 473]},
    ("c", False, 128): {"fa2": [309, 350, 362, 368, 370, 370], "cudnn": [497, 574, 617, 609, 600, 595],
                        "fa3": [467, 565, 625, 638, 646, 648]},
    ("d", True, 128): {"fa2": [191, 260, 298, 319, 333, 335], "cudnn": [315, 410, 484, 518, 529, 539],
                       "fa3": [292, 423, 521, 579, 602, 616]},
    ("e", False, 256): {"fa2": [275, 313, 321, 323, 324, 326], "cudnn": [470, 546, 580, 581, 580, 581],
                        "fa3": [482, 627, 707, 736, 746, 756]},
    ("f", True, 256): {"fa2": [208, 251, 278, 293, 297, 298], "cudnn": [308, 391, 450, 483, 497, 509],
                       "fa3": [286, 427, 537, 612, 628, 642]},
}
NAMES = {"fa2": "FlashAttention-2", "cudnn": "cuDNN", "fa3": "FlashAttention-3"}


def fwd_flops(batch, heads, seq, d, causal):
    f = 4.0 * seq * seq * d * heads * batch
    return f / 2 if causal else f


def main():
    if len(sys.argv) != 1:
        c.die("fa3-paper.py takes no arguments")
    col = c.Collector(SOURCE)
    for (panel, causal, d), series in FIG5.items():
        heads = 2048 // d
        for kernel, values in series.items():
            for seq, tflops in zip(SEQLENS, values):
                batch = 16384 // seq
                op = c.attention(batch, heads, seq, d, causal, "fp16", kernel, "forward")
                t = fwd_flops(batch, heads, seq, d, causal) / (tflops * 1e12)
                col.add(c.row(SOURCE, GPU, "attention", "fp16", op, t, c.hash_split(c.dump(op) + GPU), TIMING,
                              REPO, VERSION, f"Fig. 5({panel})",
                              note=f"{NAMES[kernel]} forward, {tflops} TFLOP/s (bar label); time = 4*s^2*d*h*b"
                                   f"{'/2 (causal)' if causal else ''} / rate"))
    op = c.attention(4, 16, 8448, 128, False, "fp16", "fa3", "forward")
    col.add(c.row(SOURCE, GPU, "attention", "fp16", op, 3.538e-3, c.hash_split(c.dump(op) + GPU), TIMING, REPO,
                  VERSION, "Table 2",
                  note="FlashAttention-3 forward with all optimisations (661 TFLOP/s); time as printed"))
    col.write()


if __name__ == "__main__":
    main()
