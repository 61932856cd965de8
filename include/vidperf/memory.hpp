#pragma once
/// \file
/// vidperf umbrella: Bytes only: residency, offload, precision policy. Standard library only.

#include <vidperf/memory/precision.hpp>
#include <vidperf/memory/residency.hpp>
#include <vidperf/memory/training_memory.hpp>
