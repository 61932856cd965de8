#pragma once
// The measurement sections of vidperf-calibrate; each runs until its end time
// (seconds from the start of the run) and writes its records with emit().
#include <string>
#include <vector>

#include "shapes.hpp"

namespace vpcal {

void bench_launch(double end_s);
void bench_host_copies(double end_s);
void bench_memory(double end_s);
void bench_gemm(const std::vector<planned_op>& plan, double end_s);       // gemm.cu
void bench_attention(const std::vector<planned_op>& plan, double end_s);  // attention.cu (cuDNN)
void bench_conv(const std::vector<planned_op>& plan, double end_s);       // conv.cu (cuDNN)
void bench_collectives(double end_s);                                     // collectives.cu (NCCL)

/// The sustained-load section (sustained.cu): back-to-back bf16 GEMMs of size^3 for duration_s.
struct sustained_plan {
    double duration_s = 120;        ///< seconds of back-to-back GEMMs
    double interval_s = 0.1;        ///< one throughput figure and NVML reading per interval of GPU time
    double burst_window_s = 1.0;    ///< burst figure: median over the intervals ending this early
    double sustained_window_s = 60; ///< sustained figure: median over this last stretch (at most half the run)
    long long size = 8192;          ///< m = n = k
};
void bench_sustained(const sustained_plan& plan);

/// Versions of the optional libraries, as JSON values (a string, or null when not built in).
[[nodiscard]] std::string cudnn_version_json();
[[nodiscard]] std::string nccl_version_json();

} // namespace vpcal
