#pragma once
/// \file
/// The GPU catalog: datasheet specs, DENSE peaks only (a sparsity figure is
/// halved and the halving is said in the comment). Each entry cites the
/// datasheet / whitepaper it comes from; each field's comment says where that
/// field is read when a source other than the entry's main one is used.

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <vidperf/core/error.hpp>
#include <vidperf/core/quantity.hpp>
#include <vidperf/core/names.hpp>
#include <vidperf/hardware/gpu_spec.hpp>

namespace vidperf {

namespace detail {
/// Dense peaks in TFLOP/s (TOP/s for integer), in compute_class order:
/// fp32 (non-tensor), tf32, bf16, fp16, fp8, int8, int4. 0 = no such pipe.
[[nodiscard]] constexpr std::array<flops_per_second, compute_class_count>
tflops(double fp32, double tf32, double bf16, double fp16, double fp8, double int8, double int4) {
    constexpr double t = units::tera;
    return {flops_per_second(fp32 * t), flops_per_second(tf32 * t), flops_per_second(bf16 * t),
            flops_per_second(fp16 * t), flops_per_second(fp8 * t),  flops_per_second(int8 * t),
            flops_per_second(int4 * t)};
}
[[nodiscard]] constexpr bytes gb(double v) { return bytes(v * units::giga); }
[[nodiscard]] constexpr bytes mib(double v) { return bytes(v * units::mebi); }
[[nodiscard]] constexpr bytes_per_second gbps(double v) { return bytes_per_second(v * units::giga); }

// PCIe per-direction x16 rates as vendors round them (Gen4 "64 GB/s" and
// Gen5 "128 GB/s" bidirectional): 32 and 64 GB/s per direction.
inline constexpr double pcie4_x16_GBps = 32.0;
inline constexpr double pcie5_x16_GBps = 64.0;

[[nodiscard]] constexpr gpu_spec make_gpu(std::string_view slug, std::string_view name, gpu_vendor vendor,
                                         std::string_view arch, int sm_version, int sms, double boost_mhz,
                                         std::array<flops_per_second, compute_class_count> peaks, bytes hbm,
                                         bytes_per_second hbm_bw, bytes l2, int nvlink_gen,
                                         bytes_per_second nvlink_bw, int pcie_gen, double tdp_w,
                                         std::string_view source) {
    gpu_spec g;
    g.slug = slug;
    g.name = name;
    g.vendor = vendor;
    g.architecture = arch;
    g.sm_version = sm_version;
    g.sm_count = sms;
    g.boost_clock_mhz = boost_mhz;
    g.dense_peak = peaks;
    g.hbm_capacity = hbm;
    g.hbm_bandwidth = hbm_bw;
    g.l2_size = l2;
    g.nvlink_generation = nvlink_gen;
    g.nvlink_bandwidth = nvlink_bw;
    g.pcie_generation = pcie_gen;
    g.pcie_bandwidth = gbps(pcie_gen >= 5 ? pcie5_x16_GBps : pcie4_x16_GBps);
    g.tdp_watts = tdp_w;
    g.source = source;
    return g;
}
} // namespace detail

// clang-format off
// Source key (cited per field below):
//   [A100-DS]  NVIDIA A100 Tensor Core GPU datasheet (2021), "Specifications" table, columns A100 80GB PCIe /
//              A100 80GB SXM / A100 40GB PCIe / A100 40GB SXM; tensor rows are "dense | sparse*" (* with sparsity).
//   [A100-WP]  NVIDIA A100 Tensor Core GPU Architecture whitepaper (V1.0, 2020), Table "Comparison of NVIDIA
//              Data Center GPUs" (A100 column: 108 SMs, 1410 MHz GPU Boost Clock, 40 MB L2).
//   [H100-WP]  NVIDIA H100 Tensor Core GPU Architecture whitepaper v1.04 (final clocks and TFLOPS), Table 1 and
//              Table 3 "Comparison of NVIDIA A100 and H100 Data Center GPUs" (pp. 20, 39-40): figures "dense/sparse";
//              boost clock for the FP8/FP16/BF16/TF32 tensor paths 1830 MHz (SXM5) / 1620 MHz (PCIe); for FP32,
//              FP64 and FP64 tensor 1980 / 1755 MHz.
//   [H100-DS]  NVIDIA H100 Tensor Core GPU datasheet (2024 edition), "Technical Specifications" table, columns
//              H100 SXM / H100 NVL (PCIe column in the 2022 edition); tensor rows carry "* With sparsity".
//   [H100P-PB] NVIDIA H100 PCIe GPU product brief PB-11133-001 (v02, Nov 2022): "maximum TDP of 350 W".
//   [H200-DS]  NVIDIA H200 Tensor Core GPU datasheet, "Technical Specifications", H200 SXM column (* with sparsity).
//   [ADA-WP]   NVIDIA Ada GPU Architecture whitepaper (v2.x), Appendix A, Table 2 "GeForce RTX 4090"
//              (FP16/FP32-accumulate rows quoted separately; "dense/sparse").
//   [L40S-DS]  NVIDIA L40S GPU datasheet, "Specifications" ("dense | sparse*").
//   [L4-DS]    NVIDIA L4 Tensor Core GPU datasheet, "Specifications" (tensor rows with sparsity only).
//   [R6KA-DS]  NVIDIA RTX 6000 Ada Generation datasheet, "Specifications".
//   [GB-PAGE]  NVIDIA GB200 NVL72 / HGX product pages, per-GPU "Specifications" table, HGX B200 column
//              (tensor rows footnoted "with sparsity"): FP4 18 PF, FP8/FP6 9 PF, INT8 9 POPS, FP16/BF16 4.5 PF,
//              TF32 2.2 PF, FP32 75 TF, 180 GB HBM3E / 7.7 TB/s, "Configurable up to 1,000 W".
//   [HGX-PAGE] NVIDIA HGX platform page, HGX B200 (8-GPU) column: FP8 72 PF, FP16/BF16 36 PF, TF32 18 PF (sparse),
//              FP32 600 TF, 1.4 TB HBM3e, NVLink 5 GPU-to-GPU 1.8 TB/s.
//   [BWU-DS]   NVIDIA Blackwell Ultra datasheet, HGX B300 vs HGX B200 comparison table: HGX B200 "NVLink 5 +
//              PCIe Gen5", 1,000 W (HGX B300: PCIe Gen6).
//   [MI300X]   AMD Instinct MI300X accelerator data sheet / amd.com MI300X product specifications: 304 CUs,
//              2100 MHz peak engine clock, peak "dense" TFLOPS table, 192 GB HBM3, 5.3 TB/s, 256 MB AMD Infinity
//              Cache, 750 W peak board power, PCIe Gen5 x16 128 GB/s, Infinity Fabric links with 128 GB/s peak
//              link bandwidth; Hot Chips 2024 MI300X talk (slide 4): 896 GB/s Infinity Fabric per GPU.
inline constexpr std::array<gpu_spec, 15> gpu_catalog{{
    // --- Ampere (GA100). Peaks [A100-DS] dense column (all four SKUs share them): FP32 19.5, TF32 156,
    // BF16 312, FP16 312, INT8 624 (sparse* = 2x); INT4 1,248 dense from [A100-WP] ("Peak INT4 Tensor TOPS
    // 1,248/2,496"). No FP8 pipe. SMs 108, boost 1410 MHz (the tensor peaks are quoted at it:
    // 108 SM x 2,048 FLOP/clk x 1.41 GHz = 312 TF), L2 40 MB: [A100-WP]. NVLink 3 "600 GB/s" = 300/direction.
    detail::make_gpu("a100-pcie-40gb", "NVIDIA A100 PCIe 40GB", gpu_vendor::nvidia, "ampere", 80, 108, 1410,
        detail::tflops(19.5, 156, 312, 312, 0, 624, 1248),  // [A100-DS] dense figures
        detail::gb(40), detail::gbps(1555),       // HBM2 40 GB, 1,555 GB/s [A100-DS, 40GB PCIe column]
        detail::mib(40), 3, detail::gbps(300),     // L2 40 MB [A100-WP]; NVLink Bridge for 2 GPUs: 600 GB/s [A100-DS]
        4, 250,                                    // PCIe Gen4 64 GB/s; Max TDP 250 W [A100-DS, 40GB PCIe column]
        "NVIDIA A100 Tensor Core GPU datasheet (A100 40GB PCIe column); NVIDIA A100 architecture whitepaper"),
    detail::make_gpu("a100-sxm4-40gb", "NVIDIA A100 SXM4 40GB", gpu_vendor::nvidia, "ampere", 80, 108, 1410,
        detail::tflops(19.5, 156, 312, 312, 0, 624, 1248),  // [A100-DS] dense figures
        detail::gb(40), detail::gbps(1555),       // HBM2 40 GB, 1,555 GB/s [A100-DS, 40GB SXM column]
        detail::mib(40), 3, detail::gbps(300),     // L2 40 MB [A100-WP]; NVLink 600 GB/s bidirectional [A100-DS]
        4, 400,                                    // PCIe Gen4 64 GB/s; Max TDP 400 W [A100-DS, 40GB SXM column]
        "NVIDIA A100 Tensor Core GPU datasheet (A100 40GB SXM column); NVIDIA A100 architecture whitepaper"),
    detail::make_gpu("a100-pcie-80gb", "NVIDIA A100 PCIe 80GB", gpu_vendor::nvidia, "ampere", 80, 108, 1410,
        detail::tflops(19.5, 156, 312, 312, 0, 624, 1248),  // [A100-DS] dense figures
        detail::gb(80), detail::gbps(1935),       // HBM2e 80 GB, 1,935 GB/s [A100-DS, 80GB PCIe column]
        detail::mib(40), 3, detail::gbps(300),     // L2 40 MB [A100-WP]; NVLink Bridge for 2 GPUs: 600 GB/s [A100-DS]
        4, 300,                                    // PCIe Gen4 64 GB/s; Max TDP 300 W [A100-DS, 80GB PCIe column]
        "NVIDIA A100 Tensor Core GPU datasheet (A100 80GB PCIe column); NVIDIA A100 architecture whitepaper"),
    detail::make_gpu("a100-sxm4-80gb", "NVIDIA A100 SXM4 80GB", gpu_vendor::nvidia, "ampere", 80, 108, 1410,
        detail::tflops(19.5, 156, 312, 312, 0, 624, 1248),  // [A100-DS] dense figures
        detail::gb(80), detail::gbps(2039),       // HBM2e 80 GB, 2,039 GB/s [A100-DS, 80GB SXM column]
        detail::mib(40), 3, detail::gbps(300),     // L2 40 MB [A100-WP]; NVLink 600 GB/s bidirectional [A100-DS]
        4, 400,                                    // PCIe Gen4 64 GB/s; Max TDP 400 W [A100-DS, 80GB SXM column]
        "NVIDIA A100 Tensor Core GPU datasheet (A100 80GB SXM column); NVIDIA A100 architecture whitepaper"),

    // --- Hopper (GH100). [H100-WP] Table 3 gives the exact dense/sparse peaks; the datasheets print the
    // sparse figures rounded (989 / 1,979 / 3,958 "* With sparsity"). No INT4 tensor pipe on Hopper.
    // boost_clock_mhz is the tensor-path clock [H100-WP]: 132 SM x 4,096 dense FP16 FLOP/clk x 1.83 GHz =
    // 989.4 TF. (FP32 66.9 TF is at the 1980 MHz max boost: 132 x 256 x 1.98 GHz.)
    detail::make_gpu("h100-sxm5-80gb", "NVIDIA H100 SXM5 80GB", gpu_vendor::nvidia, "hopper", 90, 132, 1830,
        detail::tflops(66.9, 494.7, 989.4, 989.4, 1978.9, 1978.9, 0), // [H100-WP] Table 3, H100 SXM5 column, dense
        detail::gb(80), detail::gbps(3350),       // HBM3 80 GB, 3.35 TB/s [H100-DS, SXM col.] (WP Table 3: 3,352 GB/s)
        detail::mib(50), 4, detail::gbps(450),     // L2 50 MB [H100-WP Table 3]; NVLink 900 GB/s bidir. [H100-DS]
        5, 700,                                    // PCIe Gen5 128 GB/s; "Up to 700W (configurable)" [H100-DS]
        "NVIDIA H100 Tensor Core GPU datasheet (H100 SXM column); NVIDIA H100 architecture whitepaper v1.04, Tables 1 and 3"),
    detail::make_gpu("h100-pcie-80gb", "NVIDIA H100 PCIe 80GB", gpu_vendor::nvidia, "hopper", 90, 114, 1620,
        // [H100-WP] Table 3, H100 PCIe column, dense (FP32 51.2 at 1755 MHz; tensor at 1620 MHz: 114 x 4,096 x
        // 1.62 GHz = 756 TF); the 2022 datasheet's 756/1,513/3,026 "* with sparsity" halved agree.
        detail::tflops(51.2, 378, 756, 756, 1513, 1513, 0),
        detail::gb(80), detail::gbps(2000),       // HBM2e 80 GB, "2TB/s" [H100-DS 2022, PCIe col.] (WP Table 3: 2,039)
        detail::mib(50), 4, detail::gbps(300),     // L2 50 MB [H100-WP Table 3]; NVLink bridge 600 GB/s bidir. [H100-DS]
        5, 350,                                    // PCIe Gen5 128 GB/s; 300-350 W [H100-DS], max 350 W [H100P-PB]
        "NVIDIA H100 Tensor Core GPU datasheet (2022, H100 PCIe column); NVIDIA H100 PCIe product brief PB-11133-001; "
        "NVIDIA H100 architecture whitepaper v1.04, Table 3"),
    detail::make_gpu("h100-nvl-94gb", "NVIDIA H100 NVL 94GB", gpu_vendor::nvidia, "hopper", 90, 132, 1545,
        // [H100-DS] H100 NVL column: FP32 60; TF32 835*, BF16/FP16 1,671*, FP8 3,341*, INT8 3,341* (* with
        // sparsity) halved. Boost clock: NVIDIA publishes none for the NVL; 1545 MHz is derived from the
        // datasheet peak (835.5 TF / (132 SM x 4,096 FLOP/clk)) -- not confirmed in a primary source. (The often
        // quoted 1785 MHz max boost is from TechPowerUp's database and matches FP32 60 TF, not the tensor peaks.)
        detail::tflops(60, 417.5, 835.5, 835.5, 1670.5, 1670.5, 0),
        detail::gb(94), detail::gbps(3900),       // HBM3 94 GB, 3.9 TB/s [H100-DS, H100 NVL column]
        detail::mib(50), 4, detail::gbps(300),     // L2: not in the datasheet; 50 MB as every 132-SM GH100 product
                                                   // [H100-WP] (assumed). NVLink 600 GB/s bidirectional [H100-DS]
        5, 400,                                    // PCIe Gen5 128 GB/s; "350-400W (configurable)": the max [H100-DS]
        "NVIDIA H100 Tensor Core GPU datasheet (2024, H100 NVL column); clock derived, L2 assumed (see comments)"),
    detail::make_gpu("h200-sxm-141gb", "NVIDIA H200 SXM 141GB", gpu_vendor::nvidia, "hopper", 90, 132, 1830,
        // [H200-DS] H200 SXM column: FP32 67; TF32 989*, BF16/FP16 1,979*, FP8 3,958*, INT8 3,958* (* with
        // sparsity) halved, taken at the exact [H100-WP] SXM5 values they round (same 132-SM GH100 at the same
        // clocks; the datasheet lists no SM count or clock, so 132 SM / 1830 MHz rest on that identity).
        detail::tflops(67, 494.7, 989.4, 989.4, 1978.9, 1978.9, 0),
        detail::gb(141), detail::gbps(4800),      // HBM3e 141 GB, 4.8 TB/s [H200-DS]
        detail::mib(50), 4, detail::gbps(450),     // L2: not in [H200-DS]; 50 MB as H100 SXM5 (assumed). NVLink
                                                   // 900 GB/s bidirectional [H200-DS]
        5, 700,                                    // PCIe Gen5 128 GB/s; "Up to 700W (configurable)" [H200-DS]
        "NVIDIA H200 Tensor Core GPU datasheet (H200 SXM column); exact peaks from the H100 architecture whitepaper v1.04"),
    detail::make_gpu("h800-sxm5-80gb", "NVIDIA H800 SXM5 80GB", gpu_vendor::nvidia, "hopper", 90, 132, 1830,
        // Same GH100 SXM5 tensor configuration as the H100 SXM5 [H100-WP]; the H800 differs in NVLink (and FP64,
        // cut to ~1 TF, not modelled here). No NVIDIA H800 datasheet could be read: H800 figures (FP32 67,
        // TF32 989*, BF16 1,979*, FP8 3,958*, 80 GB, 3.35 TB/s, NVLink 400 GB/s) are not confirmed in a primary
        // source; from secondary copies of the NVIDIA China H800 datasheet.
        detail::tflops(66.9, 494.7, 989.4, 989.4, 1978.9, 1978.9, 0),
        detail::gb(80), detail::gbps(3350),       // HBM3 80 GB, 3.35 TB/s (secondary, see above)
        detail::mib(50), 4, detail::gbps(200),     // L2 50 MB (as H100 SXM5); NVLink 400 GB/s bidirectional (secondary)
        5, 700,                                    // PCIe Gen5 128 GB/s; 700 W as H100 SXM5 (secondary)
        "NVIDIA H800 SXM5 (no primary datasheet read; secondary copies of it); compute as H100 SXM5 per the H100 "
        "architecture whitepaper v1.04"),

    // --- Ada Lovelace (AD102 / AD104). Tensor peaks with FP32 accumulate (what cuBLAS uses for bf16/fp16).
    // On GeForce (RTX 4090) that is half the FP16-accumulate rate [ADA-WP]; the data-center/pro datasheets
    // quote the full rate. Ada has 1,024 dense FP16 FLOP/clk/SM at full rate.
    detail::make_gpu("l40s-48gb", "NVIDIA L40S 48GB", gpu_vendor::nvidia, "ada", 89, 142, 2520,
        // [L40S-DS] dense column: FP32 91.6, TF32 183, BF16 362.05, FP16 362.05, FP8 733, INT8 733, INT4 733
        // (sparse* 366 / 733 / 1,466). SM count and boost clock are not in the datasheet: 142 SMs / 2520 MHz from
        // TechPowerUp's GPU database (consistent with FP32 91.6 = 142 x 256 x 2.52 GHz); not confirmed in a
        // primary source.
        detail::tflops(91.6, 183, 362.05, 362.05, 733, 733, 733),
        detail::gb(48), detail::gbps(864),        // GDDR6 48 GB, 864 GB/s [L40S-DS]
        detail::mib(96), 0, detail::gbps(0),       // L2 not in [L40S-DS]: 96 MB = full AD102 L2 [ADA-WP]
                                                   // (TechPowerUp lists 96 MB for L40S). No NVLink [L40S-DS]
        4, 350,                                    // PCIe Gen4 x16 64 GB/s; max power 350 W [L40S-DS]
        "NVIDIA L40S datasheet; SM count, clock and L2 from the Ada architecture whitepaper / TechPowerUp"),
    detail::make_gpu("l4-24gb", "NVIDIA L4 24GB", gpu_vendor::nvidia, "ada", 89, 58, 2040,
        // [L4-DS]: FP32 30.3; TF32 120*, BF16/FP16 242*, FP8 485*, INT8 485* (* with sparsity) halved. No INT4
        // figure in the datasheet, so 0 here (the AD104 silicon has INT4, but no L4 rate is published).
        // 58 SMs / 2040 MHz are not in the datasheet: from TechPowerUp (FP32 30.3 = 58 x 256 x 2.04 GHz);
        // not confirmed in a primary source.
        detail::tflops(30.3, 60, 121, 121, 242.5, 242.5, 0),
        detail::gb(24), detail::gbps(300),        // GDDR6 24 GB, 300 GB/s [L4-DS]
        detail::mib(48), 0, detail::gbps(0),       // L2 not in [L4-DS]; 48 MB (full AD104) from TechPowerUp. No NVLink
        4, 72,                                     // PCIe Gen4 x16 64 GB/s; max power 72 W [L4-DS]
        "NVIDIA L4 Tensor Core GPU datasheet; SM count, clock and L2 from TechPowerUp"),
    detail::make_gpu("rtx4090-24gb", "NVIDIA GeForce RTX 4090 24GB", gpu_vendor::nvidia, "ada", 89, 128, 2520,
        // [ADA-WP] Appendix A Table 2 (GeForce RTX 4090), dense, FP32 accumulate: FP32 82.6, TF32 82.6,
        // BF16 165.2, FP16 165.2, FP8 330.3 (FP16-acc rows are 2x); INT8 660.6, INT4 1,321.2. 128 SMs, 2520 MHz boost.
        detail::tflops(82.6, 82.6, 165.2, 165.2, 330.3, 660.6, 1321.2),
        detail::gb(24), detail::gbps(1008),       // GDDR6X 24 GB, 1,008 GB/s [ADA-WP Table 2]
        detail::mib(72), 0, detail::gbps(0),       // L2 72 MB [ADA-WP Table 2]; no NVLink
        4, 450,                                    // PCIe Gen4; 450 W total graphics power [ADA-WP Table 2]
        "NVIDIA Ada GPU architecture whitepaper, Appendix A, Table 2 (GeForce RTX 4090)"),
    detail::make_gpu("rtx6000ada-48gb", "NVIDIA RTX 6000 Ada Generation 48GB", gpu_vendor::nvidia, "ada", 89, 142,
        2505,
        // [R6KA-DS]: FP32 91.1 TF; "Tensor Performance 1,457 TFLOPS" = FP8 with sparsity -> FP8 728.5 dense.
        // The datasheet gives no other tensor rows: BF16/FP16 364.2 = FP8/2, TF32 182.1 = FP8/4, INT8 728.5 =
        // FP8 and INT4 1,457 = 2 x INT8 are derived from Ada's rate ratios [ADA-WP], not quoted by NVIDIA.
        // 142 SMs (18,176 CUDA cores / 128 [R6KA-DS]); 2505 MHz boost from TechPowerUp (FP32 91.1 = 142 x 256
        // x 2.505 GHz; not confirmed in a primary source).
        detail::tflops(91.1, 182.1, 364.2, 364.2, 728.5, 728.5, 1457),
        detail::gb(48), detail::gbps(960),        // GDDR6 48 GB ECC, 960 GB/s [R6KA-DS]
        detail::mib(96), 0, detail::gbps(0),       // L2 not in [R6KA-DS]: 96 MB per TechPowerUp; no NVLink
        4, 300,                                    // PCIe Gen4 x16; max power 300 W [R6KA-DS]
        "NVIDIA RTX 6000 Ada Generation datasheet; derived tensor rates, clock and L2 as commented"),

    // --- Blackwell (B200, two dies). Per-GPU dense peaks = [GB-PAGE] HGX B200 sparse figures halved, equal
    // to the [HGX-PAGE] 8-GPU totals / 8 / 2: TF32 1,125 (page prints 2.2 PF sparse), BF16/FP16 2,250,
    // FP8 4,500, INT8 4,500; FP32 75 [GB-PAGE]. No INT4 pipe (none listed). NVIDIA publishes neither SM count
    // nor clock: 148 SMs is what cudaGetDeviceProperties reports on B200 (secondary: public benchmark code);
    // 1965 MHz is the max SM clock nvidia-smi reports (secondary). The tensor peaks imply ~1.86 GHz at
    // 148 SMs, so the clock is not confirmed in a primary source.
    detail::make_gpu("b200-sxm-180gb", "NVIDIA B200 SXM 180GB", gpu_vendor::nvidia, "blackwell", 100, 148, 1965,
        detail::tflops(75, 1125, 2250, 2250, 4500, 4500, 0),
        detail::gb(180), detail::gbps(7700),      // 180 GB HBM3E, 7.7 TB/s [GB-PAGE, HGX B200 column] (the 2024
                                                   // DGX B200 page's 64 TB/s per 8 GPUs = 8 TB/s is superseded)
        detail::mib(126), 5, detail::gbps(900),    // L2 126 MB: NVIDIA Blackwell Tuning Guide ("Increased L2
                                                   // Capacity", GB200), and cudaGetDeviceProperties reports
                                                   // 132,644,864 B = 126.5 MiB on B200. NVLink 5: 1.8 TB/s
                                                   // bidirectional per GPU [HGX-PAGE]
        5, 1000,                                   // PCIe Gen5 [BWU-DS] (Gen6 is B300); "Configurable up to
                                                   // 1,000 W" [GB-PAGE]
        "NVIDIA HGX B200 per-GPU specifications (GB200 NVL72 / HGX product pages) and HGX B200 8-GPU totals; "
        "Blackwell Ultra datasheet; Blackwell Tuning Guide"),

    // --- AMD CDNA3. [MI300X] peak dense figures: FP32 vector 163.4 (FP32 matrix also 163.4), TF32 653.7,
    // BF16/FP16 1,307.4, FP8 2,614.9, INT8 2,614.9 TOPS (sparse = 2x); no INT4. 304 CUs at 2,100 MHz peak engine
    // clock (304 x 2,048 FP16 FLOP/clk x 2.1 GHz = 1,307.4 TF). "L2" here is the 256 MB AMD Infinity Cache, the
    // last-level cache (each XCD also has a 4 MB L2). Infinity Fabric: 128 GB/s peak (bidirectional) per link,
    // 7 links GPU-to-GPU in the 8-GPU platform (the 8th is the host/scale-out link) = 896 GB/s per GPU
    // (Hot Chips 2024) = 448 GB/s per direction.
    detail::make_gpu("mi300x-192gb", "AMD Instinct MI300X 192GB", gpu_vendor::amd, "cdna3", 0, 304, 2100,
        detail::tflops(163.4, 653.7, 1307.4, 1307.4, 2614.9, 2614.9, 0),
        detail::gb(192), detail::gbps(5300),      // HBM3 192 GB, 5.3 TB/s peak [MI300X data sheet] (Hot Chips: 5.2)
        detail::mib(256), 0, detail::gbps(448),    // 256 MB Infinity Cache; Infinity Fabric counted in nvlink_bandwidth
        5, 750,                                    // PCIe Gen5 x16 128 GB/s; 750 W peak board power [MI300X]
        "AMD Instinct MI300X accelerator data sheet and amd.com specifications; AMD Hot Chips 2024 MI300X talk"),
}};
// clang-format on


/// The catalog entry for `slug`, or nullptr. No allocation, no throw.
[[nodiscard]] constexpr const gpu_spec* try_find_gpu(std::string_view slug) noexcept {
    for (const auto& g : gpu_catalog)
        if (g.slug == slug) return &g;
    return nullptr;
}

/// The catalog entry for `slug`; an unknown slug raises `not_found` listing the closest slugs.
[[nodiscard]] inline const gpu_spec& find_gpu(std::string_view slug) {
    if (const gpu_spec* g = try_find_gpu(slug)) return *g;
    std::vector<std::string_view> slugs;
    slugs.reserve(gpu_catalog.size());
    for (const auto& g : gpu_catalog) slugs.push_back(g.slug);
    detail::raise(errc::unknown_gpu, "find_gpu",
                  "unknown GPU slug '" + std::string(slug) + "'; closest: " + detail::closest_names(slug, slugs) +
                      " (vidperf list gpus shows all)");
}

} // namespace vidperf
