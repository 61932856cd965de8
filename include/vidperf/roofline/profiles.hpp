#pragma once
/// \file
/// Built-in calibration profiles.
///
/// - `datasheet`: the naive roofline, kept as the baseline every other profile
///   is judged against: every efficiency 1, no overhead, no L2 regime, no wave
///   quantisation, plain max. Valid for any GPU.
/// - `literature`: constants derived from published third-party
///   microbenchmarks (docs/calibration.md lists each figure, its source and
///   the arithmetic), for A100 (PCIe/SXM4, 40/80 GB), H100 (SXM5/PCIe) and
///   H200. A constant not measured on that exact part is marked `assumed` and
///   says which part it was carried over from. Other GPUs fall back to
///   `datasheet` and say so.
/// - `measured`: constants fitted from the calibration suite's raw files
///   (roofline/measured.hpp), for the GPUs that have been measured.
/// - `best`: `measured` where the GPU has one, else `literature`, else
///   `datasheet` (saying so). The CLI's default.
/// Constants come from microbenchmarks only, never from a model's end-to-end time.

#include <array>
#include <string_view>

#include <vidperf/core/error.hpp>
#include <vidperf/core/quantity.hpp>
#include <vidperf/roofline/calibration.hpp>
#include <vidperf/roofline/literature_fit.hpp>
#include <vidperf/roofline/measured.hpp>

