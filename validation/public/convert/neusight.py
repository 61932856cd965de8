#!/usr/bin/env python3
"""NeuSight's public op dataset and traced-model ops -> data/neusight.csv.

usage: neusight.py MIRROR   (a git directory of github.com/sitar-lab/NeuSight)

What is read (all at COMMIT):
  scripts/asplos/data/dataset/{train,test}/{ln,softmax,elem}.csv     NeuSight's own split
  scripts/asplos/data/dataset/test/{bmm,linear}.csv                   test split
  scripts/asplos/data/dataset/train/collect/{bmm,linear}/p2.1.0/NVIDIA A100-PCIE-40GB.csv
      the per-GPU raw collection behind train/{bmm,linear}.csv (the merged files are
      over the mirror's size limit); the only catalog GPU in the train split
  scripts/asplos/data/dataset/train/collect/conv/p2.1.0/NVIDIA A100 80GB PCIe.csv   Conv2d
  scripts/asplos/label/<GPU>/<model>.csv   per-op forward latency of traced GPT-2 / GPT-3 /
      BERT / OPT graphs, with NeuSight's own prediction of the same node from
      scripts/asplos/results/prediction/<GPU>/neusight/<model>.csv

Reading of the collection code (neusight/Dataset/collect.py):
  bmm     torch.bmm(randn(B,M,N), randn(B,N,K)): output B x M x K, contraction N
  linear  torch.nn.Linear(N, K, bias=True) on randn(B,M,N): (B*M) x N times N x K
  ln      torch.nn.LayerNorm(H) (affine) on zeros(B,H)
  softmax torch.nn.Softmax() on zeros(B,H): dim=None on a 2-D tensor is dim 1 (rows of H)
  ln and softmax rows carry `row_length` H: one thread block per row (Grid x = B in the CSVs)
  add mul pow div     binary on two zeros(B,H) tensors
  addu mulu powu divu tanh relu gelu   unary on one zeros(B,H) tensor (u = with a scalar)
  conv    torch.nn.Conv2d(C_in, C_out, k, stride, padding, bias=False) on zeros(B,C_in,S,S)
All tensors are float32; cudnn.allow_tf32 = False and PyTorch 2.1's default
allow_tf32 = False for matmul, and the kernel names (sgemm, xmma f32f32) confirm FP32
arithmetic. `Latency` is CUDA-event milliseconds.
"""

import csv
import io
import json
import math
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as c  # noqa: E402

SOURCE = "neusight"
REPO = "sitar-lab/NeuSight"
COMMIT = "6945927d9afcca2b9daf021f8395e53edc5b4eef"
DS = "scripts/asplos/data/dataset"

DEVICES = {  # torch.cuda.get_device_name() as recorded -> catalog slug
    "NVIDIA A100-PCIE-40GB": "a100-pcie-40gb",
    "NVIDIA A100 80GB PCIe": "a100-pcie-80gb",
    "NVIDIA A100-SXM4-40GB": "a100-sxm4-40gb",
    # "H100 80GB HBM3" is the SXM5 board (the PCIe board reports "H100 PCIe").
    "NVIDIA H100 80GB HBM3": "h100-sxm5-80gb",
    "NVIDIA L4": "l4-24gb",
}
LABEL_DIRS = {"NVIDIA_A100-PCIE-40GB": "a100-pcie-40gb", "NVIDIA_A100_80GB_PCIe": "a100-pcie-80gb",
              "NVIDIA_H100_80GB_HBM3": "h100-sxm5-80gb", "NVIDIA_L4": "l4-24gb"}

TIMING = "CUDA events per call; mean of the 5 fastest of 25 (neusight/Dataset/collect.py)"
TIMING_TRACE = "CUDA events per call of the node alone; mean of the 5 fastest of 25 (neusight/Tracing/trace.py)"

BINARY = {"add", "mul", "pow", "div"}
UNARY = {"addu", "mulu", "powu", "divu", "tanh", "relu", "gelu"}

# Deterministic uniform subsamples that keep the committed CSV small: 1 in N shapes.
KEEP = {"test/bmm": 8, "test/linear": 4, "train/bmm": 20, "train/linear": 8, "conv": 12,
        "train/elem": 3, "test/elem": 3}

skipped = {}


def skip(why):
    skipped[why] = skipped.get(why, 0) + 1


