#pragma once
/// \file
/// vidperf umbrella: JSON in and out: GPU, calibration, storage, diffusers folders, op shapes, measurements, result schemas,
/// targets. Needs nlohmann-json (and Boost through the result schemas).

#include <vidperf/io/calibration_json.hpp>
#include <vidperf/io/diffusers.hpp>
#include <vidperf/io/gpu_json.hpp>
#include <vidperf/io/op_json.hpp>
#include <vidperf/io/results_json.hpp>
#include <vidperf/io/shapes_json.hpp>
#include <vidperf/io/storage_json.hpp>
#include <vidperf/io/target.hpp>
