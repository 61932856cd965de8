// Fuzz harness: one op as JSON (io/op_json.hpp, what the calibration suite and `vidperf op` exchange).
// An op that is read must cost and price to finite figures on an H100.
#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return vidperf_fuzz::run([&] {
        const nlohmann::json j = vidperf::detail::parse_json(vidperf_fuzz::as_text(data, size), "fuzz");
        const vidperf::op o = vidperf::op_from_json(j, "fuzz");
        const auto c = vidperf::cost(o);
        vidperf_fuzz::check(c.flops.value(), "op FLOPs");
        vidperf_fuzz::check(c.bytes().value(), "op bytes");
        const vidperf::gpu_spec& h100 = vidperf::find_gpu("h100-sxm5-80gb");
        for (const vidperf::calibration* cal : {&vidperf::find_literature("h100-sxm5-80gb"), &vidperf::datasheet_calibration}) {
            const auto p = vidperf::predict(o, h100, *cal);
            vidperf_fuzz::check(p.time.value(), "op time");
            vidperf_fuzz::check(p.memory_time.value(), "op memory time");
        }
    });
}
