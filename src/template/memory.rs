//! A memory budget for work that a workspace's own text drives: rendering a template. Fuel
//! counts a template's instructions and the output cap its text, but neither bounds what it
//! builds in between: `{% set ns.s = ns.s ~ ns.s %}` in a loop doubles a string each time, and
//! thirty rounds would take the machine's memory before the kernel killed the process.
//!
//! The binary's global allocator is [`Counting`]: while a thread runs inside [`with_budget`], it
//! counts what that thread allocates less what it frees, and once that passes the budget it
//! prints the message it was given and ends the process with exit code 1. Files are written by
//! temporary file and rename, so stopping there leaves each of them whole, as a kill would.
//! Outside a budget (and in builds without this allocator, such as the library's tests) it is
//! the system allocator and nothing more.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The global allocator of the `zongjie` binary: the system allocator, counting bytes on a
/// thread that runs inside [`with_budget`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Counting;

thread_local! {
    // Constant-initialised and without destructors: safe to touch from inside the allocator.
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
    static LEFT: Cell<isize> = const { Cell::new(0) };
    static MESSAGE: Cell<(*const u8, usize)> = const { Cell::new((std::ptr::null(), 0)) };
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
                // No more counting: what follows (the message, the exit) may allocate.
                active.set(false);
            }
            left < 0
        })
        .unwrap_or(false);
    if over {
        over_budget();
    }
}

#[cold]
fn over_budget() -> ! {
    use std::io::Write;
    let (ptr, len) = MESSAGE.get();
    if !ptr.is_null() {
        // SAFETY: with_budget keeps the message alive until the budget ends, and this runs
        // inside it, on the thread that set it.
        let message = unsafe { std::slice::from_raw_parts(ptr, len) };
        let _ = std::io::stderr().write_all(message);
    }
    std::process::exit(1)
}

// SAFETY: every call is passed on to the system allocator unchanged; counting only reads and
// writes this thread's constant-initialised cells.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        charge(layout.size() as isize);
        // SAFETY: the caller's guarantees are those of System.alloc.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
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

/// Runs `work` with at most `budget` more bytes held by this thread. Past that, `message` is
/// printed as an error line (`错误：` or `error: `) and the process ends with exit code 1. Without the [`Counting`]
/// allocator installed, `work` simply runs.
pub fn with_budget<T>(budget: usize, message: &str, work: impl FnOnce() -> T) -> T {
    // Made before counting starts and freed after it ends.
    let text = format!("{}{message}\n", rust_i18n::t!("common.error"));
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            ACTIVE.set(false);
            MESSAGE.set((std::ptr::null(), 0));
        }
    }
    MESSAGE.set((text.as_ptr(), text.len()));
    LEFT.set(isize::try_from(budget).unwrap_or(isize::MAX));
    ACTIVE.set(true);
    let reset = Reset;
    let result = work();
    drop(reset);
    drop(text);
    result
}
