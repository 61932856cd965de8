#pragma once
/// \file
/// vidperf umbrella: Stage lowering: model descriptions, presets, workloads, implementations. Standard library only.

#include <vidperf/models/accelerators.hpp>
#include <vidperf/models/audio.hpp>
#include <vidperf/models/denoiser.hpp>
#include <vidperf/models/encoders.hpp>
#include <vidperf/models/experts.hpp>
#include <vidperf/models/implementation.hpp>
#include <vidperf/models/model.hpp>
#include <vidperf/models/parallel.hpp>
#include <vidperf/models/postprocess.hpp>
#include <vidperf/models/presets.hpp>
#include <vidperf/models/stage.hpp>
#include <vidperf/models/unet.hpp>
#include <vidperf/models/vae.hpp>
#include <vidperf/models/workload.hpp>
#include <vidperf/models/training_step.hpp>
