#pragma once
/// \file
/// vidperf umbrella: jobs and their pricing: the job API, the pricing walk, training, the planner, the time
/// sensitivities, the error band. The planner, training and the sensitivities need Boost.Math; the rest is in
/// the standard-library core (<vidperf/vidperf.hpp>).

#include <vidperf/pipeline/error_band.hpp>
#include <vidperf/pipeline/job.hpp>
#include <vidperf/pipeline/pipeline.hpp>
#include <vidperf/pipeline/planner.hpp>
#include <vidperf/pipeline/price.hpp>
#include <vidperf/pipeline/time_sensitivity.hpp>
#include <vidperf/pipeline/training.hpp>
