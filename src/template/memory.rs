//! A memory budget for work that a workspace's own text drives: rendering a template. Fuel
//! counts a template's instructions and the output cap its text, but neither bounds what it
//! builds in between: `{% set ns.s = ns.s ~ ns.s %}` in a loop doubles a string each time, and
//! thirty rounds would take the machine's memory before the kernel killed the process.
//!
//! The binary's global allocator is [`Counting`]. [`with_budget`] runs its work on a thread of
//! its own, and the allocator counts what that thread allocates less what it frees. An
//! allocator cannot unwind, so once the count passes the budget the allocation is not made: the
//! thread tells the waiting caller and parks for good, holding what it had (at most the
//! budget), and the caller gets [`Over::Spent`]. Only that build fails: the CLI says so and
//! exits 1, the other periods of `build --all` go on, and `zongjie serve` answers the next
//! request. After [`PARKED_MAX`] such threads a process renders no more ([`Over::Refused`]), so
//! a template cannot take the memory one budget at a time; `serve` then needs a restart.
//! Outside a budget (and in builds without this allocator, such as the library's tests, where
//! the work runs on the caller's thread) it is the system allocator and nothing more.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};

/// The global allocator of the `zongjie` binary: the system allocator, counting bytes on a
/// thread that [`with_budget`] started.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counting;

/// How many threads past their budget a process holds; after that, budgeted work is refused.
pub const PARKED_MAX: usize = 4;

/// The stack of a budgeted thread: that of a main thread, as the template engine recurses.
const STACK: usize = 8 << 20;

/// Whether [`Counting`] is the global allocator (it has allocated).
static INSTALLED: AtomicBool = AtomicBool::new(false);
/// How many threads are parked past their budget.
static PARKED: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    // Constant-initialised and without destructors: safe to touch from inside the allocator.
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
    static LEFT: Cell<isize> = const { Cell::new(0) };
    static WATCH: Cell<*const Watch> = const { Cell::new(std::ptr::null()) };
}

/// Why budgeted work gave no result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Over {
    /// It went past its budget; its thread is parked, holding at most the budget.
    Spent,
    /// It was not started: [`PARKED_MAX`] earlier threads are parked.
    Refused,
}

/// How a budgeted thread stands, for the caller waiting on it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum State {
    #[default]
    Running,
    Finished,
    Spent,
}

#[derive(Debug, Default)]
struct Watch {
    state: Mutex<State>,
    changed: Condvar,
}

impl Watch {
    fn set(&self, state: State) {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner) = state;
        self.changed.notify_all();
    }
}

/// Counts `bytes` (negative when freed) against the current thread's budget, if it has one.
fn charge(bytes: isize) {
    let over = ACTIVE
        .try_with(|active| {
            if !active.get() {
                return false;
            }
            let left = LEFT.get() - bytes;
            LEFT.set(left);
            if left < 0 {
                // No more counting: what follows may allocate, straight from the system.
                active.set(false);
            }
            left < 0
        })
        .unwrap_or(false);
    // A panic's hook allocates holding the process's backtrace and stderr locks: parked there,
    // the thread would hold them for good. Unwinding ends the work anyway; let it.
    if over && !std::thread::panicking() {
        spend();
    }
}

/// Past the budget, inside the allocator and before the system is asked for anything (so no
/// allocator lock is held): tells the caller, then parks this thread for good.
#[cold]
fn spend() -> ! {
    PARKED.fetch_add(1, Ordering::SeqCst);
    // SAFETY: WATCH points into the Arc that this thread's work holds until it returns, and
    // it never returns from here.
    if let Some(watch) = unsafe { WATCH.get().as_ref() } {
        watch.set(State::Spent);
    }
    loop {
        std::thread::park();
    }
}

fn installed() {
    if !INSTALLED.load(Ordering::Relaxed) {
        INSTALLED.store(true, Ordering::Relaxed);
    }
}

// SAFETY: every call is passed on to the system allocator unchanged, or never returns; counting
// only reads and writes this thread's constant-initialised cells.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        installed();
        charge(layout.size() as isize);
        // SAFETY: the caller's guarantees are those of System.alloc.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        installed();
        charge(layout.size() as isize);
        // SAFETY: as alloc.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        charge(-(layout.size() as isize));
        // SAFETY: ptr was allocated by System with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        charge(new_size as isize - layout.size() as isize);
        // SAFETY: as dealloc, and new_size is the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// How many threads are parked past their budget in this process.
pub fn parked() -> usize {
    PARKED.load(Ordering::SeqCst)
}

/// Runs `work` on a thread of its own holding at most `budget` more bytes, and waits for it.
/// Past the budget that thread stops for good and this returns [`Over::Spent`]; with
/// [`PARKED_MAX`] threads stopped so, it returns [`Over::Refused`] without starting. A panic in
/// `work` is resumed here. Without the [`Counting`] allocator installed, `work` simply runs.
pub fn with_budget<T: Send + 'static>(budget: usize, work: impl FnOnce() -> T + Send + 'static) -> Result<T, Over> {
    if !INSTALLED.load(Ordering::Relaxed) {
        return Ok(work());
    }
    if parked() >= PARKED_MAX {
        return Err(Over::Refused);
    }
    let watch = Arc::new(Watch::default());
    let theirs = Arc::clone(&watch);
    let worker = std::thread::Builder::new()
        .name("zongjie-budget".into())
        .stack_size(STACK)
        .spawn(move || {
            /// Ends the count and tells the caller, when `work` returns or unwinds.
            struct Finished(Arc<Watch>);
            impl Drop for Finished {
                fn drop(&mut self) {
                    ACTIVE.set(false);
                    self.0.set(State::Finished);
                }
            }
            let finished = Finished(theirs);
            WATCH.set(Arc::as_ptr(&finished.0));
            LEFT.set(isize::try_from(budget).unwrap_or(isize::MAX));
            ACTIVE.set(true);
            let result = work();
            drop(finished);
            result
        })
        .expect("failed to spawn a thread");
    let mut state = watch.state.lock().unwrap_or_else(PoisonError::into_inner);
    while *state == State::Running {
        state = watch.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
    }
    if *state == State::Spent {
        // The thread is left parked (its handle dropped): it never runs again.
        return Err(Over::Spent);
    }
    drop(state);
    match worker.join() {
        Ok(result) => Ok(result),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}
