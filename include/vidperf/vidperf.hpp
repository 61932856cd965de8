#pragma once
/// \file
/// vidperf: roofline and memory-footprint models of video-generation workloads
/// on GPUs. This umbrella header includes the standard-library core: quantities,
/// the GPU catalog, ops, the engine and its calibrations, the model presets and
/// their lowering, memory, and the job API (make_job, estimate, try_estimate,
/// reprice). It needs nothing but the C++20 standard library (CMake target
/// vidperf::core). Results as JSON, GPU and calibration files, costs, the
/// planner and the sensitivities are in <vidperf/all.hpp> (vidperf::vidperf).

#include <vidperf/version.hpp>

#include <vidperf/core.hpp>
#include <vidperf/hardware.hpp>
#include <vidperf/memory.hpp>
#include <vidperf/models.hpp>
#include <vidperf/ops.hpp>
#include <vidperf/roofline.hpp>

// the job API and the pricing walk (the planner, training and sensitivities need Boost: <vidperf/pipeline.hpp>)
#include <vidperf/pipeline/error_band.hpp>
#include <vidperf/pipeline/job.hpp>
#include <vidperf/pipeline/pipeline.hpp>
#include <vidperf/pipeline/price.hpp>
