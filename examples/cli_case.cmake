# One CLI case: runs the CLI with ARGS ('|'-separated), checks the exit status is EXPECT_EXIT and that the
# output (stdout and stderr) matches REGEX. Used by the cli.* tests in examples/CMakeLists.txt.
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND "${CLI}" ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(all "${out}${err}")
if(NOT "${rc}" STREQUAL "${EXPECT_EXIT}")
    message(FATAL_ERROR "exit status ${rc}, expected ${EXPECT_EXIT}:\n${all}")
endif()
if(NOT all MATCHES "${REGEX}")
    message(FATAL_ERROR "output does not match '${REGEX}':\n${all}")
endif()
if(all MATCHES "(^|[^a-z])(nan|inf)([^a-z]|$)")
    message(FATAL_ERROR "output contains nan or inf:\n${all}")
endif()
