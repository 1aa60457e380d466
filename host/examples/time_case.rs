//! Times one shared component case under wasmtime (for `bench/engines.sh`;
//! `hosts/node/bench/time-case.js` times it under jco). Prints one JSON line.
//!
//!     time_case <case.json> <runs>

#[path = "../tests/support/mod.rs"]
mod support;

use hostkey_host::Runtime;
use std::path::PathBuf;
use std::time::Instant;
use support::cases::{read, run_case};
use support::{options, shipped};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(case), Some(runs)) = (args.next(), args.next()) else {
        eprintln!("usage: time_case <case.json> <runs>");
        std::process::exit(2);
    };
    let Some(runs) = runs.parse::<usize>().ok().filter(|&n| n > 0) else {
        eprintln!("runs must be a positive number");
        std::process::exit(2);
    };
    let case = read(&PathBuf::from(&case));
    let rt = Runtime::new(options(shipped())).expect("the component loads");
    let mut times = Vec::with_capacity(runs);
    // One run more than timed: the first warms the caches.
    for run in 0..=runs {
        let started = Instant::now();
        let failures = run_case(&rt, &case);
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        if !failures.is_empty() {
            eprintln!("the case failed under wasmtime:\n{}", failures.join("\n"));
            std::process::exit(1);
        }
        if run > 0 {
            times.push(elapsed);
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{}",
        serde_json::json!({
            "engine": "wasmtime",
            "runs": runs,
            "median_ms": times[times.len() / 2],
            "min_ms": times[0],
        })
    );
}
