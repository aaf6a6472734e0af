# Fails when a doctest TEST_CASE name contains a character that doctest_discover_tests cannot
# pass to ctest (';', '[', ']'): such a case would be registered but never run.
file(GLOB_RECURSE sources "${ROOT}/tests/*.cpp")
set(bad "")
foreach(f IN LISTS sources)
  file(READ "${f}" text)
  string(REGEX MATCH "TEST_CASE\\(\"[^\"\n]*[];[][^\"\n]*\"" hit "${text}")
  if(hit)
    string(APPEND bad "  ${f}\n")
  endif()
endforeach()
if(bad)
  message(FATAL_ERROR "TEST_CASE names with ';', '[' or ']' (ctest would never run them):\n${bad}")
endif()
