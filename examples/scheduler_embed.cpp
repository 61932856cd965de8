// For scheduler authors: predictions inside a placement loop.
//
// Everything here is constexpr-capable, allocation-free on success and
// thread-safe (pure functions over plain data). A prediction can even be
// computed at compile time, so a table of costs can be baked into a binary.
#include <array>
#include <cstdio>

#include <vidperf/vidperf.hpp>

namespace {
using namespace vidperf;

// Computed by the compiler: an H100 SXM5 BF16 projection GEMM of a Wan-class DiT.
constexpr gemm_op qkv_proj{75600, 3 * 5120, 5120};
constexpr auto compile_time = predict(qkv_proj, gpu_catalog[4], literature_calibrations[4]);
static_assert(compile_time.bound == bound_kind::compute);
} // namespace

int main() {
    std::printf("compile-time prediction on %.*s: %.3f ms\n", static_cast<int>(gpu_catalog[4].slug.size()),
                gpu_catalog[4].slug.data(), compile_time.time.value() * 1e3);

    // Place one attention call on the fastest of three GPUs; a GPU the
    // literature profile does not cover falls back to the datasheet ideal,
    // which the choice reports.
    attention_op a;
    a.heads_q = 40;
    a.seq_q = 75600;
    a.head_dim = 128;
    a.kernel = attention_kernel::fa2;
    const std::array<std::string_view, 3> pool{"a100-sxm4-80gb", "h100-sxm5-80gb", "l40s-48gb"};
    std::string_view best;
    double best_s = 1e300;
    for (std::string_view slug : pool) {
        const gpu_spec* gpu = try_find_gpu(slug); // no throw, no allocation
        if (gpu == nullptr) continue;
        const calibration_choice cal = builtin_calibration("literature", slug);
        const double t = predict(a, *gpu, *cal.cal).time.value();
        std::printf("  %-16.*s %8.2f ms  (%s%s)\n", static_cast<int>(slug.size()), slug.data(), t * 1e3,
                    cal.cal->profile.data(), cal.fell_back ? ", fallback: optimistic" : "");
        if (t < best_s) {
            best_s = t;
            best = slug;
        }
    }
    std::printf("fastest: %.*s\n", static_cast<int>(best.size()), best.data());
    return best.empty() ? 1 : 0;
}
