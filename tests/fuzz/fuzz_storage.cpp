// Fuzz harness: a storage read-rate curve (io/storage_json.hpp). What is read must give a finite, positive
// read rate at every GPU count.
#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return vidperf_fuzz::run([&] {
        const vidperf::storage_curve s = vidperf::storage_from_json(vidperf_fuzz::as_text(data, size));
        for (int gpus : {1, 2, 3, 8, 64, 1024}) vidperf_fuzz::check(s.aggregate_Bps(gpus), "storage read rate");
    });
}
