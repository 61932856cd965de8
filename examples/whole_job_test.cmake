# The embedder's example must print exactly what the CLI prints: for every preset, example_whole_job MODEL
# GPU and `vidperf estimate --model MODEL --gpu GPU --json` give the same document.
include("${CMAKE_CURRENT_LIST_DIR}/cmake/presets.cmake")
foreach(slug IN LISTS vidperf_presets)
    foreach(gpu h100-sxm5-80gb a100-sxm4-80gb)
        execute_process(COMMAND "${EXAMPLE}" ${slug} ${gpu} OUTPUT_VARIABLE from_example RESULT_VARIABLE rc1)
        execute_process(COMMAND "${CLI}" estimate --model ${slug} --gpu ${gpu} --json OUTPUT_VARIABLE from_cli
                        RESULT_VARIABLE rc2)
        if(NOT rc2 EQUAL 0 OR from_example STREQUAL "")
            message(FATAL_ERROR "${slug} on ${gpu}: example exit ${rc1}, CLI exit ${rc2}")
        endif()
        if(NOT from_example STREQUAL from_cli)
            message(FATAL_ERROR "${slug} on ${gpu}: the example and the CLI disagree:\n${from_example}\n---\n${from_cli}")
        endif()
    endforeach()
endforeach()
list(LENGTH vidperf_presets n)
message(STATUS "${n} presets x 2 GPUs: the example and the CLI agree")
