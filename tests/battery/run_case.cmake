# One case of the bad-input battery (tests/battery/cases.txt), run by ctest as battery.<name>:
#   cmake -DTOOL=<program> -DPARAMS=<params file> -P run_case.cmake
# The params file (written by tests/battery/CMakeLists.txt) sets CASE_NAME, EXPECT_EXIT, REGEX and ARGS_CODE (the
# arguments as bracket arguments, so that an empty argument or one with spaces reaches the program as it is).
# The case passes when the program
#   - ends by itself (no signal, no hang: at most TIMEOUT_S seconds) with exit status EXPECT_EXIT,
#   - prints (stdout and stderr together) something matching REGEX,
#   - prints no standalone nan or inf (in any case) outside single-quoted text: a refusal may echo the bad value,
#     'inf', but no computed number may be NaN or infinite.
if(NOT DEFINED TIMEOUT_S)
    set(TIMEOUT_S 10)
endif()
if("${TOOL}" STREQUAL "")
    message("battery skipped: the program of this case is not built in this configuration")
    return()
endif()
include("${PARAMS}")

cmake_language(EVAL CODE
    "execute_process(COMMAND [==[${TOOL}]==] ${ARGS_CODE}
         RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT ${TIMEOUT_S})")
set(all "${out}${err}")
set(shown "command: ${TOOL} ${ARGS_CODE}\noutput:\n${all}")

# execute_process gives a text, not a number, when the process was killed by a signal or timed out
if(NOT "${rc}" MATCHES "^-?[0-9]+$")
    message(FATAL_ERROR "${CASE_NAME}: the program did not exit normally: ${rc} (expected exit status ${EXPECT_EXIT})\n${shown}")
endif()
if(NOT "${rc}" STREQUAL "${EXPECT_EXIT}")
    message(FATAL_ERROR "${CASE_NAME}: exit status ${rc}, expected ${EXPECT_EXIT}\n${shown}")
endif()
if(NOT "${all}" MATCHES "${REGEX}")
    message(FATAL_ERROR "${CASE_NAME}: output does not match '${REGEX}'\n${shown}")
endif()
string(REGEX REPLACE "'[^'\n]*'" "''" unquoted "${all}")
if("${unquoted}" MATCHES "(^|[^A-Za-z])([nN][aA][nN]|[iI][nN][fF])([^A-Za-z]|$)")
    message(FATAL_ERROR "${CASE_NAME}: output contains nan or inf ('${CMAKE_MATCH_2}')\n${shown}")
endif()
message("${CASE_NAME}: exit ${rc}, output matches '${REGEX}'")
