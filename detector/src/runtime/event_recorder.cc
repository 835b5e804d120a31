// event_recorder.cc — see event_recorder.h and dpor_event.h. What each operation touches,
// and when its step would only park the thread; the conditions mirror lock_ops.cc and
// wait_ops.cc.
#include "event_recorder.h"

namespace lab::internal {
namespace {

bool IsSharedMutex(const ObjectState* s) { return s->kind == ObjKind::kSharedMutex; }

// An exclusive acquisition by `t` would park it (LockImpl, the CondVar re-acquisition).
bool ExclusiveBusy(const ObjectState* s, const ThreadState* t) {
  const ThreadState* owner = s->owner.load(std::memory_order_relaxed);
  if (owner == t) return false;  // RLock recursion, or self-deadlock (a finding): runs
  return owner != nullptr || (IsSharedMutex(s) && s->readers > 0);
}

// A shared acquisition would park it: a writer holds it or waits (LockSharedOp).
bool SharedBusy(const ObjectState* s, const ThreadState* t) {
  const ThreadState* owner = s->owner.load(std::memory_order_relaxed);
  if (owner == t) return false;  // self-deadlock: a finding, runs
  return owner != nullptr || s->count > 0;
}

bool Holds(const ThreadState* t, const ObjectState* s) {
  for (const HeldLock& h : t->held) {
    if (h.obj == s) return true;
  }
  return false;
}

}  // namespace

void EventRecorder::Grow(std::uint32_t tid) {
  if (ops_.size() <= tid) {
    ops_.resize(tid + 1, OpCode::kStart);
    objs_.resize(tid + 1, nullptr);
    wait_locks_.resize(tid + 1);
  }
}

void EventRecorder::OnPoint(const ThreadState* t, OpCode op, const ObjectState* obj) {
  Grow(t->tid);
  ops_[t->tid] = op;
  objs_[t->tid] = obj;
  if (op == OpCode::kWait) {
    // Which lock the wait releases is not announced: every lock the thread holds stands
    // for it (a superset: more dependences, never fewer).
    auto& locks = wait_locks_[t->tid];
    locks.clear();
    for (const HeldLock& h : t->held) locks.push_back(h.obj);
  }
}

void EventRecorder::OnSpawn(const ThreadState* t) {
  Grow(t->tid);
  ops_[t->tid] = OpCode::kStart;
  objs_[t->tid] = nullptr;
}

void EventRecorder::AddObject(const ObjectState* obj, bool write) {
  if (obj == nullptr) return;
  if (obj->kind == ObjKind::kThread && obj->thread != nullptr) {
    Add(ThreadTag(obj->thread->tid), write);
  } else {
    Add(reinterpret_cast<std::uintptr_t>(obj), write);
  }
}

bool EventRecorder::WaitLocksBusy(const ThreadState* t) const {
  if (t->tid >= wait_locks_.size()) return false;
  for (const ObjectState* l : wait_locks_[t->tid]) {
    if (!Holds(t, l) && ExclusiveBusy(l, t)) return true;  // the one the wait released
  }
  return false;
}

EventStatus EventRecorder::Announced(const ThreadState* t, OpCode op, const ObjectState* obj) {
  constexpr EventStatus kOn = EventStatus::kEnabled;
  constexpr EventStatus kOff = EventStatus::kWouldBlock;
  switch (op) {
    case OpCode::kRead:
    case OpCode::kAtomicLoad:
    case OpCode::kIsSet:
      AddObject(obj, false);
      return kOn;
    case OpCode::kLock:
      AddObject(obj, true);
      return ExclusiveBusy(obj, t) ? kOff : kOn;
    case OpCode::kLockShared:
      AddObject(obj, true);
      return SharedBusy(obj, t) ? kOff : kOn;
    case OpCode::kAcquire:  // blocking (or timed) semaphore acquire
      AddObject(obj, true);
      return obj->count <= 0 ? kOff : kOn;
    case OpCode::kEventWait:
      // Waiting on a set event only reads it; on an unset one it parks (enqueues).
      AddObject(obj, !obj->is_set);
      return obj->is_set ? kOn : kOff;
    case OpCode::kJoin:
      AddObject(obj, true);
      return obj->thread != nullptr && !obj->thread->finished ? kOff : kOn;
    case OpCode::kWait:
      // Releases its lock (waking a waiter of it) and parks on the condvar.
      AddObject(obj, true);
      for (const ObjectState* l : wait_locks_[t->tid]) AddObject(l, true);
      return kOn;
    case OpCode::kSpawn:
      Add(kSpawnTag, true);
      return kOn;
    case OpCode::kYield:
      Add(kYieldTag, true);
      return kOn;
    case OpCode::kSleep:  // virtual time: see dpor_strategy.cc
    case OpCode::kStart:
    case OpCode::kCharge:
    case OpCode::kExit:
    case OpCode::kBlocked:
    case OpCode::kWoke:
      return kOn;
    default:
      // Every other operation on an object changes it (try_lock, unlock, notify, release,
      // set, clear, barrier arrival, writes, read-modify-writes): a write, never parks.
      AddObject(obj, true);
      return kOn;
  }
}

EventStatus EventRecorder::Continuation(const ThreadState* t) {
  constexpr EventStatus kOn = EventStatus::kEnabled;
  constexpr EventStatus kOff = EventStatus::kWouldBlock;
  const ObjectState* obj = t->waiting_on.load(std::memory_order_relaxed);
  if (obj == nullptr) return kOn;  // after a sleep: its own code only
  AddObject(obj, true);
  const bool gave_up = t->timed_out;  // a timed wait that timed out returns, never parks
  switch (t->wait_kind) {
    case WaitKind::kLock:
      return !gave_up && ExclusiveBusy(obj, t) ? kOff : kOn;
    case WaitKind::kLockShared:
      return !gave_up && SharedBusy(obj, t) ? kOff : kOn;
    case WaitKind::kJoin:
      return obj->thread != nullptr && !obj->thread->finished ? kOff : kOn;
    case WaitKind::kCondVar:
      // Leaves the condvar, then re-acquires the lock it released.
      for (const ObjectState* l : wait_locks_[t->tid]) AddObject(l, true);
      return WaitLocksBusy(t) ? kOff : kOn;
    case WaitKind::kSemaphore:
      return !gave_up && obj->count <= 0 ? kOff : kOn;
    case WaitKind::kEvent:
      return !gave_up && !obj->is_set ? kOff : kOn;
    default:
      return kOn;
  }
}

namespace {
// The executable's static data (.data, .bss), where the linker puts these symbols: a
// global's address is the same in every schedule. Everything else that is no lab thread's
// stack (the heap; a shared library's data) is a HeapWord.
extern "C" char __data_start[];  // NOLINT: glibc's crt1.o
extern "C" char _end[];           // NOLINT: the linker's
bool InStaticData(std::uintptr_t a) {
  return a >= reinterpret_cast<std::uintptr_t>(__data_start) &&
         a < reinterpret_cast<std::uintptr_t>(_end);
}
}  // namespace

void EventRecorder::OnPlainAccess(std::uintptr_t addr, std::size_t size, bool write,
                                  std::uint32_t stack_tid, const char* stack_top) {
  const auto top = reinterpret_cast<std::uintptr_t>(stack_top);
  if (size == 0) return;
  // A range (memcpy, a std::string) is taken whole: footprints may be larger than needed,
  // never smaller.
  const std::uintptr_t last = PlainWord(addr + size - 1);
  for (std::uintptr_t w = PlainWord(addr);; w += 8) {
    bool added = false;
    const std::uint32_t index =
        plain_index_.Get(w, static_cast<std::uint32_t>(plain_.size()), &added);
    if (added) {
      const std::uintptr_t word = w & ~std::uintptr_t{7};
      const std::uintptr_t where = top != 0           ? StackWord(stack_tid, top - word)
                                   : InStaticData(word) ? word
                                                        : HeapWord(word);
      plain_.push_back({w, write, where});
    } else {
      plain_[index].write |= write;
    }
    if (w == last) break;
  }
}

void EventRecorder::Describe(const Run* run, bool spurious) {
  const std::size_t n = run->threads.size();
  events_.resize(n);
  acc_.clear();
  if (n > 0) Grow(static_cast<std::uint32_t>(n - 1));
  for (std::size_t i = 0; i < n; ++i) {
    const ThreadState* t = run->threads[i].get();
    ThreadEvent& ev = events_[i];
    ev.first = static_cast<std::uint32_t>(acc_.size());
    if (t->finished || t->sched == ThreadState::Sched::kFinished) {
      ev.status = EventStatus::kFinished;
    } else if (t->sched == ThreadState::Sched::kBlocked) {
      Continuation(t);
      ev.status = EventStatus::kBlocked;
      if (spurious && t->wait_kind == WaitKind::kCondVar) {
        ev.status = EventStatus::kSpurious;
        Add(kSpuriousTag, true);
      }
    } else if (t->waiting_on.load(std::memory_order_relaxed) != nullptr ||
               t->wait_kind != WaitKind::kNone) {
      ev.status = Continuation(t);
    } else {
      ev.status = Announced(t, ops_[i], objs_[i]);
    }
    ev.count = static_cast<std::uint32_t>(acc_.size()) - ev.first;
  }
}

}  // namespace lab::internal
