//! `memory::with_budget` under the binary's counting allocator, with small budgets: work within
//! its budget gives its result, work past it fails alone (its thread parked, the process going
//! on), and after `PARKED_MAX` such threads budgeted work is refused without starting.

use zongjie::template::memory::{parked, with_budget, Over, PARKED_MAX};

#[global_allocator]
static ALLOCATOR: zongjie::template::memory::Counting = zongjie::template::memory::Counting;

const MB: usize = 1 << 20;

#[test]
fn work_past_its_budget_fails_alone_until_too_many_threads_are_parked() {
    // One test, as the parked threads are the process's.
    assert_eq!(with_budget(MB, || vec![1u8; MB / 2].len()), Ok(MB / 2));
    // Freed memory counts back: a megabyte a hundred times over fits a megabyte.
    assert_eq!(with_budget(MB, || (0..100).map(|_| vec![1u8; MB - 4096].len()).sum::<usize>()), Ok(100 * (MB - 4096)));
    // A panic in the work is the caller's panic.
    let panicked = std::panic::catch_unwind(|| with_budget(MB, || panic!("inside")));
    assert_eq!(panicked.unwrap_err().downcast_ref::<&str>(), Some(&"inside"));
    for n in 1..=PARKED_MAX {
        let doubling = || {
            let mut s = String::from("x");
            loop {
                s = s.repeat(2);
            }
        };
        assert_eq!(with_budget(8 * MB, doubling), Err(Over::Spent));
        assert_eq!(parked(), n);
    }
    assert_eq!(with_budget(MB, || 1), Err(Over::Refused));
    // Outside a budget this thread allocates as before.
    assert_eq!(vec![0u8; 64 * MB].len(), 64 * MB);
}
