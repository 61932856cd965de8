"""Shared pieces of the public op-measurement converters (Python stdlib only).

Every converter builds rows with `row()`, op objects with the builders below
(key order fixed, so the CSV is byte-identical across reruns), checks each row
against the GPU's datasheet limits with `physics()`, and writes one CSV with
`write_csv()`.
"""

import csv
import hashlib
import json
import os
import subprocess
import sys

HEADER = ["id", "source", "gpu", "family", "dtype", "op", "time_s", "split", "timing",
          "repository", "commit", "path", "peer", "peer_prediction_s", "note"]

FAMILIES = {"gemm", "attention", "layernorm", "rmsnorm", "softmax", "elementwise", "reduction",
            "conv", "copy", "collective", "launch", "l2-resident"}
DTYPES = {"bf16", "fp16", "fp32", "tf32", "fp8", "int8"}

# Datasheet limits used only to reject impossible rows: dense peaks in TFLOP/s per
# arithmetic type, HBM bandwidth in GB/s, L2 in MiB. Copied from `vidperf list gpus
# --json` (each entry's datasheet is cited there).
GPUS = {
    "a100-pcie-40gb": ({"bf16": 312.0, "fp16": 312.0, "fp32": 19.5, "tf32": 156.0, "int8": 624.0}, 1555.0, 40),
    "a100-sxm4-40gb": ({"bf16": 312.0, "fp16": 312.0, "fp32": 19.5, "tf32": 156.0, "int8": 624.0}, 1555.0, 40),
    "a100-pcie-80gb": ({"bf16": 312.0, "fp16": 312.0, "fp32": 19.5, "tf32": 156.0, "int8": 624.0}, 1935.0, 40),
    "a100-sxm4-80gb": ({"bf16": 312.0, "fp16": 312.0, "fp32": 19.5, "tf32": 156.0, "int8": 624.0}, 2039.0, 40),
    "h100-sxm5-80gb": ({"bf16": 989.4, "fp16": 989.4, "fp32": 66.9, "tf32": 494.7, "fp8": 1978.9, "int8": 1978.9},
                       3350.0, 50),
    "h100-pcie-80gb": ({"bf16": 756.0, "fp16": 756.0, "fp32": 51.2, "tf32": 378.0, "fp8": 1513.0, "int8": 1513.0},
                       2000.0, 50),
    "h100-nvl-94gb": ({"bf16": 835.5, "fp16": 835.5, "fp32": 60.0, "tf32": 417.5, "fp8": 1670.5, "int8": 1670.5},
                      3900.0, 50),
    "h200-sxm-141gb": ({"bf16": 989.4, "fp16": 989.4, "fp32": 67.0, "tf32": 494.7, "fp8": 1978.9, "int8": 1978.9},
                       4800.0, 50),
    "h800-sxm5-80gb": ({"bf16": 989.4, "fp16": 989.4, "fp32": 66.9, "tf32": 494.7, "fp8": 1978.9, "int8": 1978.9},
                       3350.0, 50),
    "l40s-48gb": ({"bf16": 362.05, "fp16": 362.05, "fp32": 91.6, "tf32": 183.0, "fp8": 733.0, "int8": 733.0},
                  864.0, 96),
    "l4-24gb": ({"bf16": 121.0, "fp16": 121.0, "fp32": 30.3, "tf32": 60.0, "fp8": 242.5, "int8": 242.5}, 300.0, 48),
    # GeForce: 165.2 is BF16/FP16 with FP32 accumulation; FP16 accumulation runs at twice that.
    "rtx4090-24gb": ({"bf16": 165.2, "fp16": 330.3, "fp32": 82.6, "tf32": 82.6, "fp8": 330.3, "int8": 660.6},
                     1008.0, 72),
    "rtx6000ada-48gb": ({"bf16": 364.2, "fp16": 364.2, "fp32": 91.1, "tf32": 182.1, "fp8": 728.5, "int8": 728.5},
                        960.0, 96),
    "b200-sxm-180gb": ({"bf16": 2250.0, "fp16": 2250.0, "fp32": 75.0, "tf32": 1125.0, "fp8": 4500.0,
                        "int8": 4500.0}, 7700.0, 126),
    "mi300x-192gb": ({"bf16": 1307.4, "fp16": 1307.4, "fp32": 163.4, "tf32": 653.7, "fp8": 2614.9, "int8": 2614.9},
                     5300.0, 256),
}

