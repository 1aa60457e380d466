//! The shared cases of `tests/component-cases/` (format in its README), run
//! by wasmtime over the in-memory fakes. `hosts/node` runs the same files
//! under jco, so a case added once checks both engines.

mod support;

use hostkey_host::Runtime;
use support::cases::{case_files, read, run_case};
use support::{options, shipped};

#[test]
fn every_shared_case_passes_under_wasmtime() {
    let rt = Runtime::new(options(shipped())).expect("the component loads");
    let files = case_files();
    assert!(files.len() >= 6, "only {} case files", files.len());
    let mut failures = Vec::new();
    for file in &files {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
        for failure in run_case(&rt, &read(file)) {
            failures.push(format!("{}: {failure}", name.clone().unwrap_or_default()));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
