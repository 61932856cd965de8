#pragma once
/// \file
/// vidperf: roofline and memory-footprint models of video-generation workloads
/// on GPUs. This umbrella header includes the whole core library, which needs
/// nothing but the C++20 standard library. JSON loading and saving (GPU specs,
/// calibration files) is in <vidperf/json.hpp>, which needs nlohmann-json.

#include <vidperf/version.hpp>

#include <vidperf/core/dtype.hpp>
#include <vidperf/core/error.hpp>
#include <vidperf/core/quantity.hpp>

#include <vidperf/hardware/catalog.hpp>
#include <vidperf/hardware/gpu_spec.hpp>

#include <vidperf/ops/cost.hpp>
#include <vidperf/ops/ops.hpp>

#include <vidperf/roofline/calibration.hpp>
#include <vidperf/roofline/engine.hpp>
#include <vidperf/roofline/profiles.hpp>
