#pragma once
/// \file
/// vidperf umbrella: GPU specs and the datasheet catalog. Standard library only.

#include <vidperf/hardware/catalog.hpp>
#include <vidperf/hardware/gpu_spec.hpp>
