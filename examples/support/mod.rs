//! What the speed examples share: the time budget from the command line and the
//! thread's time on a CPU.

use std::time::Duration;

/// The seconds to measure for, from the first argument (3 when none is given).
pub fn budget() -> Duration {
    let seconds: f64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    Duration::from_secs_f64(seconds)
}

/// Nanoseconds this thread has run on a CPU, where the system says (Linux:
/// `/proc/thread-self/schedstat`), which stays meaningful when other work on the
/// machine takes the core away now and then.
pub fn on_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
