#!/usr/bin/env python3
"""Vidur's profiling data (per-op timings of LLM layers, NCCL collectives) -> data/vidur.csv
and data/vidur-sarathi.csv (the ops the sarathi extension runs with its own CUDA kernels:
SiluAndMul, rotary embedding, RMSNorm; PyTorch runs the rest).

usage: vidur.py MIRROR   (a git directory of github.com/microsoft/vidur)

Compute: data/profiling/compute/{a100,h100}/<model>/mlp.csv at COMMIT. Each row is one
(model, num_tokens T, tensor-parallel degree t) of vidur/profiling/mlp/mlp_impl.py's
reference block, run in float16 (mlp_wrapper.py: model.to(torch.float16)), with the
block's ops timed separately. The converter rebuilds each op's shape from the model
dimensions the row itself carries (n_embd E, n_head H, n_kv_head Hkv,
n_expanded_embd F, use_gated_mlp) and the model's norm/bias settings in
vidur/config/model_config.py (head_dim d = E/H):
  attn_pre_proj   ColumnParallelLinear E -> (H + 2 Hkv) d / t     gemm m=T
  attn_post_proj  RowParallelLinear H d / t -> E                  gemm m=T
  mlp_up_proj     E -> 2F/t (gated SiLU) or F/t (GELU)            gemm m=T
  mlp_down_proj   F/t -> E                                         gemm m=T
  mlp_act         SiluAndMul (reads both halves, writes F/t) or GELU, per token
  input_layernorm, post_attention_layernorm   RMSNorm (E weights) or LayerNorm (phi-2)
  attn_rope       rotary embedding applied in place to q and k: (H + Hkv) d / t values
                  per token read and written, plus d cos/sin values per token
  add             residual add (phi-2: attn + mlp + residual, two adds)
The embedding lookup (`emb`) is not one of the op families and is left out.
Timing (default --profile_method record_function): torch.profiler; the sum of the CUDA
kernels' durations launched inside the op's record_function span; the block is repeated
20 times in one forward after one untimed forward, and the median of the 20 is used.

Network: data/profiling/network/<node>/{all_reduce,send_recv}.csv. A buffer of `size`
bytes of float16 per rank (collectives_impl.py); NCCL through torch.distributed, no CUDA
graph; the torch profiler's NCCL kernel durations over 11 back-to-back calls, their
median, repeated 3 times; the median of the 3 is used (collectives_wrapper.py). Only
single-node runs (num_workers == devices_per_node) are kept.

GPUs: docs/profiling.md says the a100 compute data serves both the "A100 80GB DGX" and
the 4xA100 80GB pairwise-NVLink node (Azure Standard_NC96ads_A100_v4), so its board is
not stated (SXM4 default); h100 is the "H100 DGX" (SXM5). Network: a100_dgx -> A100 SXM4
80GB, a100_pairwise_nvlink -> A100 80GB PCIe (that Azure node), h100_dgx -> H100 SXM5.
h100_pairwise_nvlink is left out: the board is not named and its send_recv.csv is
byte-identical to a100_pairwise_nvlink's. a40 is not in the catalog.
"""

import csv
import io
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as c  # noqa: E402

SOURCE = "vidur"
SOURCE_CUSTOM = "vidur-sarathi"
REPO = "microsoft/vidur"
COMMIT = "7d47513363ec447a741ac5e47241580b47724fbf"

COMPUTE_GPUS = {"a100": ("a100-sxm4-80gb", "A100 80GB, board not stated (SXM4 default)"),
                "h100": ("h100-sxm5-80gb", "H100 DGX")}
MODELS = {  # model -> (norm, uses bias in linear layers) from vidur/config/model_config.py
    "Qwen/Qwen-72B": ("rms", "qkv bias"),
    "codellama/CodeLlama-34b-Instruct-hf": ("rms", None),
    "internlm/internlm-20b": ("rms", None),
    "meta-llama/Llama-2-70b-hf": ("rms", None),
    "meta-llama/Llama-2-7b-hf": ("rms", None),
    "meta-llama/Meta-Llama-3-70B": ("rms", None),
    "meta-llama/Meta-Llama-3-8B": ("rms", None),
    "microsoft/phi-2": ("layer", "bias"),
}
NETWORKS = {
    "a100_dgx": ("a100-sxm4-80gb", "A100 80GB DGX, 8 GPUs on NVSwitch"),
    "a100_pairwise_nvlink": ("a100-pcie-80gb", "4x A100 80GB PCIe, NVLink bridges in pairs (Azure NC96ads_A100_v4)"),
    "h100_dgx": ("h100-sxm5-80gb", "H100 DGX, 8 GPUs on NVSwitch"),
}
TIMING_COMPUTE = ("torch.profiler kernel time inside the op's span; median of 20 repeats after 1 "
                  "warm-up forward (vidur/profiling/mlp)")
TIMING_NET = ("torch.profiler NCCL kernel time; median of 11 back-to-back calls, median of 3 "
              "such runs (vidur/profiling/collectives)")
KEEP_COMPUTE = 64  # 1 in 64 (model, tokens, tp) configurations
KEEP_NET = 24      # 1 in 24 message sizes

skipped = {}


def skip(why, n=1):
    skipped[why] = skipped.get(why, 0) + n


