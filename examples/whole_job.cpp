// For developers embedding vidperf: a whole video job in a few lines, public headers only.
//
//   example_whole_job [MODEL] [GPU] [CALIBRATION]     (defaults: wan2.1-t2v-14b h100-sxm5-80gb best)
//
// prints exactly what `vidperf estimate --model MODEL --gpu GPU --json` prints: the same job API
// (make_job, estimate) and the same result schema (vidperf.estimate/1). ctest checks it against the CLI
// for every preset.
#include <iostream>

#include <vidperf/all.hpp>

int main(int argc, char** argv) try {
    using namespace vidperf;
    const char* model = argc > 1 ? argv[1] : "wan2.1-t2v-14b";
    const char* gpu = argc > 2 ? argv[2] : "h100-sxm5-80gb";
    const char* profile = argc > 3 ? argv[3] : "best";

    inference_request request;                               // unset fields: the model's standard workload
    const inference_job job = make_job(resolve_model(model), request); // every rule checked here
    const target t = resolve_target(gpu, profile);           // catalog slug or GPU file; calibration profile
    const job_estimate e = estimate(job, t);                 // lowering + pricing, stage by stage

    std::cout << estimate_json(job, t, e).dump(2) << '\n';
    return e.pipeline.fits ? 0 : 1;
} catch (const vidperf::error& e) {
    std::cerr << e.what() << '\n';
    return 2;
}