namespace vidperf {

namespace detail {

inline constexpr provenance ideal{provenance_kind::datasheet, "ideal roofline: efficiency 1, no overhead"};

[[nodiscard]] constexpr calibrated<double> lit(double v, std::string_view src) {
    return {v, {provenance_kind::literature, src}, 0};
}
[[nodiscard]] constexpr calibrated<double> assumed(double v, std::string_view why) {
    return {v, {provenance_kind::assumed, why}, 0};
}
template <class Q>
[[nodiscard]] constexpr calibrated<Q> lit_q(Q v, std::string_view src) {
    return {v, {provenance_kind::literature, src}, 0};
}
template <class Q>
[[nodiscard]] constexpr calibrated<Q> assumed_q(Q v, std::string_view why) {
    return {v, {provenance_kind::assumed, why}, 0};
}

[[nodiscard]] constexpr calibration make_datasheet() {
    calibration c;
    c.profile = "datasheet";
    c.gpu_slug = "";
    for (auto& g : c.gemm_efficiency) g = {1.0, ideal, 0};
    c.gemm_tile_m = c.gemm_tile_n = c.gemm_split_k_min_k = c.gemm_ramp_dim = c.gemm_ramp_dim_fp32 = {0.0, ideal, 0};
    c.gemm_overhead = {seconds(0), ideal, 0};
    c.hbm_efficiency = {1.0, ideal, 0};
    for (auto& p : c.pointwise_efficiency) p = {1.0, ideal, 0};
    for (auto& h : c.pointwise_spill_bytes) h = {0.0, ideal, 0};
    c.softmax_single_stride_ratio = {0.0, ideal, 0};
    c.l2_bandwidth = {bytes_per_second(0), ideal, 0};
    c.l2_resident_lo = c.l2_resident_hi = {bytes(0), ideal, 0};
    for (auto& a : c.attention)
        a = {true, {1.0, ideal, 0}, {0.0, ideal, 0}, {1.0, ideal, 0}, {0.0, ideal, 0}, {0.0, ideal, 0}};
    c.conv_relative_efficiency = {1.0, ideal, 0};
    c.launch_overhead = {seconds(0), ideal, 0};
    c.combine_exponent = {0.0, ideal, 0};
    c.sustained_clock_ratio = {1.0, ideal, 0};
    c.pcie_efficiency = c.pageable_factor = c.nvlink_efficiency = {1.0, ideal, 0};
    c.collective_latency = {seconds(0), ideal, 0};
    c.collective_efficiency = c.all_to_all_efficiency = {1.0, ideal, 0};
    c.pcie_collective_efficiency = c.network_collective_efficiency = {1.0, ideal, 0};
    // not datasheet figures: the same assumptions in every built-in profile until a GPU is measured
    c.cuda_context = {bytes(0.5e9),
                      {provenance_kind::assumed,
                       "assumed: typical PyTorch CUDA context (300-600 MB in nvidia-smi); not yet measured"},
                      0};
    c.workspace = {bytes(32.0 * 1024 * 1024),
                   {provenance_kind::assumed, "assumed: cuBLAS workspace on Hopper (32 MiB, CUBLAS_WORKSPACE_CONFIG docs)"},
                   0};
    c.allocator_overhead = {1.10,
                            {provenance_kind::assumed,
                             "assumed: caching-allocator reserved/allocated ratio; to be fitted from measured "
                             "reserved/allocated"},
                            0};
    c.host_flops = {flops_per_second(2e12),
                    {provenance_kind::assumed,
                     "assumed: a two-socket server CPU running a PyTorch bf16 encoder at ~2 TFLOP/s sustained; not "
                     "measured"},
                    0};
    c.host_bandwidth = {bytes_per_second(200e9),
                        {provenance_kind::assumed, "assumed: ~200 GB/s sustained DDR5 over two sockets; not measured"},
                        0};
    return c;
}

// ---- sources (tags as in docs/calibration.md)
namespace src {
inline constexpr std::string_view mamf_a100_sxm =
    "MLE ml-engineering@744d01e compute/accelerator/README.md MAMF table: A100 SXM BF16 271.2 of 312 TFLOP/s";
inline constexpr std::string_view mamf_a100_pcie =
    "MLE ml-engineering@744d01e MAMF table: A100 PCIe BF16 252.9 of 312 TFLOP/s";
inline constexpr std::string_view mamf_h100 =
    "MLE ml-engineering@744d01e MAMF table: H100 SXM BF16 794.5 of 989 TFLOP/s";
inline constexpr std::string_view mamf_h200_bf16 =
    "MLE ml-engineering@744d01e MAMF table: H100 SXM BF16 794.5 TFLOP/s, 'H200 is the same' (author's statement)";
inline constexpr std::string_view mamf_h100_fp8 = "MLE ml-engineering@744d01e MAMF FP8 table: H100 SXM 1402.6 of 1979";
inline constexpr std::string_view mamf_h200_fp8 = "MLE ml-engineering@744d01e MAMF FP8 table: H200 SXM 1453.4 of 1979";
inline constexpr std::string_view blog_a100_fp16 =
    "NVIDIA blog 'CUDA 11 Features Revealed' Fig. 6: A100 FP16 and BF16 cuBLAS curves coincide";
inline constexpr std::string_view blog_a100_tf32 =
    "NVIDIA blog 'CUDA 11 Features Revealed' Fig. 6: A100 TF32 cuBLAS ~135 TFLOP/s at 8192^3 (chart read)";
inline constexpr std::string_view blog_a100_fp32 =
    "NVIDIA blog 'CUDA 11 Features Revealed' Fig. 6: non-tensor FP32 ~19 of 19.5 TFLOP/s (chart read)";
inline constexpr std::string_view xla_h100_tf32 =
    "XLA matmul_interpolator_data.h sm_90 f32xf32->f32 at 4096^3: 403.1 TFLOP/s (TF32 path), through the GEMM model";
inline constexpr std::string_view fit_h100_sweep =
    "least-squares fit of the GEMM model to XLA sm_90 BF16 sweep m=n=k 256..4096 (docs/calibration.md)";
inline constexpr std::string_view fit_a100_sweep =
    "least-squares fit of the GEMM model to Azure AI-benchmarking-guide@8fd0c6e ND_A100_v4 cuBLASLt FP16 sweep "
    "1024..16384 (docs/calibration.md)";
inline constexpr std::string_view az_h100_copy = "Azure AI-benchmarking-guide@8fd0c6e ND_H100_v5 BabelStream Copy 2.90 TB/s of 3.35";
inline constexpr std::string_view az_h200_copy = "Azure AI-benchmarking-guide@8fd0c6e ND_H200_v5 BabelStream Copy 4.01 TB/s of 4.8";
inline constexpr std::string_view a100_80_copy =
    "mean of Azure ND_A100_v4 BabelStream Copy 1.61 TB/s (0.790) and gpu-benches@1c36d50 a100_80 scale 1732 GB/s "
    "(0.849) of 2039 GB/s";
inline constexpr std::string_view gb_a100_40_copy = "gpu-benches@1c36d50 gpu-stream/a100_40.txt scale 1381 of 1555 GB/s";
inline constexpr std::string_view gb_h100_pcie_copy = "gpu-benches@1c36d50 gpu-stream/h100_pcie.txt scale 1704 of 2000 GB/s";
inline constexpr std::string_view gb_a100_l2 =
    "gpu-benches@1c36d50 gpu-l2-cache/a100_80.txt: ~5.4 TB/s plateau to 25.6 MB, DRAM asymptote from 76 MB";
inline constexpr std::string_view gb_h100_l2 =
    "gpu-benches@1c36d50 gpu-l2-cache/h100_pcie.txt: ~7.1 TB/s plateau to 34 MB, DRAM asymptote from 100 MB";
inline constexpr std::string_view gb_h200_l2 =
    "gpu-benches@1c36d50 gpu-l2-cache/h200.txt: ~10 TB/s plateau to 37 MB, DRAM asymptote from 110 MB";
inline constexpr std::string_view gb_launch_a100 =
    "gpu-benches@1c36d50 gpu-small-kernels repeated-stream fit: A100 80GB start-up a = 2555 ns";
inline constexpr std::string_view gb_launch_h200 =
    "gpu-benches@1c36d50 gpu-small-kernels repeated-stream fit: H200 start-up a = 2433 ns";
inline constexpr std::string_view fa3_fig5c_fa2 =
    "FA3 paper arXiv 2407.08608 Fig. 5(c) H100 FP16 fwd d=128 FA2 309..370 TFLOP/s, fit eta*s/(s+s_half)";
inline constexpr std::string_view fa3_fig5c_fa3 =
    "FA3 paper arXiv 2407.08608 Fig. 5(c) H100 FP16 fwd d=128 FA3 467..648 TFLOP/s, fit eta*s/(s+s_half)";
inline constexpr std::string_view fa3_fig5c_cudnn =
    "FA3 paper arXiv 2407.08608 Fig. 5(c) H100 FP16 fwd d=128 cuDNN 497..595 TFLOP/s, fit eta*s/(s+s_half)";
inline constexpr std::string_view fa2_h100_bwd =
    "FA-repo flash2_h100_fwd_bwd_benchmark.png d=128 fwd+bwd 338 TFLOP/s at 16k with fwd 376.9: bwd 324.6";
inline constexpr std::string_view fa3_bwd = "FA3 paper Fig. 6 largest d=128 backward label 561 vs forward 648 TFLOP/s";
inline constexpr std::string_view fa2_a100_fwd = "FA2 paper arXiv 2307.08691 sec. 4: A100 forward up to 230 TFLOP/s (73 %)";
inline constexpr std::string_view fa2_a100_seq =
    "FA-repo flash2_a100_fwd_bwd_benchmark.png d=128 fwd+bwd 173..203 TFLOP/s over 1k..16k, fit s_half";
inline constexpr std::string_view fa2_a100_bwd =
    "FA-repo A100 d=128 fwd+bwd 205.4 TFLOP/s (fit) with fwd 230: bwd 197, ratio 0.856";
inline constexpr std::string_view math_attention =
    "assumed: PyTorch math SDPA runs cuBLAS batched GEMMs (GEMM BF16 efficiency) plus materialised score traffic";
inline constexpr std::string_view efficient_as_fa2 =
    "assumed: no published figure for the memory-efficient SDPA kernel; FA2's constants (same tiling algorithm)";
inline constexpr std::string_view conv_h200 =
    "tile-ai/TileOPs issue #1998: H200 cuDNN conv3d NDHWC implicit-GEMM kernel 25.3 us for 7.25 GFLOP vs 9.4 us GEMM "
    "model at its implicit-GEMM shape 2048x256x6912";
inline constexpr std::string_view pageable =
    "MLE training/performance/README.md: pinned+non_blocking 0.459 s vs pageable 0.646 s (A100 80GB PCIe loop)";
inline constexpr std::string_view az_h100_h2d = "Azure ND_H100_v5 nvbandwidth H2D 51 GB/s of PCIe Gen5 x16 64 GB/s";
inline constexpr std::string_view az_h200_h2d = "Azure ND_H200_v5 nvbandwidth H2D 52 GB/s of PCIe Gen5 x16 64 GB/s";
inline constexpr std::string_view az_a100_h2d = "Azure ND_A100_v4 nvbandwidth H2D 26.28 GB/s of PCIe Gen4 x16 32 GB/s";
inline constexpr std::string_view p2p_a100 = "MLE network/README.md p2pBandwidthLatencyTest 8x A100 ~275 of 300 GB/s";
inline constexpr std::string_view p2p_h100 = "MLE network/README.md p2pBandwidthLatencyTest 8x H100 ~376 of 450 GB/s";
inline constexpr std::string_view p2p_h200 = "MLE network/README.md nvbandwidth 8x H200 CE write 396.40 of 450 GB/s";
inline constexpr std::string_view nccl_a100_lat = "MLE network/README.md nccl-tests 8x A100 all-reduce 32 KiB: 43.83 us";
inline constexpr std::string_view nccl_a100_bw = "MLE network/README.md nccl-tests 8x A100 all-reduce busbw 234.89 GB/s at 16 GiB";
inline constexpr std::string_view nccl_h100_lat = "Azure ND_H100_v5 nccl-tests all-reduce 1 KiB busbw 0.07 GB/s: ~26 us";
inline constexpr std::string_view nccl_h100_bw =
    "NVIDIA/nccl-tests issue #212 (maintainer): ~370 GB/s ring busbw on 8x H100 NVLink4";
inline constexpr std::string_view nccl_h200_lat = "Azure ND_H200_v5 nccl-tests all-reduce 1 KiB busbw 0.06 GB/s: ~30 us";
inline constexpr std::string_view nccl_h200_bw = "MLE network/README.md 8x H200 ring all-reduce busbw 367.2 GB/s (NVLS off)";
inline constexpr std::string_view gtc_a2a_a100 = "NVIDIA GTC25 S72583 slide 13: 8x A100 all-to-all busbw 210 GB/s";
inline constexpr std::string_view gtc_a2a_h100 = "NVIDIA GTC25 S72583 slide 13: 8x H100 all-to-all busbw 320 GB/s";
inline constexpr std::string_view gtc_pcie4 = "NVIDIA GTC24 S62129 / GTC25 S72583: 8 GPUs PCIe Gen4 all-reduce busbw 24 of 32 GB/s";
inline constexpr std::string_view gtc_pcie5 = "NVIDIA GTC24 S62129 / GTC25 S72583: 8 GPUs PCIe Gen5 all-reduce busbw 48 of 64 GB/s";
inline constexpr std::string_view h100_pcie_bridge =
    "NVIDIA/nccl issue #1161: 2x H100 PCIe with NVLink bridge all-reduce busbw ~115 of 300 GB/s";
inline constexpr std::string_view no_ridge_data =
    "assumed: no published ridge-point measurement; plain roofline max until calibration/ fits it";
inline constexpr std::string_view no_network_data =
    "assumed: no per-GPU inter-node figure in the literature set; link rate as given";
inline constexpr std::string_view split_k =
    "assumed: split-K only with at least 1024 of k per split (a typical cuBLAS/CUTLASS k-chunk); no published figure";
inline constexpr std::string_view sage_none = "no published SageAttention figure in the literature set";
inline constexpr std::string_view fa3_fig5_hd_fa2 =
    "FA3 paper arXiv 2407.08608 Fig. 5(a)/(c) H100 FP16 fwd non-causal 16k: FA2 d=64 324 vs d=128 370 TFLOP/s; "
    "d/(d+h) ratio 0.876 gives h = 21.2";
inline constexpr std::string_view fa3_fig5_hd_fa3 =
    "FA3 paper arXiv 2407.08608 Fig. 5(a)/(c) H100 FP16 fwd non-causal 16k: FA3 d=64 497 vs d=128 648 TFLOP/s; "
    "ratio 0.767 gives h = 55.8";
inline constexpr std::string_view fa3_fig5_hd_cudnn =
    "FA3 paper arXiv 2407.08608 Fig. 5(a)/(c) H100 FP16 fwd non-causal 16k: cuDNN d=64 413 vs d=128 595 TFLOP/s; "
    "ratio 0.694 gives h = 101";
inline constexpr std::string_view fa2_a100_hd =
    "FA-repo flash2_a100_fwd_bwd_benchmark.png non-causal 16k fwd+bwd: d=64 176 vs d=128 203 TFLOP/s; ratio 0.867 "
    "gives h = 23.2";
inline constexpr std::string_view pointwise_as_copy =
    "assumed: framework pointwise kernels at the streaming-copy efficiency (no per-kind figure for this GPU)";
inline constexpr std::string_view no_sustained =
    "assumed: no sustained-load clock figure for this GPU; burst clocks";
// sustained-load figures: docs/sustained-clocks.md has each source and the arithmetic
inline constexpr std::string_view sus_a100_sxm =
    "docs/sustained-clocks.md: huggingface/gpu-fryer README @704ba85 A100 SXM ~270 TFLOP/s bf16 over 60 s and Azure "
    "ND A100 v4 fp16 16384^3 256.5 after 10k warm-ups, each / MAMF 271.2: mean 0.97";
inline constexpr std::string_view sus_a100_pcie =
    "docs/sustained-clocks.md: huggingface/gpu-fryer A100-PCIE-40GB ~224 TFLOP/s bf16 over 60 s / MAMF A100 PCIe 252.9";
inline constexpr std::string_view sus_h100 =
    "docs/sustained-clocks.md: huggingface/gpu-fryer H100-SXM5 ~730 TFLOP/s bf16 8192^2 over 60 s / MAMF 794.5";
inline constexpr std::string_view sus_l4 =
    "docs/sustained-clocks.md: zzc0721/torch-performance-test-data #120 L4 bf16 10240^3 56.90 (1.5 s run) / "
    "2048^3 70.89 TFLOP/s";
inline constexpr std::string_view sus_4090 =
    "docs/sustained-clocks.md: zzc0721/torch-performance-test-data #78 RTX 4090 bf16 158.54/164.81, fp16 "
    "156.88/168.38 (long/short runs): mean 0.947";
inline constexpr std::string_view sus_b200 =
    "docs/sustained-clocks.md: flashinfer PR #2899 B200 FA4 bf16 back to back 1237 vs 1450 TFLOP/s (SM clock "
    "1965 -> ~1580 MHz)";
// GEMM peaks of the torch-performance-test-data table (database.md @9d82827): torch.mm of m=n=k in
// {1024, 2048, 4096, 8192, 10240}, 10 warm-ups, 30 timed with CUDA events; the best size is reported
inline constexpr std::string_view db_4090 =
    "zzc0721/torch-performance-test-data@9d82827 database.md: RTX 4090 24GB bf16 best-size torch.mm, median of 7 "
    "entries 164.8 of 165.2 TFLOP/s (entries reach 173.3: the card boosts above the datasheet clock)";
inline constexpr std::string_view db_4090_fp32 =
    "zzc0721/torch-performance-test-data@9d82827 database.md: RTX 4090 24GB fp32 best-size torch.mm, median of 7 "
    "entries 54.7 of 82.6 TFLOP/s";
inline constexpr std::string_view db_l40s =
    "zzc0721/torch-performance-test-data@9d82827 database.md: L40S bf16 best-size torch.mm 269.15 of 362.1 TFLOP/s "
    "(one entry)";
inline constexpr std::string_view db_l4 =
    "zzc0721/torch-performance-test-data@9d82827 database.md: L4 bf16 best-size torch.mm 70.89 of 121 TFLOP/s "
    "(one entry; 2048^3, short run)";
inline constexpr std::string_view db_h100_pcie =
    "zzc0721/torch-performance-test-data@9d82827 database.md: H100 PCIe bf16 best-size torch.mm 495.93 of 756 "
    "TFLOP/s (one entry)";
inline constexpr std::string_view tvm_fa_4090 =
    "apache/tvm tl_doc/flash_perf.md: RTX 4090 flash_attn forward non-causal seq 2k d=128 169.28, d=64 168.91 "
    "TFLOP/s (above the 165.2 datasheet peak: held at 1); backward d=128 124.57";
inline constexpr std::string_view gb_l40_copy =
    "gpu-benches@1c36d50 gpu-stream/l40.txt scale 816 of 864 GB/s (L40: the L40S's AD102 board and 48 GB GDDR6)";
} // namespace src

/// Shared structure of every literature profile: Hopper numbers, replaced per GPU below.
[[nodiscard]] constexpr calibration make_literature_hopper(std::string_view slug) {
    calibration c = make_datasheet();
    c.profile = "literature";
    c.gpu_slug = slug;
    using cc = compute_class;
    auto set = [&](cc k, calibrated<double> v) { c.gemm_efficiency[static_cast<std::size_t>(k)] = v; };
    set(cc::fp32, assumed(19.0 / 19.5, "assumed: A100's non-tensor FP32 fraction (NVIDIA CUDA 11 blog Fig. 6)"));
    set(cc::tf32, lit(0.848, src::xla_h100_tf32));
    set(cc::bf16, lit(794.5 / 989.4, src::mamf_h100));
    set(cc::fp16, assumed(794.5 / 989.4, "assumed: as BF16 (same tensor-core rate; A100 curves coincide)"));
    set(cc::fp8, lit(1402.6 / 1978.9, src::mamf_h100_fp8));
    set(cc::int8, assumed(1402.6 / 1978.9, "assumed: as FP8 (same dense peak on Hopper)"));
    set(cc::int4, {0.0, ideal, 0});
    c.gemm_tile_m = lit(128, src::fit_h100_sweep);
    c.gemm_tile_n = lit(128, src::fit_h100_sweep);
    c.gemm_split_k_min_k = assumed(1024, src::split_k);
    c.gemm_ramp_dim = lit(0, src::fit_h100_sweep);
    c.gemm_overhead = lit_q(seconds(3.5e-6), src::fit_h100_sweep);
    c.hbm_efficiency = lit(2.90 / 3.35, src::az_h100_copy);
    for (auto& p : c.pointwise_efficiency) p = assumed(c.hbm_efficiency.value, src::pointwise_as_copy);
    c.l2_bandwidth = assumed_q(bytes_per_second(7.1e12), "assumed: measured on H100 PCIe (gpu-benches h100_pcie)");
    c.l2_resident_lo = assumed_q(bytes(34e6), "assumed: measured on H100 PCIe (gpu-benches h100_pcie)");
    c.l2_resident_hi = assumed_q(bytes(100e6), "assumed: measured on H100 PCIe (gpu-benches h100_pcie)");
    auto att = [&](attention_kernel k) -> attention_calibration<double>& {
        return c.attention[static_cast<std::size_t>(k)];
    };
    att(attention_kernel::fa2) = {true, lit(376.9 / 989.4, src::fa3_fig5c_fa2), lit(104, src::fa3_fig5c_fa2),
                                  lit(324.6 / 376.9, src::fa2_h100_bwd), lit(21.2, src::fa3_fig5_hd_fa2)};
    att(attention_kernel::fa3) = {true, lit(669.3 / 989.4, src::fa3_fig5c_fa3), lit(210, src::fa3_fig5c_fa3),
                                  lit(561.0 / 648.0, src::fa3_bwd), lit(55.8, src::fa3_fig5_hd_fa3)};
    att(attention_kernel::cudnn) = {true, lit(619.3 / 989.4, src::fa3_fig5c_cudnn), lit(110, src::fa3_fig5c_cudnn),
                                    assumed(324.6 / 376.9, "assumed: FA2's backward ratio (no cuDNN backward figure)"),
                                    lit(101, src::fa3_fig5_hd_cudnn)};
    att(attention_kernel::sdpa_math) = {true, assumed(794.5 / 989.4, src::math_attention),
                                        assumed(0, src::math_attention), assumed(1.0, src::math_attention),
                                        assumed(0, src::math_attention)};
    att(attention_kernel::sdpa_efficient) = att(attention_kernel::fa2);
    att(attention_kernel::sdpa_efficient).efficiency.from = {provenance_kind::assumed, src::efficient_as_fa2};
    att(attention_kernel::sdpa_efficient).seq_half.from = {provenance_kind::assumed, src::efficient_as_fa2};
    att(attention_kernel::sdpa_efficient).backward_ratio.from = {provenance_kind::assumed, src::efficient_as_fa2};
    att(attention_kernel::sdpa_efficient).head_dim_half.from = {provenance_kind::assumed, src::efficient_as_fa2};
    att(attention_kernel::sage) = {false, assumed(0, src::sage_none), assumed(0, src::sage_none),
                                   assumed(0, src::sage_none), assumed(0, src::sage_none)};
    for (auto& a : c.attention)
        a.causal_ratio = assumed(0, "assumed: no causal figure for this kernel on this GPU (taken as 1)");
    c.conv_relative_efficiency = assumed(9.4 / 25.3, "assumed: measured on H200 (tile-ai/TileOPs #1998)");
    c.launch_overhead = assumed_q(seconds(2.433e-6), "assumed: measured on H200 (gpu-benches small-kernels fit)");
    c.combine_exponent = assumed(0, src::no_ridge_data);
    c.sustained_clock_ratio = lit(0.92, src::sus_h100);
    c.pcie_efficiency = lit(51.0 / 64.0, src::az_h100_h2d);
    c.pageable_factor = assumed(0.459 / 0.646, src::pageable);
    c.nvlink_efficiency = lit(376.0 / 450.0, src::p2p_h100);
    c.collective_latency = lit_q(seconds(26e-6), src::nccl_h100_lat);
    c.collective_efficiency = lit(370.0 / 450.0, src::nccl_h100_bw);
    c.all_to_all_efficiency = lit(320.0 / 450.0, src::gtc_a2a_h100);
    c.pcie_collective_efficiency = lit(48.0 / 64.0, src::gtc_pcie5);
    c.network_collective_efficiency = assumed(1.0, src::no_network_data);
    return c;
}

[[nodiscard]] constexpr calibration make_literature_h100_sxm() { return make_literature_hopper("h100-sxm5-80gb"); }

[[nodiscard]] constexpr calibration make_literature_h100_pcie() {
    calibration c = make_literature_hopper("h100-pcie-80gb");
    constexpr std::string_view from_sxm = "assumed: H100 SXM figure carried over (the PCIe part runs at 350 W)";
    for (auto& g : c.gemm_efficiency)
        if (g.value > 0) g.from = {provenance_kind::assumed, from_sxm};
    c.gemm_tile_m.from = c.gemm_tile_n.from = c.gemm_ramp_dim.from = c.gemm_overhead.from = {provenance_kind::assumed,
                                                                                              from_sxm};
    for (auto& a : c.attention) {
        a.efficiency.from = {provenance_kind::assumed, from_sxm};
        a.seq_half.from = a.backward_ratio.from = a.head_dim_half.from = a.efficiency.from;
    }
    c.hbm_efficiency = lit(1704.0 / 2000.0, src::gb_h100_pcie_copy);
    for (auto& p : c.pointwise_efficiency) p = assumed(c.hbm_efficiency.value, src::pointwise_as_copy);
    c.l2_bandwidth = lit_q(bytes_per_second(7.1e12), src::gb_h100_l2);
    c.l2_resident_lo = lit_q(bytes(34e6), src::gb_h100_l2);
    c.l2_resident_hi = lit_q(bytes(100e6), src::gb_h100_l2);
    c.pcie_efficiency.from = {provenance_kind::assumed, from_sxm};
    c.nvlink_efficiency.from = {provenance_kind::assumed, from_sxm};
    c.collective_latency.from = {provenance_kind::assumed, from_sxm};
    c.collective_efficiency = lit(115.0 / 300.0, src::h100_pcie_bridge);
    c.all_to_all_efficiency = assumed(115.0 / 300.0, "assumed: the bridge's all-reduce figure (nccl #1161)");
    c.gemm_efficiency[static_cast<std::size_t>(compute_class::bf16)] = lit(495.93 / 756.0, src::db_h100_pcie);
    c.gemm_efficiency[static_cast<std::size_t>(compute_class::fp16)] =
        assumed(495.93 / 756.0, "assumed: as BF16 (same tensor-core rate)");
    c.sustained_clock_ratio = assumed(0.89, "assumed: A100 PCIe's sustained ratio (docs/sustained-clocks.md; a "
                                            "monitoring tool's H100 PCIe clocks agree)");
    return c;
}

[[nodiscard]] constexpr calibration make_literature_h200() {
    calibration c = make_literature_hopper("h200-sxm-141gb");
    c.gemm_efficiency[static_cast<std::size_t>(compute_class::bf16)] = lit(794.5 / 989.4, src::mamf_h200_bf16);
    c.gemm_efficiency[static_cast<std::size_t>(compute_class::fp8)] = lit(1453.4 / 1978.9, src::mamf_h200_fp8);
    c.gemm_efficiency[static_cast<std::size_t>(compute_class::int8)] =
        assumed(1453.4 / 1978.9, "assumed: as FP8 (same dense peak on Hopper)");
    constexpr std::string_view from_h100 =
        "assumed: H100 SXM figure carried over (same GH100 compute; Azure FA2 H200 329.3 vs H100 327.9 TFLOP/s)";
    for (auto& a : c.attention) {
        if (!a.available) continue;
        a.efficiency.from = a.seq_half.from = a.backward_ratio.from = a.head_dim_half.from = {provenance_kind::assumed,
                                                                                             from_h100};
    }
    c.hbm_efficiency = lit(4.01 / 4.8, src::az_h200_copy);
    for (auto& p : c.pointwise_efficiency) p = assumed(c.hbm_efficiency.value, src::pointwise_as_copy);
    c.l2_bandwidth = lit_q(bytes_per_second(10.0e12), src::gb_h200_l2);
    c.l2_resident_lo = lit_q(bytes(37e6), src::gb_h200_l2);
    c.l2_resident_hi = lit_q(bytes(110e6), src::gb_h200_l2);
    c.conv_relative_efficiency = lit(9.4 / 25.3, src::conv_h200);
    c.launch_overhead = lit_q(seconds(2.433e-6), src::gb_launch_h200);
    c.pcie_efficiency = lit(52.0 / 64.0, src::az_h200_h2d);
    c.nvlink_efficiency = lit(396.4 / 450.0, src::p2p_h200);
    c.collective_latency = lit_q(seconds(30e-6), src::nccl_h200_lat);
    c.collective_efficiency = lit(367.2 / 450.0, src::nccl_h200_bw);
    c.all_to_all_efficiency = assumed(320.0 / 450.0, "assumed: H100 NVLink4 all-to-all figure (GTC25)");
    c.sustained_clock_ratio = assumed(0.92, "assumed: H100 SXM's sustained ratio (same GH100 at 700 W)");
    return c;
}

/// A100 family: `pcie` picks the SXM or PCIe MAMF entry; memory figures per part.
[[nodiscard]] constexpr calibration make_literature_a100(std::string_view slug, bool pcie,
                                                         calibrated<double> hbm_efficiency, bool l2_measured_here) {
    calibration c = make_literature_hopper(slug);
    using cc = compute_class;
    auto set = [&](cc k, calibrated<double> v) { c.gemm_efficiency[static_cast<std::size_t>(k)] = v; };
    const double bf16 = pcie ? 252.9 / 312.0 : 271.2 / 312.0;
    set(cc::fp32, lit(19.0 / 19.5, src::blog_a100_fp32));
    set(cc::tf32, lit(135.0 / 156.0, src::blog_a100_tf32));
    set(cc::bf16, lit(bf16, pcie ? src::mamf_a100_pcie : src::mamf_a100_sxm));
    set(cc::fp16, lit(bf16, src::blog_a100_fp16));
    set(cc::fp8, {0.0, ideal, 0});
    set(cc::int8, assumed(bf16, "assumed: as BF16 (no published A100 INT8 GEMM sweep in the literature set)"));
    set(cc::int4, assumed(bf16, "assumed: as BF16 (no published A100 INT4 GEMM sweep in the literature set)"));
    c.gemm_tile_m = lit(128, src::fit_a100_sweep);
    c.gemm_tile_n = lit(128, src::fit_a100_sweep);
    c.gemm_ramp_dim = lit(64, src::fit_a100_sweep);
    c.gemm_overhead = lit_q(seconds(3.5e-6), src::fit_a100_sweep);
    c.hbm_efficiency = hbm_efficiency;
    for (auto& p : c.pointwise_efficiency) p = assumed(c.hbm_efficiency.value, src::pointwise_as_copy);
    if (l2_measured_here) {
        c.l2_bandwidth = lit_q(bytes_per_second(5.4e12), src::gb_a100_l2);
        c.l2_resident_lo = lit_q(bytes(25.6e6), src::gb_a100_l2);
        c.l2_resident_hi = lit_q(bytes(76e6), src::gb_a100_l2);
    } else {
        constexpr std::string_view why = "assumed: measured on A100 80GB (gpu-benches a100_80; same 40 MB L2)";
        c.l2_bandwidth = assumed_q(bytes_per_second(5.4e12), why);
        c.l2_resident_lo = assumed_q(bytes(25.6e6), why);
        c.l2_resident_hi = assumed_q(bytes(76e6), why);
    }
    auto att = [&](attention_kernel k) -> attention_calibration<double>& {
        return c.attention[static_cast<std::size_t>(k)];
    };
    att(attention_kernel::fa2) = {true, lit(230.0 / 312.0, src::fa2_a100_fwd), lit(194, src::fa2_a100_seq),
                                  lit(197.0 / 230.0, src::fa2_a100_bwd), lit(23.2, src::fa2_a100_hd)};
    constexpr std::string_view no_fa3 = "FlashAttention-3 needs Hopper (sm_90)";
    att(attention_kernel::fa3) = {false, assumed(0, no_fa3), assumed(0, no_fa3), assumed(0, no_fa3),
                                  assumed(0, no_fa3)};
    att(attention_kernel::cudnn) = att(attention_kernel::fa2);
    constexpr std::string_view cudnn_why = "assumed: FA2's A100 constants (no published A100 cuDNN SDPA figure)";
    att(attention_kernel::cudnn).efficiency.from = att(attention_kernel::cudnn).seq_half.from =
        att(attention_kernel::cudnn).backward_ratio.from = att(attention_kernel::cudnn).head_dim_half.from = {
            provenance_kind::assumed, cudnn_why};
    att(attention_kernel::sdpa_math) = {true, assumed(bf16, src::math_attention), assumed(0, src::math_attention),
                                        assumed(1.0, src::math_attention), assumed(0, src::math_attention)};
    att(attention_kernel::sdpa_efficient) = att(attention_kernel::fa2);
    att(attention_kernel::sdpa_efficient).efficiency.from = att(attention_kernel::sdpa_efficient).seq_half.from =
        att(attention_kernel::sdpa_efficient).backward_ratio.from =
            att(attention_kernel::sdpa_efficient).head_dim_half.from = {provenance_kind::assumed,
                                                                        src::efficient_as_fa2};
    for (auto& a : c.attention)
        a.causal_ratio = assumed(0, "assumed: no causal figure for this kernel on this GPU (taken as 1)");
    c.conv_relative_efficiency = assumed(9.4 / 25.3, "assumed: measured on H200 (tile-ai/TileOPs #1998)");
    c.launch_overhead = lit_q(seconds(2.555e-6), src::gb_launch_a100);
    c.pcie_efficiency = lit(26.28 / 32.0, src::az_a100_h2d);
    c.nvlink_efficiency = lit(275.0 / 300.0, src::p2p_a100);
    c.collective_latency = lit_q(seconds(43.83e-6), src::nccl_a100_lat);
    c.collective_efficiency = lit(234.89 / 300.0, src::nccl_a100_bw);
    c.all_to_all_efficiency = lit(210.0 / 300.0, src::gtc_a2a_a100);
    c.pcie_collective_efficiency = lit(24.0 / 32.0, src::gtc_pcie4);
    if (pcie)
        c.sustained_clock_ratio = slug == "a100-pcie-40gb"
                                      ? lit(0.89, src::sus_a100_pcie)
                                      : assumed(0.89, "assumed: A100 PCIe 40GB's sustained ratio (same 300 W board)");
    else
        c.sustained_clock_ratio = slug == "a100-sxm4-80gb"
                                      ? lit(0.97, src::sus_a100_sxm)
                                      : assumed(0.97, "assumed: A100 SXM4 80GB's sustained ratio (same 400 W part)");
    if (pcie) {
        constexpr std::string_view why = "assumed: SXM4 NVLink figure; PCIe cards use a 2-GPU bridge";
        c.nvlink_efficiency.from = c.collective_efficiency.from = c.all_to_all_efficiency.from = {
            provenance_kind::assumed, why};
        c.collective_latency.from = {provenance_kind::assumed, why};
    }
    return c;
}


/// Every constant of `c` marked assumed, carried over from another part (`why`).
constexpr void carry_over(calibration& c, std::string_view why) {
    for_each_constant(c, [&](std::string_view, auto& k) {
        if (k.from.kind != provenance_kind::datasheet || k.value != decltype(k.value){})
            k.from = {provenance_kind::assumed, why};
    });
}

/// H800 SXM5: the H100 SXM5's GH100 compute and HBM3 with NVLink cut to 400 GB/s.
[[nodiscard]] constexpr calibration make_literature_h800() {
    calibration c = make_literature_hopper("h800-sxm5-80gb");
    carry_over(c, "assumed: H100 SXM5 figure carried over (same GH100 compute and HBM3; NVLink 400 GB/s)");
    return c;
}

/// B200: no published microbenchmark in the literature set beyond GEMMs (the corpus fit) and its sustained
/// clocks; the rest is carried over from H100 SXM5, marked assumed.
[[nodiscard]] constexpr calibration make_literature_b200() {
    calibration c = make_literature_hopper("b200-sxm-180gb");
    carry_over(c, "assumed: H100 SXM5 figure carried over (no published B200 figure in the literature set)");
    c.sustained_clock_ratio = lit(0.85, src::sus_b200);
    return c;
}

/// Ada boards (L4, L40S, RTX 4090): GEMM from the torch-performance-test-data table, sustained clocks from
/// docs/sustained-clocks.md, copy efficiency of the L40's GDDR6 board; tiles, overheads and attention
/// carried over from A100, marked assumed.
[[nodiscard]] constexpr calibration make_literature_ada(std::string_view slug, calibrated<double> bf16,
                                                        calibrated<double> sustained_ratio) {
    calibration c = make_literature_a100(slug, false, lit(816.0 / 864.0, src::gb_l40_copy), false);
    carry_over(c, "assumed: A100 SXM4 80GB figure carried over (no published figure for this Ada board)");
    using cc = compute_class;
    auto set = [&](cc k, calibrated<double> v) { c.gemm_efficiency[static_cast<std::size_t>(k)] = v; };
    constexpr std::string_view as_bf16 = "assumed: as BF16 (no published figure for this class on this board)";
    set(cc::bf16, bf16);
    set(cc::fp16, assumed(bf16.value, as_bf16));
    set(cc::tf32, assumed(bf16.value, as_bf16));
    set(cc::fp8, assumed(bf16.value, as_bf16));
    set(cc::int8, assumed(bf16.value, as_bf16));
    c.hbm_efficiency = assumed(816.0 / 864.0, src::gb_l40_copy);
    for (auto& p : c.pointwise_efficiency) p = assumed(c.hbm_efficiency.value, src::pointwise_as_copy);
    // attention: the board's GEMM efficiency times A100's FA2 / GEMM ratio (0.737 / 0.869)
    constexpr std::string_view att_why =
        "assumed: this board's BF16 GEMM efficiency x A100's FA2 / GEMM efficiency ratio (230/312 over 271.2/312)";
    for (const auto k : {attention_kernel::fa2, attention_kernel::cudnn, attention_kernel::sdpa_efficient}) {
        auto& a = c.attention[static_cast<std::size_t>(k)];
        a.efficiency = assumed(bf16.value * (230.0 / 271.2), att_why);
    }
    c.sustained_clock_ratio = sustained_ratio;
    return c;
}

[[nodiscard]] constexpr calibration make_literature_rtx4090() {
    calibration c = make_literature_ada("rtx4090-24gb", lit(164.8 / 165.2, src::db_4090), lit(0.95, src::sus_4090));
    c.gemm_efficiency[static_cast<std::size_t>(compute_class::fp32)] = lit(54.7 / 82.6, src::db_4090_fp32);
    auto& fa2 = c.attention[static_cast<std::size_t>(attention_kernel::fa2)];
    fa2.efficiency = lit(1.0, src::tvm_fa_4090);
    fa2.head_dim_half = lit(0.0, src::tvm_fa_4090);
    fa2.backward_ratio = lit(124.57 / 169.28, src::tvm_fa_4090);
    return c;
}

[[nodiscard]] constexpr calibration make_literature_l40s() {
    return make_literature_ada("l40s-48gb", lit(269.15 / 362.1, src::db_l40s),
                               assumed(0.89, "assumed: A100 PCIe's sustained ratio (docs/sustained-clocks.md: "
                                             "similar watts per SM)"));
}

[[nodiscard]] constexpr calibration make_literature_l4() {
    return make_literature_ada("l4-24gb", lit(70.89 / 121.0, src::db_l4), lit(0.80, src::sus_l4));
}

} // namespace detail

/// The ideal roofline, valid for any GPU.
inline constexpr calibration datasheet_calibration = detail::make_datasheet();

namespace detail {

/// The literature profiles before the corpus fit is applied: what vidperf_validate --fit-public starts from.
inline constexpr std::array<calibration, 13> literature_bases{{
    make_literature_a100("a100-sxm4-80gb", false, lit(0.82, src::a100_80_copy), true),
    make_literature_a100("a100-sxm4-40gb", false, lit(1381.0 / 1555.0, src::gb_a100_40_copy), false),
    make_literature_a100("a100-pcie-80gb", true,
                         assumed(0.82, "assumed: A100 SXM4 80GB copy efficiency (same HBM2e type)"), false),
    make_literature_a100("a100-pcie-40gb", true, lit(1381.0 / 1555.0, src::gb_a100_40_copy), false),
    make_literature_h100_sxm(),
    make_literature_h100_pcie(),
    make_literature_h200(),
    make_literature_h800(),
    make_literature_b200(),
    make_literature_rtx4090(),
    make_literature_l40s(),
    make_literature_l4(),
    [] {
        calibration c = make_literature_h100_pcie();
        c.gpu_slug = "h100-nvl-94gb";
        carry_over(c, "assumed: H100 PCIe figure carried over (the NVL board: same GH100 at 350-400 W)");
        return c;
    }(),
}};

[[nodiscard]] constexpr const calibration* find_literature_base(std::string_view gpu_slug) noexcept {
    for (const auto& c : literature_bases)
        if (c.gpu_slug == gpu_slug) return &c;
    return nullptr;
}

/// Norm and softmax efficiencies of a GPU without framework measurements of its own: its elementwise efficiency
/// times the ratio the reference GPU's corpus fit found (NeuSight's PyTorch kernels on A100 PCIe 40GB), and the
/// reference GPU's spill half-points and softmax single-stride ratio; RMSNorm, which no framework source measures,
/// as LayerNorm (the same row-reduction kernel without the mean).
constexpr void carry_norm_ratios(calibration& c, const calibration& ref) {
    auto& el = c.pointwise_efficiency[static_cast<std::size_t>(pointwise_kind::elementwise)];
    const auto& ref_el = ref.pointwise(pointwise_kind::elementwise);
    // per row-wise kind: the efficiency as the reference GPU's ratio to elementwise, and the row size past which a
    // row spills from L1 as the reference GPU's (not scaled by L1 size: the half-point also depends on how many
    // blocks an SM keeps resident); each only where this GPU has no fit of its own
    for (const auto k : {pointwise_kind::layernorm, pointwise_kind::softmax}) {
        const bool ln = k == pointwise_kind::layernorm;
        auto& e = c.pointwise_efficiency[static_cast<std::size_t>(k)];
        if (e.from.kind != provenance_kind::literature && ref.pointwise(k).from.kind == provenance_kind::literature)
            e = {el.value * ref.pointwise(k).value / ref_el.value,
                 {provenance_kind::assumed, ln ? "assumed: this GPU's elementwise efficiency x A100 PCIe 40GB's fitted "
                                                 "LayerNorm / elementwise ratio"
                                               : "assumed: this GPU's elementwise efficiency x A100 PCIe 40GB's fitted "
                                                 "softmax / elementwise ratio"},
                 0};
        auto& h = c.pointwise_spill_bytes[static_cast<std::size_t>(k)];
        if (h.from.kind != provenance_kind::literature && ref.spill(k).from.kind == provenance_kind::literature)
            h = {ref.spill(k).value,
                 {provenance_kind::assumed, ln ? "assumed: A100 PCIe 40GB's fitted LayerNorm spill row size"
                                               : "assumed: A100 PCIe 40GB's fitted softmax spill row size"},
                 0};
    }
    // the single-stride ratio belongs to PyTorch's softmax kernel on an SM: the reference GPU's where this has none
    auto& single = c.softmax_single_stride_ratio;
    if (single.from.kind != provenance_kind::literature &&
        ref.softmax_single_stride_ratio.from.kind == provenance_kind::literature)
        single = {ref.softmax_single_stride_ratio.value,
                  {provenance_kind::assumed, "assumed: A100 PCIe 40GB's softmax single-stride ratio"},
                  0};
    auto& rms = c.pointwise_efficiency[static_cast<std::size_t>(pointwise_kind::rmsnorm)];
    if (rms.from.kind != provenance_kind::literature)
        rms = {c.pointwise(pointwise_kind::layernorm).value,
               {provenance_kind::assumed,
                "assumed: as LayerNorm (no framework RMSNorm measurement: the same row reduction without the mean)"},
               0};
    auto& rms_spill = c.pointwise_spill_bytes[static_cast<std::size_t>(pointwise_kind::rmsnorm)];
    if (rms_spill.from.kind != provenance_kind::literature)
        rms_spill = {c.spill(pointwise_kind::layernorm).value,
                     {provenance_kind::assumed, "assumed: as LayerNorm (the same two passes over a row)"},
                     0};
}

[[nodiscard]] constexpr std::array<calibration, literature_bases.size()> fitted_literature() {
    std::array<calibration, literature_bases.size()> out = literature_bases;
    for (auto& c : out) {
        for (auto& h : c.pointwise_spill_bytes)
            if (h.from.source.empty())
                h = {0.0,
                     {provenance_kind::assumed, "assumed: no spill term (no row-length measurement for this GPU)"},
                     0};
        if (c.softmax_single_stride_ratio.from.source.empty())
            c.softmax_single_stride_ratio = {
                0.0, {provenance_kind::assumed, "assumed: unset (no softmax row-length measurement for this GPU)"}, 0};
        apply_public_fit(c);
        if (c.gemm_ramp_dim_fp32.from.kind != provenance_kind::literature)
            c.gemm_ramp_dim_fp32 = {0.0,
                                    {provenance_kind::assumed, "assumed: unset, SIMT FP32 GEMMs take gemm_ramp_dim (no "
                                                               "FP32 GEMM measurements of this GPU's own)"},
                                    0};
    }
    calibration ref{};
    for (const auto& c : out)
        if (c.gpu_slug == "a100-pcie-40gb") ref = c;
    for (auto& c : out) carry_norm_ratios(c, ref);
    return out;
}

} // namespace detail

/// Literature calibrations, one per GPU they cover: the hand-sourced constants of detail::literature_bases
/// with the public op corpus's fitted constants applied (roofline/literature_fit.hpp).
inline constexpr std::array<calibration, detail::literature_bases.size()> literature_calibrations =
    detail::fitted_literature();

/// The result of choosing a calibration for a GPU: which one, and whether it
/// is a fallback the caller should tell the user about.
struct calibration_choice {
    const calibration* cal = nullptr;
    bool fell_back = false;
    std::string_view note; ///< why it fell back (empty otherwise)
};

[[nodiscard]] constexpr const calibration* try_find_literature(std::string_view gpu_slug) noexcept {
    for (const auto& c : literature_calibrations)
        if (c.gpu_slug == gpu_slug) return &c;
    return nullptr;
}

/// The literature calibration of a GPU; a GPU without one raises not_found.
[[nodiscard]] inline const calibration& find_literature(std::string_view gpu_slug) {
    if (const calibration* c = try_find_literature(gpu_slug)) return *c;
    detail::raise(errc::unknown_profile, "find_literature",
                  "no literature calibration for GPU '" + std::string(gpu_slug) + "'");
}

inline constexpr std::array<std::string_view, 4> builtin_profiles{"best", "measured", "literature", "datasheet"};

/// A built-in profile for a GPU. `literature` on a GPU it does not cover falls
/// back to `datasheet` and says so; `measured` on a GPU that has not been
/// measured raises `not_found`; `best` takes the first of measured,
/// literature, datasheet that the GPU has. An unknown profile name raises
/// `not_found`.
[[nodiscard]] inline calibration_choice builtin_calibration(std::string_view profile, std::string_view gpu_slug) {
    if (profile == "datasheet") return {&datasheet_calibration, false, {}};
    if (profile == "measured" || profile == "best") {
        if (const calibration* c = try_find_measured(gpu_slug)) return {c, false, {}};
        if (profile == "measured")
            detail::raise(errc::unknown_profile, "builtin_calibration",
                          "no measured calibration for GPU '" + std::string(gpu_slug) +
                              "' (measured: " + std::to_string(measured_calibrations.size()) +
                              " GPUs); use best, literature or datasheet, or give a calibration JSON file");
    }
    if (profile == "literature" || profile == "best") {
        if (const calibration* c = try_find_literature(gpu_slug)) return {c, false, {}};
        if (profile == "best")
            return {&datasheet_calibration, true,
                    "no measured or literature calibration for this GPU: using datasheet"};
        return {&datasheet_calibration, true, "no literature calibration for this GPU: using datasheet"};
    }
    detail::raise(errc::unknown_profile, "builtin_calibration",
                  "unknown calibration profile '" + std::string(profile) +
                      "'; built-in profiles: best, measured, literature, datasheet (or give a calibration JSON file)");
}

} // namespace vidperf
