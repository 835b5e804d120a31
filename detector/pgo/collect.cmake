# cmake -DRAW=<dir> -DPROFILE=<dir> -DMAPPING=<from=to;...> -P collect.cmake
#
# GCC names a profile file after its object, the absolute path with '/' written '#'
# (-fprofile-generate=DIR, -fprofile-use=DIR). The training wrote the counts of the twins'
# objects (MAPPING's "from" directories); this copies each to the name the final object of
# the same source looks for ("to"). A count file no pair renames is an error: the twins and
# the final objects no longer line up, and the build would quietly lose its profile.
file(GLOB counts RELATIVE ${RAW} ${RAW}/*.gcda)
if(NOT counts)
  message(FATAL_ERROR "LAB_PGO: the training runs wrote no profile in ${RAW}")
endif()
file(MAKE_DIRECTORY ${PROFILE})
foreach(name ${counts})
  set(renamed "")
  foreach(pair ${MAPPING})
    string(REPLACE "=" ";" pair "${pair}")
    list(GET pair 0 from)
    list(GET pair 1 to)
    string(REPLACE "/" "#" from "${from}")
    string(REPLACE "/" "#" to "${to}")
    string(FIND "${name}" "${from}" at)
    if(at EQUAL 0)
      string(LENGTH "${from}" n)
      string(SUBSTRING "${name}" ${n} -1 rest)
      set(renamed "${to}${rest}")
      break()
    endif()
  endforeach()
  if(NOT renamed)
    message(FATAL_ERROR "LAB_PGO: ${name} is no twin object's profile")
  endif()
  file(COPY_FILE ${RAW}/${name} ${PROFILE}/${renamed})
endforeach()
list(LENGTH counts n)
message(STATUS "LAB_PGO: ${n} profiles for liblab and liblab_std")