ELEMENT_BYTES = {"bf16": 2, "fp16": 2, "fp32": 4, "tf32": 4, "fp8": 1, "int8": 1}


def die(msg):
    sys.exit(f"error: {msg}")


def git_show(mirror, commit, path):
    """Text of `path` at `commit` in a mirrored repository (a git directory)."""
    try:
        out = subprocess.run(["git", "-C", mirror, "show", f"{commit}:{path}"], check=True,
                             capture_output=True)
    except subprocess.CalledProcessError as e:
        die(f"git show {commit}:{path} in {mirror}: {e.stderr.decode(errors='replace').strip()}")
    return out.stdout.decode("utf-8")


def git_ls(mirror, commit, folder):
    out = subprocess.run(["git", "-C", mirror, "ls-tree", "--name-only", f"{commit}", folder + "/"],
                         check=True, capture_output=True)
    return out.stdout.decode("utf-8").split("\n")[:-1]


def stable_hash(text):
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def hash_split(key, one_in=3):
    """Deterministic split rule for sources without their own: 1 in `one_in` is test."""
    return "test" if stable_hash("split:" + key) % one_in == 0 else "fit"


def keep(key, one_in):
    """Deterministic uniform subsample: keeps about 1 in `one_in` keys."""
    return one_in <= 1 or stable_hash("keep:" + key) % one_in == 0


def dump(op):
    return json.dumps(op, separators=(",", ":"))


# ---- op builders (vidperf's op-JSON schema, include/vidperf/io/op_json.hpp) ----

def gemm(m, n, k, batch=1, a="bf16", b=None, c=None, shared_b=True):
    return {"kind": "gemm", "m": int(m), "n": int(n), "k": int(k), "batch": int(batch), "a": a,
            "b": b or a, "c": c or a, "shared_b": bool(shared_b)}


def attention(batch, heads, seq, head_dim, causal, dtype, kernel, direction, heads_kv=None, seq_kv=None,
              head_dim_v=None):
    return {"kind": "attention", "batch": int(batch), "heads_q": int(heads), "heads_kv": int(heads_kv or heads),
            "seq_q": int(seq), "seq_kv": int(seq_kv or seq), "head_dim": int(head_dim),
            "head_dim_v": int(head_dim_v or head_dim), "causal": bool(causal), "dtype": dtype, "kernel": kernel,
            "direction": direction}


def conv(batch, c_in, c_out, inp, kernel, stride, pad_before, pad_after, dilation, groups, dtype,
         direction="forward"):
    return {"kind": "conv", "batch": int(batch), "c_in": int(c_in), "c_out": int(c_out), "input": list(inp),
            "kernel": list(kernel), "stride": list(stride), "pad_before": list(pad_before),
            "pad_after": list(pad_after), "dilation": list(dilation), "groups": int(groups), "dtype": dtype,
            "direction": direction}


# vidperf's default FLOPs per element of each pointwise kind; the converters write these
# rather than guess the instruction count of each kernel (all of them are memory-bound).
DEFAULT_FLOPS_PER_ELEMENT = {"elementwise": 1, "layernorm": 7, "rmsnorm": 4, "softmax": 5, "reduction": 1}


def pointwise(kind, elements, inputs, outputs, dtype, output_elements=None, param_elements=0):
    if inputs < 1:
        die("a pointwise op must read at least one tensor")
    return {"kind": "pointwise", "pointwise": kind, "elements": int(elements), "inputs": int(inputs),
            "outputs": int(outputs), "output_elements": int(elements if output_elements is None else output_elements),
            "param_elements": int(param_elements), "flops_per_element": DEFAULT_FLOPS_PER_ELEMENT[kind],
            "dtype": dtype}


def copy(kind, nbytes, pinned=True):
    return {"kind": "copy", "copy": kind, "bytes": int(nbytes), "pinned": bool(pinned)}


def collective(kind, elements, ranks, dtype, link):
    return {"kind": "collective", "collective": kind, "elements": int(elements), "ranks": int(ranks),
            "dtype": dtype, "link": link}


# ---- physics check ----

