#pragma once
/// \file
/// vidperf: everything, with every optional dependency (nlohmann-json, Boost, Eigen). The standard-library
/// core alone is <vidperf/vidperf.hpp>.

#include <vidperf/vidperf.hpp>

#include <vidperf/calibration.hpp>
#include <vidperf/cost.hpp>
#include <vidperf/io.hpp>
#include <vidperf/pipeline.hpp>
