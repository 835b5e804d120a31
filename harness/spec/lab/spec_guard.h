// lab/spec_guard.h — included between the student's solution and the spec: re-asserts the
// spec macros, so a solution that redefines them cannot change what the spec checks.
#undef LAB_PUZZLE
#undef LAB_FORBID
#undef LAB_SCENARIO
#undef LAB_EXPECT
#undef LAB_EXPECT_EQ
#undef LAB_SPEC_CAT
#undef LAB_SPEC_CAT2
#include "lab/spec_macros.h"
