// explanations.cc — the teaching text of every finding kind (`lab explain <id>`).
//
// Each text says what happened, why it is a bug and the usual fixes, in 4 to 10 lines of
// at most 90 columns, with no trailing newline. Writers indent and print it verbatim, so
// the text is written here exactly as a student reads it; tests/finding_test.cc checks
// the line count and width. The audience is a course on threads, locks and RLocks, races,
// deadlocks, thread pools, producer-consumer, events and asyncio-style gather: name the
// primitive to use in both dialects, briefly (lab::Semaphore, std::counting_semaphore) or
// by a generic word ("a condition variable"), since one text serves lab:: and std::
// submissions alike; and the Python habit where one explains the mistake.

#include "lab/finding.h"

#include <string_view>

namespace lab {
namespace {

// Lets each text start on the line after `R"(` so that it reads here as it prints.
constexpr std::string_view Text(std::string_view raw) { return raw.substr(1); }

constexpr std::string_view kDeadlockText = Text(R"(
Each thread in the cycle holds a lock (or is being joined) and waits for a lock that
another thread in the cycle holds, so none of them can ever go on: the program stops.
The classic case is ABBA: one thread locks 'a' then 'b', another locks 'b' then 'a', and
each gets its first lock before the other gets its second.
Fixes: acquire locks in one global order everywhere (a resource hierarchy: lower account
id or fork number first), or take them together with std::scoped_lock lk(a, b), which
never deadlocks whatever the order. Do not join a thread, or call code that may lock,
while holding a lock that the other thread needs.)");

constexpr std::string_view kStallText = Text(R"(
Every live thread is blocked waiting for something that no running thread will ever
signal: a condition variable nobody notifies, a semaphore nobody releases, a lab::Event
nobody sets, a barrier or latch missing a party. No lock is the problem; a signal is.
Common causes: a lost wake-up (notify_one() ran before the other thread started waiting,
and the waiter did not check a condition first); notify_one() where several threads wait
for different conditions (use notify_all(), or one condvar per condition); a release()
or set() missing on some path (an early return, the last item); more acquires than
releases. Wait on state guarded by the lock, in a loop: cv.wait(lk, [&] { return ready; })
or `while (!ready) cv.wait(lk);` (while, not if: wake-ups may be spurious).)");

constexpr std::string_view kSelfDeadlockText = Text(R"(
A thread tried to lock a mutex (lab::Mutex, std::mutex) that it already holds. A mutex is
not reentrant: the second lock() waits for the owner to unlock, and the owner is itself.
Usually a method that takes the lock calls another that takes it again (add_many() calling
add() in the Inventory puzzle): move the work into a private helper that expects the lock
held (addLocked()) and call it from both; or, when re-entry is intended, use lab::RLock /
std::recursive_mutex (Python's threading.RLock), which counts acquisitions.
Or the mutex is used as a signal: a thread locks it again to wait until another thread
unlocks it, as Python's threading.Lock allows. A mutex is owned: only its holder may
unlock it. Signal with a semaphore starting at 0 (lab::Semaphore, std::binary_semaphore):
the waiter acquires it, the other thread releases it.)");

constexpr std::string_view kLockOrderInversionText = Text(R"(
Threads take the same locks in different orders: one holds 'a' while it locks 'b',
another holds 'b' while it locks 'a' (or a longer cycle). If they run those sections at
the same moment, each holds one lock and waits for the other: a deadlock. It is reported
even when this run did not deadlock, because another timing will; this run was lucky.
Fix: give the locks one global order (a resource hierarchy: lock the lower account id or
fork number first) and always acquire in that order, or lock them together with
std::scoped_lock lk(a, b), which avoids deadlock whatever the order. A gate also works:
one lock held around every such section, or a semaphore (lab::Semaphore,
std::counting_semaphore) with fewer permits than the cycle has locks ("at most four
philosophers at the table").)");

constexpr std::string_view kDataRaceText = Text(R"(
Two threads accessed the same variable (a plain int, bool or std::deque, or a
lab::Shared<T>), at least one of them writing, and nothing ordered the two accesses: no
lock held by both, no join, no signal between them (no happens-before). The result then
depends on timing. The classic symptom is the lost update: both threads read n == 5, both
write 6, and one increment is gone (`n += 1` is a read and then a write, not one step; a
sleep between them, as in the lecture's FakeDatabase, makes the loss likely).
Fix: guard every access to the shared state, reads too, with the same mutex (std::mutex or
lab::Mutex), held around the whole read-modify-write (std::lock_guard lk(m);), or hand the
data over through a join, a semaphore, an event or an atomic: a release (or seq_cst) store
read by an acquire load orders them; std::memory_order_relaxed orders nothing.)");

constexpr std::string_view kUnlockNotOwnerText = Text(R"(
A thread unlocked a mutex (lab::Mutex, std::mutex, or a recursive one) that another
thread holds. Only the owner may unlock a mutex; for std::mutex this is undefined
behaviour. The lab reports it and then carries the unlock out, so the run goes on.
This is usually a Python habit: threading.Lock may be released by any thread, so it is
often used as a signal (lock it, let another thread release it). A C++ mutex may not.
To signal between threads use a semaphore that starts at 0 (lab::Semaphore done{0}, or
std::binary_semaphore done{0}): one thread calls done.release(), the other done.acquire();
or a condition variable with a flag (lab::CondVar, std::condition_variable).
Use a mutex only for mutual exclusion: lock and unlock it in the same thread, best through
std::lock_guard or std::unique_lock.)");

constexpr std::string_view kUnlockUnlockedText = Text(R"(
A thread unlocked a lock that was not locked: an unlock() without a matching lock(), or
a second unlock() of the same acquisition. For std::mutex this is undefined behaviour;
Python raises RuntimeError("release unlocked lock").
It usually means hand-written lock()/unlock() calls that got out of step: an unlock on an
early-return path and again at the end, or an unlock() of a lock that a std::lock_guard
already releases when it goes out of scope.
Fix: let RAII do the unlocking (std::lock_guard, std::unique_lock, std::scoped_lock) and
never call unlock() by hand on a lock that a guard owns.)");

constexpr std::string_view kDestroyedWhileLockedText = Text(R"(
A lock was destroyed while a thread still held it. For std::mutex this is undefined
behaviour, and a thread still waiting for the lock would be waiting on freed memory.
It usually means the object that owns the lock (a queue, a bank, a local variable of the
function that started the threads) went out of scope, or was deleted or freed, before the
threads using it were done, or that a lock() was never matched by an unlock().
Fix: join every thread that uses an object before the object is destroyed, and release
locks through RAII guards (std::lock_guard, std::unique_lock) so every path unlocks.)");

constexpr std::string_view kExitHoldingLockText = Text(R"(
A thread finished while still holding a lock. No other thread can ever take that lock
again, so the next thread that needs it waits forever.
The usual cause is a hand-written lock() whose unlock() is skipped on some path: an early
return, a break out of a loop, or an exception thrown between the two.
Fix: use std::lock_guard, std::unique_lock or std::scoped_lock so the lock is released on
every way out of the scope, exceptions included, and keep the locked region small.)");

constexpr std::string_view kWaitWithoutLockText = Text(R"(
A thread waited on a condition variable (lab::CondVar, std::condition_variable) without
holding the lock that guards the condition (its std::unique_lock was not locked). wait()
must release the lock and go to sleep in one step; without the lock, a notify can come
between checking the condition and starting to wait, and that wake-up is lost. C++ makes
this undefined behaviour; Python raises RuntimeError("cannot wait on un-acquired lock").
Fix: std::unique_lock lk(m); cv.wait(lk, [&] { return ready; }); with the same mutex
guarding the condition's state where it is changed (before notify) and where it is
checked. Prefer the predicate form: it loops, so it also handles spurious wake-ups.)");

constexpr std::string_view kSemaphoreOverReleaseText = Text(R"(
A semaphore was released more often than it was acquired, so its count rose above its
bound: a lab::BoundedSemaphore's initial value (Python's BoundedSemaphore raises
ValueError here), or the max() N of a std::counting_semaphore<N> (1 for a
std::binary_semaphore), past which C++ makes release() undefined behaviour.
A bounded semaphore counts a fixed pool (slots in a queue, seats at the table); an extra
release() invents a slot that does not exist and later lets one thread too many in.
Usual causes: a release on a path that never acquired, a release done twice (a
binary_semaphore used as a flag set twice), or releasing the wrong one of a pair.
Fix: pair every release() with exactly one earlier acquire() of the same semaphore.)");

constexpr std::string_view kThreadNotJoinedText = Text(R"(
A thread (lab::Thread, std::thread) was destroyed while still joinable: nobody called
join(). A std::thread destroyed that way terminates the whole program; the lab reports it
and then joins the thread, so the run goes on.
Without a join, the code that started the thread does not wait for its work: reading its
results is a race, and the thread may outlive the data it uses.
Fix: join() every thread you start, for example keep them in a std::vector<lab::Thread>
and join them all before returning; a thread pool tells its workers to stop and joins
them in its destructor.)");

constexpr std::string_view kWrongOutputText = Text(R"(
The run finished without a detected deadlock or race, but the output is not what the
puzzle expects (the message shows the first difference).
With threads this is usually an ordering bug: a thread went ahead before its turn because
it checked its condition with `if` and then accepted a wake-up that was spurious or meant
for another thread (use while, not if: `while (!my_turn) cv.wait(lk);` or the predicate
form cv.wait(lk, pred)), or because the turn variable was read or changed without the
lock. It can also be plain logic: an off-by-one bound, a missed case, an item lost.
Replay the run to see the interleaving that produced this output.)");

constexpr std::string_view kLivelockText = Text(R"(
The run used up its step budget with threads still runnable: they keep running but make
no progress. Typical shapes: threads that take one lock, fail try_lock() on the next,
release and retry in lock-step forever (the too-polite philosophers); or a loop that
polls a flag with a yield or a sleep, waiting for a change that never comes.
Busy-waiting burns a CPU even when it does end.
Fix: block instead of polling: wait on a condition variable, a semaphore or a lab::Event
that the other thread signals. For retry loops, acquire the locks in one global order, or
all at once with std::scoped_lock, so that no retry is needed.)");

constexpr std::string_view kHangText = Text(R"(
A thread ran past the watchdog without reaching a scheduling point: it is looping without
calling any synchronisation primitive, so the scheduler can never run the thread that
would end the loop. Usually the loop spins on a plain bool or int (`while (!done) {}`):
the compiler may keep the value in a register and never see the change, and reading it
while another thread writes it is a data race anyway.
Fix: wait properly, on a condition variable (lab::CondVar, std::condition_variable) with a
flag guarded by a mutex, on a semaphore or on a lab::Event; a flag that must be polled
should be lab::Atomic<bool> or std::atomic<bool>, whose every load is a scheduling point.
A loop whose exit condition never becomes true hangs even with one thread: check it too.)");

constexpr std::string_view kTooSlowText = Text(R"(
The result is correct, but the run took longer (in virtual time) than the puzzle allows.
With threads the usual cause is over-serialisation: a lock held across a sleep, an I/O
call or other slow work makes the threads take turns. The run then costs its work (the
sum of all the steps) instead of its span (the longest chain of steps that must wait for
each other): span = work means no parallelism at all.
Fix: hold a lock only around the shared state itself, never across lab::sleep_for() or a
slow call: copy out what you need, unlock, do the slow part, lock again to store the
result. Lock per item rather than globally (per account, not per bank), and start every
task before waiting for any (gather: launch all, then join all).)");

constexpr std::string_view kCrashText = Text(R"(
The program was killed by a signal (segmentation fault, abort, failed assert(), a stack
overflow) or called exit() before it finished, or used a facility the lab cannot run
faithfully (the message names it and says what to write instead). Usual causes in
concurrent code: a thread using a reference to something out of scope (a lambda
capturing a local by reference), a container changed by one thread while another reads
it, an out-of-range index, a recursion without a base case, or std::terminate from a
thread never joined. A failed assert() names the thread and line; the interleaving shows
the order that makes it false. Fix: replay the run to reproduce the crash, run with
--tsan to find races on plain memory, capture by value what a thread needs, and guard
shared containers with a lock.)");

constexpr std::string_view kUncaughtExceptionText = Text(R"(
An exception escaped from a thread's function. In C++ an exception leaving a
std::thread's function calls std::terminate and ends the whole program; the lab reports
it with the thread's name and the exception's message instead.
On the exception's way out, a lock taken by hand may stay locked and a waiter may never
be notified, so one uncaught exception often causes a deadlock or stall as well.
Fix: catch the exception inside the thread and hand it to whoever waits for the result
(as std::future does, or as asyncio.gather re-raises a task's exception), and take locks
through RAII guards (std::lock_guard, std::unique_lock) so an exception releases them.)");

constexpr std::string_view kCompileErrorText = Text(R"(
The submission did not compile, so none of its tests could run. The compiler's messages
come with this finding, trimmed to the lines of your file. Read the first error first:
later ones often follow from it.
Check that the class and method signatures are exactly those of the puzzle's starter,
that you include "lab/sync.h" and every standard header you use, and that you use the
lab primitives by their names (lab::Mutex, lab::RLock, lab::CondVar, lab::Semaphore,
lab::Shared<T>). A compile that takes too long or too much memory is also reported here.)");

constexpr std::string_view kResourceLimitText = Text(R"(
The run exceeded a limit of the sandbox: CPU time, wall-clock time, memory, output size,
open files, or the number of processes and threads. It was stopped and counts as failed;
the other tests went on.
Usual causes: a new thread for every item without bound (use a fixed pool of workers);
a loop that never ends; a queue or vector that grows without bound because a consumer
is missing; printing inside a tight loop.
Fix: bound the number of threads (a thread pool of N workers), make sure every loop and
every producer stops, and print only what the puzzle asks for.)");

}  // namespace

std::string_view FindingTitle(FindingKind kind) {
  switch (kind) {
    case FindingKind::kDeadlock:
      return "Deadlock";
    case FindingKind::kStall:
      return "Stall: every thread is waiting";
    case FindingKind::kSelfDeadlock:
      return "Self-deadlock";
    case FindingKind::kLockOrderInversion:
      return "Potential deadlock (lock-order inversion)";
    case FindingKind::kDataRace:
      return "Data race";
    case FindingKind::kUnlockNotOwner:
      return "Unlock by a thread that does not own the lock";
    case FindingKind::kUnlockUnlocked:
      return "Unlock of a lock that is not locked";
    case FindingKind::kDestroyedWhileLocked:
      return "Lock destroyed while locked";
    case FindingKind::kExitHoldingLock:
      return "Thread exited holding a lock";
    case FindingKind::kWaitWithoutLock:
      return "Condition wait without its lock";
    case FindingKind::kSemaphoreOverRelease:
      return "Semaphore released too often";
    case FindingKind::kThreadNotJoined:
      return "Thread never joined";
    case FindingKind::kWrongOutput:
      return "Wrong output";
    case FindingKind::kLivelock:
      return "Livelock: no progress";
    case FindingKind::kHang:
      return "Hang: a thread never reached a scheduling point";
    case FindingKind::kTooSlow:
      return "Too slow";
    case FindingKind::kCrash:
      return "Crash";
    case FindingKind::kUncaughtException:
      return "Uncaught exception";
    case FindingKind::kCompileError:
      return "Compile error";
    case FindingKind::kResourceLimit:
      return "Resource limit exceeded";
  }
  return "Unknown finding";
}

std::string_view FindingExplanation(const Finding& f) {
  return f.why.empty() ? FindingExplanation(f.kind) : std::string_view(f.why);
}

std::string_view FindingExplanation(FindingKind kind) {
  switch (kind) {
    case FindingKind::kDeadlock:
      return kDeadlockText;
    case FindingKind::kStall:
      return kStallText;
    case FindingKind::kSelfDeadlock:
      return kSelfDeadlockText;
    case FindingKind::kLockOrderInversion:
      return kLockOrderInversionText;
    case FindingKind::kDataRace:
      return kDataRaceText;
    case FindingKind::kUnlockNotOwner:
      return kUnlockNotOwnerText;
    case FindingKind::kUnlockUnlocked:
      return kUnlockUnlockedText;
    case FindingKind::kDestroyedWhileLocked:
      return kDestroyedWhileLockedText;
    case FindingKind::kExitHoldingLock:
      return kExitHoldingLockText;
    case FindingKind::kWaitWithoutLock:
      return kWaitWithoutLockText;
    case FindingKind::kSemaphoreOverRelease:
      return kSemaphoreOverReleaseText;
    case FindingKind::kThreadNotJoined:
      return kThreadNotJoinedText;
    case FindingKind::kWrongOutput:
      return kWrongOutputText;
    case FindingKind::kLivelock:
      return kLivelockText;
    case FindingKind::kHang:
      return kHangText;
    case FindingKind::kTooSlow:
      return kTooSlowText;
    case FindingKind::kCrash:
      return kCrashText;
    case FindingKind::kUncaughtException:
      return kUncaughtExceptionText;
    case FindingKind::kCompileError:
      return kCompileErrorText;
    case FindingKind::kResourceLimit:
      return kResourceLimitText;
  }
  return "";
}

}  // namespace lab
