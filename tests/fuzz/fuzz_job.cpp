// Fuzz harness: the job API (pipeline/job.hpp) with any request, as an embedder or the CLI may build it:
// every size, count and option drawn from the input, extreme values included (0, negative, 2^31, int64
// limits). make_job and estimate must refuse what they cannot price with a vidperf::error; what they
// price must come out finite. This is the harness that finds products of sizes that overflow.
#include "harness.hpp"

#include <array>
#include <limits>
#include <optional>

namespace {

/// Reads the fuzzer's bytes as a sequence of choices; past the end every read is 0.
class choices {
public:
    choices(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
    std::int64_t raw64() {
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v = (v << 8) | byte();
        return static_cast<std::int64_t>(v);
    }
    /// A size or count: mostly plausible, sometimes extreme.
    std::int64_t count() {
        static constexpr std::array<std::int64_t, 8> extremes{
            0, -1, std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min(),
            std::int64_t{1} << 31, std::int64_t{1} << 32, 1'000'000'007, std::int64_t{1} << 62};
        switch (byte() % 5) {
        case 0: return byte() % 8 + 1;
        case 1: return (std::int64_t{byte()} << 8 | byte()) % 4096 + 1;
        case 2: return (std::int64_t{byte()} << 16 | std::int64_t{byte()} << 8 | byte());
        case 3: return extremes[byte() % extremes.size()];
        default: return raw64();
        }
    }
    std::optional<std::int64_t> maybe_count() {
        if (byte() % 3 == 0) return std::nullopt;
        return count();
    }
    template <class E>
    E pick() {
        const auto& entries = vidperf::enum_names<E>::entries;
        return entries[byte() % entries.size()].value;
    }
    template <class E>
    std::optional<E> maybe_pick() {
        if (byte() % 2 == 0) return std::nullopt;
        return pick<E>();
    }
    bool flag() { return (byte() & 1) != 0; }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

int as_int(std::int64_t v) {
    if (v > std::numeric_limits<int>::max() || v < std::numeric_limits<int>::min()) return -1;
    return static_cast<int>(v);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    choices in(data, size);
    const auto& presets = vidperf::model_presets();
    const vidperf::model_spec& model = presets[in.byte() % presets.size()];
    const vidperf::gpu_spec& gpu = vidperf::gpu_catalog[in.byte() % vidperf::gpu_catalog.size()];
    vidperf::inference_request r;
    r.width = in.maybe_count();
    r.height = in.maybe_count();
    r.frames = in.maybe_count();
    r.steps = in.maybe_count();
    r.batch = in.count();
    r.cfg = in.maybe_pick<vidperf::cfg_mode>();
    r.compute = in.pick<vidperf::dtype>();
    r.weights = in.maybe_pick<vidperf::dtype>();
    r.attention = in.maybe_pick<vidperf::attention_kernel>();
    r.impl = in.maybe_pick<vidperf::implementation>();
    r.offload = in.pick<vidperf::offload_policy>();
    if (in.flag()) r.vae_tiling = in.flag();
    r.text_encoders_on_host = in.flag();
    r.interpolate = in.byte() % 4 == 0 ? in.count() : 1;
    r.upscale = in.byte() % 4 == 0 ? in.count() : 1;
    r.gpus = in.byte() % 2 == 0 ? 1 : as_int(in.count());
    r.parallel = in.pick<vidperf::parallel_mode>();
    r.ulysses = as_int(in.count() % 16);
    r.ring = as_int(in.count() % 16);
    r.cfg_parallel = in.flag();
    r.fsdp = in.flag();
    r.link = in.maybe_pick<vidperf::link_kind>();
    if (r.link == vidperf::link_kind::network) r.network_bytes_per_s = static_cast<double>(in.count()) * 1e6;
    if (in.byte() % 4 == 1) { // accelerators, shares from -0.1 to 1.1 (past the input's end: off)
        r.accel.cache = in.pick<vidperf::step_cache>();
        r.accel.cache_skip = static_cast<double>(in.byte()) / 255.0 * 1.2 - 0.1;
        r.accel.attention_keep = static_cast<double>(in.byte()) / 255.0 * 1.2 - 0.1;
    }
    return vidperf_fuzz::run([&] {
        const vidperf::inference_job job = vidperf::make_job(model, r);
        const vidperf::calibration& cal = *vidperf::builtin_calibration("best", gpu.slug).cal;
        vidperf_fuzz::price(job, gpu, cal);
    });
}