def op_for(kind, r):
    if kind == "bmm":
        b, m, n, k = (int(r[x]) for x in "BMNK")
        return "gemm", c.gemm(m, k, n, batch=b, a="fp32", shared_b=False), "torch.bmm"
    if kind == "linear":
        b, m, n, k = (int(r[x]) for x in "BMNK")
        return "gemm", c.gemm(b * m, k, n, a="fp32"), "torch.nn.Linear with bias"
    b, h = int(r["B"]), int(r["H"])
    if kind == "ln":
        return "layernorm", c.pointwise("layernorm", b * h, 1, 1, "fp32", param_elements=2 * h), "torch.nn.LayerNorm"
    if kind == "softmax":
        return "softmax", c.pointwise("softmax", b * h, 1, 1, "fp32"), "torch.nn.Softmax over the last dim"
    name = r["OPName"]
    if name in BINARY:
        return "elementwise", c.pointwise("elementwise", b * h, 2, 1, "fp32"), f"torch.{name} of two tensors"
    if name in UNARY:
        return "elementwise", c.pointwise("elementwise", b * h, 1, 1, "fp32"), f"{name} (one tensor)"
    return None, None, None


# row-wise kernels: one row of H per thread block (the kernels' names in the CSVs); `row_length` is H
ROW_WISE = {"layernorm", "softmax"}

# catalog GPUs that appear only in NeuSight's test split
TEST_ONLY_GPUS = {"h100-sxm5-80gb", "a100-pcie-80gb", "l4-24gb"}


def dataset(col, mirror, path, kind, split, subsample_key):
    text = c.git_show(mirror, COMMIT, path)
    # NeuSight collected its train and test sets in separate runs; the host's dispatch inside the timed window
    # (the harness offset) is a property of the run, so the timing names it
    timing = f"{TIMING}; {'test' if '/dataset/test/' in path else 'train'}-set run"
    for r in csv.DictReader(io.StringIO(text)):
        gpu = DEVICES.get(r["Device"].strip())
        if gpu is None:
            skip(f"GPU not in the catalog ({r['Device'].strip()})")
            continue
        if kind == "conv":
            b, ci, co, k, s, st, p = (int(r[x]) for x in ("B", "Input_Channel", "Output_Channel", "Kernel_Szie",
                                                             "Input_Size", "Stride", "Padding"))
            if s + 2 * p < k:
                skip("conv with kernel larger than padded input")
                continue
            family, op = "conv", c.conv(b, ci, co, (1, s, s), (1, k, k), (1, st, st), (0, p, p), (0, p, p),
                                        (1, 1, 1), 1, "fp32")
            what = "torch.nn.Conv2d without bias, as a 3-D conv with depth 1"
        else:
            family, op, what = op_for(kind, r)
            if op is None:
                skip(f"unknown op {r['OPName']}")
                continue
        key = c.dump(op)
        if not c.keep(key, KEEP.get(subsample_key, 1)):
            skip("subsampled")
            continue
        row_split = split if split else c.hash_split(key)
        if family in ROW_WISE:
            op["row_length"] = int(r["H"])  # after the key: the split and subsample stay as before the field existed
        note = f"{what}; fp32 (TF32 off)"
        if split == "test" and gpu in TEST_ONLY_GPUS:
            # NeuSight holds these GPUs out entirely (its test set is unseen GPUs); vidperf's constants are per
            # GPU, so each needs a fit part of its own: NeuSight's test rows of these GPUs are split by shape hash
            row_split = c.hash_split(key + gpu)
            note += "; GPU absent from NeuSight's train split: split by shape hash"
        if kind == "conv":
            note += "; cudnn.benchmark on; no test split in the source: split by shape hash"
        col.add(c.row(SOURCE, gpu, family, "fp32", op, float(r["Latency"]) * 1e-3, row_split, timing, REPO, COMMIT,
                      path, note=note))


def numel(shape):
    return math.prod(shape) if shape else 1


def trace_op(opname, fwops, shapes, out_shape):
    """The op of one traced node, from NeuSight's own parse (`FwOps`) and the recorded shapes."""
    kind = fwops[0][0] if fwops else opname
    if kind == "Linear":
        rows, k_in, n_out = fwops[0][1]
        return "gemm", c.gemm(rows, n_out, k_in, a="fp32"), "linear layer with bias"
    if kind == "BMM":
        a, b = shapes[0], shapes[1]
        if len(a) != len(b) or a[:-2] != b[:-2] or a[-1] != b[-2]:
            return None, None, "matmul with broadcast batch dims"
        return "gemm", c.gemm(a[-2], b[-1], a[-1], batch=numel(a[:-2]), a="fp32", shared_b=False), "batched matmul"
    out = numel(out_shape)
    if kind == "VECln":
        return "layernorm", c.pointwise("layernorm", out, 1, 1, "fp32", param_elements=2 * out_shape[-1]), "LayerNorm"
    if kind == "VECsoftmax":
        return "softmax", c.pointwise("softmax", out, 1, 1, "fp32"), "softmax over the last dim"
    if kind.startswith("VEC"):
        full = 0
        for s in shapes:
            n = numel(s)
            if n == out:
                full += 1
            elif n != 1:
                return None, None, "elementwise op with a broadcast operand"
        if full == 0:
            return None, None, "elementwise op on scalars"
        return "elementwise", c.pointwise("elementwise", out, full, 1, "fp32"), f"{kind[3:]} elementwise"
    return None, None, None


