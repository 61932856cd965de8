// For students: why a GEMM does not run at the datasheet peak.
//
// Sweeps square BF16 GEMMs on A100 and H100 and prints, side by side, the
// naive roofline (datasheet: every efficiency 1) and the literature-calibrated
// prediction, with the parts of the time and the bound. Read the columns:
//  - small sizes are overhead-bound: a few microseconds per library call
//    dwarf the arithmetic;
//  - mid sizes lose to wave quantisation: 128x128 output tiles over 108 or
//    132 SMs leave some SMs idle in the last wave (the last line shows one
//    extra row of a matrix costing a whole extra wave);
//  - large sizes settle at the best achievable fraction of the peak
//    (~80 % on H100, ~87 % on A100), never at 100 %.
#include <fmt/core.h>

#include <vidperf/vidperf.hpp>

int main() {
    using namespace vidperf;
    for (const char* slug : {"a100-sxm4-80gb", "h100-sxm5-80gb"}) {
        const gpu_spec& gpu = find_gpu(slug);
        const calibration& lit = *builtin_calibration("literature", slug).cal;
        fmt::print("{} (dense BF16 peak {:.1f} TFLOP/s)\n", gpu.name, gpu.peak(compute_class::bf16).value() / 1e12);
        fmt::print("  {:>6} {:>16} {:>16} {:>9} {:>10}\n", "m=n=k", "datasheet TF/s", "literature TF/s", "bound",
                   "eta");
        for (extent n = 256; n <= 16384; n *= 2) {
            const gemm_op g{n, n, n};
            const auto ideal = predict(g, gpu, datasheet_calibration);
            const auto real = predict(g, gpu, lit);
            fmt::print("  {:>6} {:>16.1f} {:>16.1f} {:>9} {:>10.3f}\n", n,
                       ideal.achieved_flops_per_second().value() / 1e12,
                       real.achieved_flops_per_second().value() / 1e12, name(real.bound), real.compute_efficiency);
        }
        // Wave quantisation made visible: with n = 1024 (8 tile columns) and m = 64 * SMs rows the
        // 128x128 output tiles fill exactly 4 waves; one more row adds a row of tiles and a 5th wave.
        const extent m = 64 * static_cast<extent>(gpu.sm_count);
        const auto full = predict(gemm_op{m, 1024, 4096}, gpu, lit);
        const auto ragged = predict(gemm_op{m + 1, 1024, 4096}, gpu, lit);
        fmt::print("  m = {} vs {} (n = 1024, k = 4096): {:.1f} vs {:.1f} us (+{:.0f} %) for +{:.3f} % of the FLOPs\n\n",
                   m, m + 1, full.time.value() * 1e6, ragged.time.value() * 1e6,
                   100.0 * (ragged.time.value() / full.time.value() - 1.0), 100.0 / static_cast<double>(m));
    }
    return 0;
}
