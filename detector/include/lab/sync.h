// lab/sync.h — everything a solution needs: #include "lab/sync.h".
//
//   lab::Mutex, lab::RLock, lab::SharedMutex      owned locks            (lab/mutex.h)
//   lab::CondVar                                  condition variable     (lab/condvar.h)
//   lab::Semaphore, lab::BoundedSemaphore         counting semaphores    (lab/semaphore.h)
//   lab::Event, lab::Barrier                      events, cyclic barrier (lab/event.h)
//   lab::Thread                                   named, checked thread  (lab/thread.h)
//   lab::Shared<T>, lab::Atomic<T>                race-checked state     (lab/shared.h, lab/atomic.h)
//   lab::sleep_for, lab::yield                    virtual or real time   (lab/time.h)
// std::lock_guard / unique_lock / scoped_lock / shared_lock of lab locks report your
// lines (lab/std_locks.h).
#pragma once

#include "lab/atomic.h"
#include "lab/condvar.h"
#include "lab/event.h"
#include "lab/mutex.h"
#include "lab/semaphore.h"
#include "lab/shared.h"
#include "lab/std_locks.h"
#include "lab/thread.h"
#include "lab/time.h"
