# recommend gives a ranked answer for every preset with the two set-ups of the buyer's question:
# FA3 + fp8 on an H100 at $3.50 per GPU-hour against FA2 in bf16 on an A100 at $1.50.
include("${CMAKE_CURRENT_LIST_DIR}/cmake/presets.cmake")
foreach(slug IN LISTS vidperf_presets)
    execute_process(COMMAND "${CLI}" recommend --model ${slug} --prices a100-sxm4-80gb=1.5,h100-sxm5-80gb=3.5
                            --setup h100-sxm5-80gb=fa3,fp8 --setup a100-sxm4-80gb=fa2 --offload model --json
                    OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
    if(NOT (rc EQUAL 0 OR rc EQUAL 1))
        message(FATAL_ERROR "${slug}: recommend exited ${rc}: ${err}")
    endif()
    string(JSON rows LENGTH "${out}" rows)
    if(NOT rows EQUAL 2)
        message(FATAL_ERROR "${slug}: expected 2 ranked rows, got ${rows}:\n${out}")
    endif()
    string(JSON first_cost ERROR_VARIABLE e1 GET "${out}" rows 0 cost_per_finished_job_dollars)
    string(JSON second_cost ERROR_VARIABLE e2 GET "${out}" rows 1 cost_per_finished_job_dollars)
    string(JSON first_ok GET "${out}" rows 0 feasible)
    string(JSON second_ok GET "${out}" rows 1 feasible)
    if(first_ok STREQUAL second_ok AND NOT e1 AND NOT e2 AND first_cost GREATER second_cost)
        message(FATAL_ERROR "${slug}: rows not ranked by cost:\n${out}")
    endif()
    message(STATUS "${slug}: first ${first_cost} (feasible ${first_ok}), second ${second_cost}")
endforeach()
