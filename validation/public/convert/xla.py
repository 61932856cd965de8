#!/usr/bin/env python3
"""XLA's default GPU matmul performance table -> data/xla.csv.

usage: xla.py MIRROR   (a git directory of github.com/ROCm/xla, or of openxla/xla
                        holding COMMIT)

The table (xla/service/gpu/model/matmul_interpolator_data.h at COMMIT) lists, per
device key, dots lhs[b,m,k] x rhs[b,k,n] -> [b,m,n] for b in {1,2,4} and m, n, k in
{256..4096}, with the achieved FLOP/s per operand/result type. XLA itself turns an
entry back into time as 2*b*m*n*k / flops (matmul_interpolator.cc), which is what this
converter does. The entries come from xla/tools/matmul_perf_table_gen.cc: the dot is
compiled by XLA (its own GEMM choice and autotuning), run once to warm up, then 5 times
with two sets of random arguments (small and large value range, alternating), and the
median kernel time from XLA's CUPTI kernel tracer is stored.

Device keys: "sm_90" is compute capability 9.0; the commit that introduced this table
(b2766086ec, "Update Latency-hiding scheduler cost model for GEMMS on H100") names the
H100 but not its board, so the rows take the SXM5 default. "sm_100_B200" is the B200.
The AMD keys (gfx942, gfx950) do not name a product and are left out. The sm_90 and
sm_100_B200 entries are identical at COMMIT and in openxla's later textproto
(xla/service/gpu/model/default_matmul_perf_table.txtpb at 183fa00c).
"""

import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as c  # noqa: E402

SOURCE = "xla"
REPO = "ROCm/xla"
COMMIT = "ea2c45f2cacc930dcfa4e7bb0773616b8e353c34"
PATH = "xla/service/gpu/model/matmul_interpolator_data.h"
TIMING = ("XLA matmul_perf_table_gen: 1 warm-up run, 5 timed runs x 2 argument sets; "
          "median CUPTI kernel time")

DEVICES = {"sm_90": ("h100-sxm5-80gb", "device key sm_90 (H100, board not stated: SXM5 default)"),
           "sm_100_B200": ("b200-sxm-180gb", "device key sm_100_B200")}
# operand/result type key -> (row dtype, gemm a, gemm c, note)
TYPES = {
    "bf16xbf16->bf16": ("bf16", "bf16", "bf16", "bf16 x bf16 -> bf16"),
    # XLA's default precision lets an f32 dot use TF32 tensor cores; the table's f32
    # rates exceed both GPUs' non-tensor FP32 peaks (checked below), so they are TF32.
    "f32xf32->f32": ("tf32", "tf32", "fp32", "f32 x f32 -> f32 at XLA's default precision: TF32 tensor cores"),
    "f8e4m3fnxf8e4m3fn->bf16": ("fp8", "fp8", "bf16", "e4m3 x e4m3 -> bf16"),
}

# A whole series left out: 29 of its 375 entries exceed the H100's dense FP8 peak (up to
# 2593 TFLOP/s of 1979) and at m=n=k=4096 it gives 2424 TFLOP/s where cuBLASLt on an
# H100 SXM measures 1217 (Azure/AI-benchmarking-guide); the series shares a timing or
# counting that is not the usual one, so its entries below the peak are not kept either.
SERIES_LEFT_OUT = {("sm_90", "f8e4m3fnxf8e4m3fn->bf16"): "sm_90 FP8 series (entries above the dense peak)"}


def parse(text):
    """{(device_key, b, m, n, k, type_key): flops} from the embedded text proto."""
    body = text.split('R"pb(', 1)[-1]
    toks = re.findall(r'[A-Za-z_0-9]+:\s*"[^"]*"|[A-Za-z_0-9]+:\s*-?\d+|[A-Za-z_]+\s*\{|\}', body)
    out, stack, key, cur, fk, fv = {}, [], None, {}, None, None
    for t in toks:
        if t.endswith("{"):
            stack.append(t[:-1].strip())
            continue
        if t == "}":
            if stack.pop() == "flops":
                out[(key, cur["b"], cur["m"], cur["n"], cur["k"], fk)] = fv
            continue
        name, val = (x.strip() for x in t.split(":", 1))
        if stack == ["entries"] and name == "key":
            key = val.strip('"')
        elif stack == ["entries", "value", "entries"] and name in ("b", "m", "n", "k"):
            cur[name] = int(val)
        elif stack and stack[-1] == "flops":
            if name == "key":
                fk = val.strip('"')
            else:
                fv = int(val)
    return out


def main():
    if len(sys.argv) != 2:
        c.die(__doc__.strip().splitlines()[2])
    table = parse(c.git_show(sys.argv[1], COMMIT, PATH))
    if not table:
        c.die("no entries parsed")
    col = c.Collector(SOURCE)
    left_out = {}
    for (dev, b, m, n, k, tkey), flops in sorted(table.items()):
        if dev not in DEVICES or tkey not in TYPES:
            why = f"device {dev}" if dev not in DEVICES else f"type {tkey}"
            left_out[why] = left_out.get(why, 0) + 1
            continue
        if (dev, tkey) in SERIES_LEFT_OUT:
            why = SERIES_LEFT_OUT[(dev, tkey)]
            left_out[why] = left_out.get(why, 0) + 1
            continue
        gpu, dev_note = DEVICES[dev]
        dtype, a, out, type_note = TYPES[tkey]
        if dtype == "tf32" and flops / 1e12 <= c.GPUS[gpu][0]["fp32"] and b * m * n * k >= 4096**3:
            c.die(f"{dev} f32 rate at 4096^3 is below the FP32 peak: the TF32 reading is wrong")
        op = c.gemm(m, n, k, batch=b, a=a, b=a, c=out, shared_b=False)
        t = 2.0 * b * m * n * k / flops
        col.add(c.row(SOURCE, gpu, "gemm", dtype, op, t, c.hash_split(c.dump(op) + gpu), TIMING, REPO, COMMIT, PATH,
                      note=f"{dev_note}; {type_note}; time = 2*b*m*n*k / tabulated FLOP/s"))
    col.write()
    for why, n in sorted(left_out.items()):
        print(f"  left out {n}: {why}")


if __name__ == "__main__":
    main()
