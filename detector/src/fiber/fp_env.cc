// fp_env.cc — the <fenv.h> functions that set the floating-point environment, interposed
// so that a controlled run's fibers keep one each from then on (fiber_tls.h, fp_env).
//
// Defined in liblab.a, they are linked into a program that calls one (its reference pulls
// this object in) and reach libm's own through dlsym(RTLD_NEXT). Each marks the calling OS
// thread first (TrackFpEnv: cheap after the first call), whether a controlled run is on it
// or not: a run started later on that thread keeps the environments too.
#include <dlfcn.h>
#include <fenv.h>

#include <cstdio>
#include <cstdlib>

#include "fiber.h"

namespace {

// libm's definition of `name`; the program has libm (libstdc++ needs it).
void* Next(const char* name) {
  void* f = dlsym(RTLD_NEXT, name);
  if (f == nullptr) {
    if (void* libm = dlopen("libm.so.6", RTLD_NOW | RTLD_NOLOAD)) f = dlsym(libm, name);
  }
  if (f == nullptr) {
    std::fprintf(stderr, "lab: internal error: libm's %s not found\n", name);
    std::abort();
  }
  return f;
}

template <typename Fn>
Fn Real(const char* name) {
  return reinterpret_cast<Fn>(Next(name));
}

}  // namespace

// Each resolves libm's function once (a function-local static: thread-safe).
#define LAB_FENV_SETTER(ret, name, params, args)                   \
  extern "C" ret name params noexcept {                            \
    lab::internal::TrackFpEnv();                                   \
    static const auto real = Real<ret(*) params>(#name);           \
    return real args;                                              \
  }

LAB_FENV_SETTER(int, fesetround, (int mode), (mode))
LAB_FENV_SETTER(int, fesetenv, (const fenv_t* env), (env))
LAB_FENV_SETTER(int, feupdateenv, (const fenv_t* env), (env))
LAB_FENV_SETTER(int, feholdexcept, (fenv_t* env), (env))
LAB_FENV_SETTER(int, feclearexcept, (int excepts), (excepts))
LAB_FENV_SETTER(int, feraiseexcept, (int excepts), (excepts))
LAB_FENV_SETTER(int, fesetexceptflag, (const fexcept_t* flags, int excepts), (flags, excepts))
#ifdef __USE_GNU
LAB_FENV_SETTER(int, feenableexcept, (int excepts), (excepts))
LAB_FENV_SETTER(int, fedisableexcept, (int excepts), (excepts))
#endif
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 25) && defined(__USE_GNU)
LAB_FENV_SETTER(int, fesetexcept, (int excepts), (excepts))
LAB_FENV_SETTER(int, fesetmode, (const femode_t* modep), (modep))
#endif

#undef LAB_FENV_SETTER