def compute_ops(r, norm, bias):
    T, t = int(r["num_tokens"]), int(r["num_tensor_parallel_workers"])
    E, H, Hkv, F = (int(r[k]) for k in ("n_embd", "n_head", "n_kv_head", "n_expanded_embd"))
    gated = r["use_gated_mlp"] == "True"
    d = E // H
    qkv_bias = "; with bias" if bias else ""
    lin_bias = "; with bias" if bias == "bias" else ""
    ops = {
        "attn_pre_proj": ("gemm", c.gemm(T, (H + 2 * Hkv) * d // t, E, a="fp16"), "QKV projection" + qkv_bias),
        "attn_post_proj": ("gemm", c.gemm(T, E, H * d // t, a="fp16"), "output projection" + lin_bias),
        "mlp_up_proj": ("gemm", c.gemm(T, (2 * F if gated else F) // t, E, a="fp16"),
                        ("gate+up projection" if gated else "up projection") + lin_bias),
        "mlp_down_proj": ("gemm", c.gemm(T, E, F // t, a="fp16"), "down projection" + lin_bias),
        "mlp_act": ("elementwise", c.pointwise("elementwise", T * F // t, 2 if gated else 1, 1, "fp16"),
                    "SiluAndMul" if gated else "GELU"),
        "attn_rope": ("elementwise", c.pointwise("elementwise", T * (H + Hkv) * d // t, 1, 1, "fp16",
                                                 param_elements=T * d), "rotary embedding on q and k, in place"),
    }
    if gated:
        ops["add"] = ("elementwise", c.pointwise("elementwise", T * E, 2, 1, "fp16"), "residual add")
    else:
        add = c.pointwise("elementwise", T * E, 2, 1, "fp16")
        ops["add"] = ("elementwise", [add, dict(add)], "attn + mlp + residual: two adds")
    for name in ("input_layernorm", "post_attention_layernorm"):
        if norm == "rms":
            ops[name] = ("rmsnorm", c.pointwise("rmsnorm", T * E, 1, 1, "fp16", param_elements=E), "RMSNorm")
        else:
            ops[name] = ("layernorm", c.pointwise("layernorm", T * E, 1, 1, "fp16", param_elements=2 * E),
                         "torch.nn.LayerNorm")
    return ops, f"T={T} tokens, TP={t}"


# ops run by the sarathi extension's own CUDA kernels (vLLM-derived: rms_norm, rotary_embedding,
# silu_and_mul), not by PyTorch's: a source of their own, vidur-sarathi, so that fits of framework
# pointwise kernels (what vidperf lowers) can tell them apart
SARATHI_KERNELS = {"mlp_act_gated", "attn_rope", "input_layernorm_rms", "post_attention_layernorm_rms"}


def compute(col, custom, mirror):
    for dev, (gpu, dev_note) in COMPUTE_GPUS.items():
        for model, (norm, bias) in MODELS.items():
            path = f"data/profiling/compute/{dev}/{model}/mlp.csv"
            if not c.git_ls(mirror, COMMIT, f"data/profiling/compute/{dev}/{model}"):
                continue  # not profiled on this GPU
            for r in csv.DictReader(io.StringIO(c.git_show(mirror, COMMIT, path))):
                cfg = f"{model}|{r['num_tokens']}|{r['num_tensor_parallel_workers']}"
                if not c.keep(cfg, KEEP_COMPUTE):
                    skip("compute configuration subsampled")
                    continue
                ops, where = compute_ops(r, norm, bias)
                for name, (family, op, what) in ops.items():
                    v = r.get(f"time_stats.{name}.median", "")
                    if v in ("", "nan"):
                        continue
                    key = c.dump(op) + gpu
                    if family in ("rmsnorm", "layernorm"):  # one row of E per token; after the key, as the split was
                        op["row_length"] = op["param_elements"] // (1 if family == "rmsnorm" else 2)
                    tag = name + ("_gated" if name == "mlp_act" and r["use_gated_mlp"] == "True" else "") + \
                        ("_rms" if name.endswith("layernorm") and norm == "rms" else "")
                    target, source = (custom, SOURCE_CUSTOM) if tag in SARATHI_KERNELS else (col, SOURCE)
                    target.add(c.row(source, gpu, family, "fp16", op, float(v) * 1e-3, c.hash_split(key),
                                  TIMING_COMPUTE, REPO, COMMIT, path,
                                  note=f"{model} {name}: {what}; {where}; {dev_note}"))


def network(col, mirror):
    for node, (gpu, node_note) in NETWORKS.items():
        for coll in ("all_reduce", "send_recv"):
            path = f"data/profiling/network/{node}/{coll}.csv"
            for r in csv.DictReader(io.StringIO(c.git_show(mirror, COMMIT, path))):
                n, per_node = int(r["num_workers"]), int(r["devices_per_node"])
                if n != per_node:
                    skip("collective across nodes")
                    continue
                size = int(r["size"])
                if not c.keep(f"{node}|{coll}|{n}|{size}", KEEP_NET):
                    skip("collective size subsampled")
                    continue
                link, link_note = "nvlink", ""
                if node == "a100_pairwise_nvlink" and n > 2:
                    link, link_note = "pcie", "; two NVLink pairs joined over PCIe (link: the slower one)"
                elif node == "a100_pairwise_nvlink":
                    link_note = "; ranks 0 and 1 (assumed to be one NVLink pair)"
                op = c.collective(coll, size // 2, n, "fp16", link)
                col.add(c.row(SOURCE, gpu, "collective", "fp16", op, float(r[f"time_stats.{coll}.median"]) * 1e-3,
                              c.hash_split(c.dump(op) + gpu), TIMING_NET, REPO, COMMIT, path,
                              note=f"{node_note}; {size} bytes per rank{link_note}"))


def main():
    if len(sys.argv) != 2:
        c.die(__doc__.strip().splitlines()[2])
    col = c.Collector(SOURCE)
    custom = c.Collector(SOURCE_CUSTOM)
    compute(col, custom, sys.argv[1])
    network(col, sys.argv[1])
    col.write()
    custom.write()
    for why, n in sorted(skipped.items()):
        print(f"  left out {n}: {why}")


if __name__ == "__main__":
    main()
