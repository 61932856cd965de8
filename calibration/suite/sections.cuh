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

/// Versions of the optional libraries, as JSON values (a string, or null when not built in).
[[nodiscard]] std::string cudnn_version_json();
[[nodiscard]] std::string nccl_version_json();

} // namespace vpcal