def op_flops(op):
    k = op["kind"]
    if k == "gemm":
        return 2.0 * op["m"] * op["n"] * op["k"] * op["batch"]
    if k == "attention":
        # FlashAttention papers' convention: QK^T and PV, halved when causal; backward 2.5x.
        f = 2.0 * op["batch"] * op["heads_q"] * op["seq_q"] * op["seq_kv"] * (op["head_dim"] + op["head_dim_v"])
        if op["causal"]:
            f /= 2
        return f * (2.5 if op["direction"] == "backward" else 1.0)
    if k == "conv":
        out = 1
        for i in range(3):
            span = op["dilation"][i] * (op["kernel"][i] - 1) + 1
            out *= (op["input"][i] + op["pad_before"][i] + op["pad_after"][i] - span) // op["stride"][i] + 1
        f = 2.0 * op["batch"] * out * op["c_out"] * (op["c_in"] // op["groups"])
        for i in range(3):
            f *= op["kernel"][i]
        return f
    return 0.0


def op_hbm_bytes(op):
    if op["kind"] == "pointwise":
        es = ELEMENT_BYTES[op["dtype"]]
        return es * (op["inputs"] * op["elements"] + op["param_elements"] + op["outputs"] * op["output_elements"])
    if op["kind"] == "copy" and op["copy"] == "d2d":
        return 2.0 * op["bytes"]
    return 0.0


def physics(gpu, dtype, op, time_s):
    """None when the row is possible; otherwise why not. Compute ops against the dense
    peak of their arithmetic type; memory ops whose traffic exceeds twice the L2
    (so it cannot stay cache-resident) against the HBM bandwidth."""
    peaks, hbm_GBps, l2_MiB = GPUS[gpu]
    ops = op if isinstance(op, list) else [op]
    flops = sum(op_flops(o) for o in ops)
    if flops > 0:
        peak = peaks.get(dtype, 0.0)
        if peak <= 0:
            return f"no {dtype} peak for {gpu}"
        rate = flops / time_s / 1e12
        if rate > peak:
            return f"{rate:.1f} TFLOP/s > dense {dtype} peak {peak}"
    nbytes = sum(op_hbm_bytes(o) for o in ops)
    if nbytes > 2 * l2_MiB * 2**20:
        bw = nbytes / time_s / 1e9
        if bw > hbm_GBps:
            return f"{bw:.0f} GB/s > HBM {hbm_GBps} GB/s"
    return None


# ---- rows ----

def fmt_time(t):
    return format(float(t), ".6g")


def row(source, gpu, family, dtype, op, time_s, split, timing, repository, commit, path, peer="",
        peer_prediction_s=None, note=""):
    if gpu not in GPUS:
        die(f"{gpu} is not a catalog slug")
    if family not in FAMILIES:
        die(f"unknown family {family}")
    if dtype not in DTYPES:
        die(f"unknown dtype {dtype}")
    if split not in ("fit", "test"):
        die(f"unknown split {split}")
    if not (time_s > 0):
        die(f"time must be positive ({source} {gpu} {op})")
    return {"id": None, "source": source, "gpu": gpu, "family": family, "dtype": dtype, "op": dump(op),
            "time_s": fmt_time(time_s), "split": split, "timing": timing, "repository": repository,
            "commit": commit, "path": path, "peer": peer,
            "peer_prediction_s": "" if peer_prediction_s is None else fmt_time(peer_prediction_s), "note": note}


class Collector:
    """Rows of one source; rows failing the physics check are counted, not written."""

    def __init__(self, source):
        self.source = source
        self.rows = []
        self.dropped = {}

    def add(self, r):
        reason = physics(r["gpu"], r["dtype"], json.loads(r["op"]), float(r["time_s"]))
        if reason is not None:
            key = reason.split(">")[-1].strip()
            self.dropped.setdefault(key, []).append(f"{r['gpu']} {r['op']}: {reason}")
            return False
        self.rows.append(r)
        return True

    def write(self, out_dir=None):
        out_dir = out_dir or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
        os.makedirs(out_dir, exist_ok=True)
        path = os.path.join(out_dir, f"{self.source}.csv")
        for i, r in enumerate(self.rows, 1):
            r["id"] = f"{self.source}-{i}"
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=HEADER, lineterminator="\n")
            w.writeheader()
            w.writerows(self.rows)
        fit = sum(r["split"] == "fit" for r in self.rows)
        print(f"{self.source}: {len(self.rows)} rows ({fit} fit, {len(self.rows) - fit} test) -> "
              f"{os.path.normpath(path)}")
        for reason, items in sorted(self.dropped.items()):
            print(f"  dropped {len(items)} rows by the physics check ({reason}), e.g. {items[0]}")
        return path
