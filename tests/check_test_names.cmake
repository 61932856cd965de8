# ctest passes each TEST_CASE name to doctest as a filter; a ';' splits the name into CMake list items and the
# filter then matches no test, which passes silently. Fail on such names.
file(GLOB sources "${DIR}/*.cpp")
set(bad "")
foreach(f IN LISTS sources)
    file(STRINGS "${f}" lines REGEX "TEST_CASE")
    foreach(l IN LISTS lines)
        # a ';' inside the quoted name arrives here as a list separator, so look for an unbalanced quote instead
        string(REGEX MATCHALL "\"" quotes "${l}")
        list(LENGTH quotes n)
        math(EXPR odd "${n} % 2")
        if(odd)
            string(APPEND bad "\n  ${f}: ${l}")
        endif()
    endforeach()
endforeach()
if(bad)
    message(FATAL_ERROR "TEST_CASE names must not contain ';':${bad}")
endif()
