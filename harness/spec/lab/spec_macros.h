// lab/spec_macros.h — the spec macros (LAB_PUZZLE, LAB_FORBID, LAB_SCENARIO, LAB_EXPECT,
// LAB_EXPECT_EQ). Deliberately without an include guard: lab/spec.h includes it, and
// lab/spec_guard.h #undefs every macro and includes it again after the student's code.
#define LAB_SPEC_CAT2(a, b) a##b
#define LAB_SPEC_CAT(a, b) LAB_SPEC_CAT2(a, b)

#define LAB_PUZZLE(name) \
  static ::lab::spec::PuzzleNamer LAB_SPEC_CAT(lab_puzzle_namer_, __LINE__)(name, __FILE__)

#define LAB_FORBID(primitive, why)                                                 \
  static ::lab::spec::Forbidder LAB_SPEC_CAT(lab_forbid_, __LINE__)(                 \
      ::lab::spec::ForbiddenPrimitive{::lab::spec::KindOf<primitive>::value, #primitive, \
                                      why, __FILE__})

#define LAB_SCENARIO(ident, ...)                                                   \
  static void lab_scenario_##ident();                                              \
  static ::lab::spec::Registrar lab_scenario_reg_##ident(                          \
      ::lab::spec::ScenarioConfig{.name = #ident, __VA_ARGS__}, &lab_scenario_##ident); \
  static void lab_scenario_##ident()

#define LAB_EXPECT(cond, message)                                                      \
  do {                                                                                 \
    if (!(cond)) ::lab::spec::Fail(std::string(message));                              \
  } while (0)

#define LAB_EXPECT_EQ(actual, expected)                                                 \
  do {                                                                                  \
    const auto& lab_a_ = (actual);                                                      \
    const auto& lab_e_ = (expected);                                                    \
    if (!(lab_a_ == lab_e_))                                                            \
      ::lab::spec::Fail("expected " #actual " == " + ::lab::spec::Show(lab_e_) +        \
                        ", got " + ::lab::spec::Show(lab_a_));                          \
  } while (0)