def parse_shape_list(text):
    return [list(s) for s in json.loads(text)] if text.strip() else []


def parse_out_shape(text):
    t = text.strip().strip("()")
    return [int(x) for x in t.split(",") if x.strip()]


def traces(col, mirror):
    import ast
    for gdir, gpu in LABEL_DIRS.items():
        for path in c.git_ls(mirror, COMMIT, f"scripts/asplos/label/{gdir}"):
            name = path.rsplit("/", 1)[-1]
            if not name.endswith(".csv"):
                continue
            if name.startswith("switch"):
                skip("traced Switch-Transformer models (label files missing from the snapshot or unpaired)")
                continue
            pred_path = f"scripts/asplos/results/prediction/{gdir}/neusight/{name}"
            preds = {r["Name"]: r for r in csv.DictReader(io.StringIO(c.git_show(mirror, COMMIT, pred_path)))}
            model = name[:-4]
            for r in csv.DictReader(io.StringIO(c.git_show(mirror, COMMIT, path))):
                p = preds.get(r["Name"])
                if p is None or p["OpName"] in ("misc", "getitem", "output", "EMBEDDING", "contiguous", "dropout",
                                                "where", "cumsum"):
                    continue
                if r["dtype"] != "torch.float32":
                    skip("traced node not float32")
                    continue
                fwops = ast.literal_eval(p["FwOps"])
                family, op, what = trace_op(p["OpName"], fwops, parse_shape_list(r["input_shapes"]),
                                            parse_out_shape(r["output_shape"]))
                if op is None:
                    skip(f"traced node: {what or p['OpName']}")
                    continue
                split, trace_note = "test", ""
                if family in ROW_WISE:
                    # the trace harness (measure_cuda_kernel: events around the fx node's call) dispatches
                    # differently from collect.py's; its offset needs fit rows of its own: split by shape hash
                    split = c.hash_split(c.dump(op) + gpu + "|trace")
                    trace_note = "; trace rows of row-wise kernels split by shape hash (harness offset)"
                    op["row_length"] = int(parse_out_shape(r["output_shape"])[-1])
                t = float(r["fw_latency"]) * 1e-3
                if t <= 0:
                    skip("traced node with zero latency")
                    continue
                peer_t = float(p["fw_latency"]) * 1e-3
                note = f"{model}: node {r['Name']} ({what}), forward; fp32 (TF32 off){trace_note}"
                if peer_t <= 0:
                    note += "; NeuSight's prediction is 0"
                col.add(c.row(SOURCE, gpu, family, "fp32", op, t, split, TIMING_TRACE, REPO, COMMIT, path,
                              peer="neusight" if peer_t > 0 else "",
                              peer_prediction_s=peer_t if peer_t > 0 else None, note=note))


def main():
    if len(sys.argv) != 2:
        c.die(__doc__.strip().splitlines()[2])
    mirror = sys.argv[1]
    col = c.Collector(SOURCE)
    a100 = "NVIDIA A100-PCIE-40GB.csv"
    dataset(col, mirror, f"{DS}/train/collect/bmm/p2.1.0/{a100}", "bmm", "fit", "train/bmm")
    dataset(col, mirror, f"{DS}/train/collect/linear/p2.1.0/{a100}", "linear", "fit", "train/linear")
    dataset(col, mirror, f"{DS}/train/ln.csv", "ln", "fit", "train/ln")
    dataset(col, mirror, f"{DS}/train/softmax.csv", "softmax", "fit", "train/softmax")
    dataset(col, mirror, f"{DS}/train/elem.csv", "elem", "fit", "train/elem")
    dataset(col, mirror, f"{DS}/test/bmm.csv", "bmm", "test", "test/bmm")
    dataset(col, mirror, f"{DS}/test/linear.csv", "linear", "test", "test/linear")
    dataset(col, mirror, f"{DS}/test/ln.csv", "ln", "test", "test/ln")
    dataset(col, mirror, f"{DS}/test/softmax.csv", "softmax", "test", "test/softmax")
    dataset(col, mirror, f"{DS}/test/elem.csv", "elem", "test", "test/elem")
    dataset(col, mirror, f"{DS}/train/collect/conv/p2.1.0/NVIDIA A100 80GB PCIe.csv", "conv", None, "conv")
    traces(col, mirror)
    col.write()
    for why, n in sorted(skipped.items()):
        print(f"  left out {n}: {why}")


if __name__ == "__main__":
    main()
