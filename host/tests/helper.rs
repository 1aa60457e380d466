//! `hostkey-host helper`: the per-user engine that outlives a web request.
//! Started as PHP starts it, then spoken to over its socket: the hello
//! (`SO_PEERCRED` seen from the helper), the folder and socket checks, one
//! helper per name, and the ways it ends.

mod support;

use serde_json::{Value as Json, json};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn private_folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hk-helper-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp folder");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    dir
}

/// A component of its own per test, so that changing it touches no other test.
fn component_in(dir: &Path) -> PathBuf {
    let wasm = dir.join("hostkey_guest.wasm");
    std::fs::copy(support::shipped(), &wasm).expect("copy of the component");
    wasm
}

fn start(dir: &Path, wasm: &Path, idle_ms: u64) -> (i32, Json) {
    let options = json!({ "component": wasm, "cache_dir": dir.join("cache") });
    let _ = std::fs::create_dir(dir.join("cache"));
    let _ = std::fs::set_permissions(dir.join("cache"), std::fs::Permissions::from_mode(0o700));
    let output = Command::new(env!("CARGO_BIN_EXE_hostkey-host"))
        .arg("helper")
        .arg("--dir")
        .arg(dir)
        .arg("--options")
        .arg(options.to_string())
        .arg("--idle-ms")
        .arg(idle_ms.to_string())
        .output()
        .expect("hostkey-host runs");
    let said = String::from_utf8_lossy(&output.stdout);
    let line = serde_json::from_str(said.lines().next().unwrap_or("null")).unwrap_or(Json::Null);
    let status = output.status.code().unwrap_or(-1);
    if status != 0 {
        return (
            status,
            json!({ "stderr": String::from_utf8_lossy(&output.stderr) }),
        );
    }
    (status, line)
}

fn socket_of(line: &Json) -> PathBuf {
    PathBuf::from(line["listening"].as_str().expect("a listening line"))
}

fn pid_of(line: &Json) -> i32 {
    i32::try_from(line["pid"].as_i64().expect("a pid")).expect("pid")
}

struct Connection {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
}

impl Connection {
    fn open(socket: &Path) -> Self {
        let stream = UnixStream::connect(socket).expect("connects");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        Self {
            writer: stream.try_clone().expect("clone"),
            reader: BufReader::new(stream),
        }
    }

    fn line(&mut self) -> Json {
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("reads");
        serde_json::from_str(&line).unwrap_or(Json::Null)
    }

    fn send(&mut self, line: &Json) {
        writeln!(self.writer, "{line}").expect("writes");
    }
}

/// Whether `pid` still runs: a zombie left for init counts as gone once its
/// last thread ended (until then, its descriptors, the socket too, stay open).
fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/status")).is_ok_and(|status| {
        let zombie = status.lines().any(|l| l.starts_with("State:\tZ"));
        let one_thread = status.lines().any(|l| l == "Threads:\t1");
        !(zombie && one_thread)
    })
}

fn gone_within(pid: i32, limit: Duration) -> bool {
    let until = Instant::now() + limit;
    while alive(pid) && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    !alive(pid)
}

fn stop(pid: i32) {
    // SAFETY: a signal to a helper this test started.
    unsafe { libc::kill(pid, libc::SIGKILL) };
}

#[test]
fn the_hello_names_both_ends_and_calls_follow_the_options() {
    let dir = private_folder("hello");
    let wasm = component_in(&dir);
    let (status, line) = start(&dir, &wasm, 20_000);
    assert_eq!(status, 0, "{line}");
    let socket = socket_of(&line);
    let pid = pid_of(&line);
    let meta = std::fs::symlink_metadata(&socket).expect("the socket");
    assert_eq!(meta.mode() & 0o777, 0o600);
    assert_eq!(meta.uid(), hostkey_host::helper::own_uid());

    let mut conn = Connection::open(&socket);
    let hello = conn.line();
    assert_eq!(hello["hello"], "hostkey-host");
    assert_eq!(hello["pid"], pid);
    assert_eq!(hello["uid"], hostkey_host::helper::own_uid());
    assert_eq!(
        hello["peer_pid"],
        std::process::id(),
        "the helper saw this process"
    );
    assert_eq!(hello["peer_uid"], hostkey_host::helper::own_uid());
    let digest = hello["component_sha256"].as_str().expect("a digest");
    assert_eq!(digest.len(), 64);
    conn.send(&json!({ "options": { "component": wasm, "cache_dir": dir.join("cache") } }));
    conn.send(&json!({ "call": "provisioning.meta-data" }));
    let answer = conn.line();
    assert!(answer["value"]["display-name"].is_string(), "{answer}");

    // Options for another component are refused before any call runs.
    let mut other = Connection::open(&socket);
    other.line();
    other.send(&json!({ "options": { "component": "/elsewhere/hostkey_guest.wasm", "cache_dir": dir.join("cache") } }));
    let refused = other.line();
    assert!(
        refused["refused"]
            .as_str()
            .is_some_and(|r| r.contains("another component")),
        "{refused}"
    );
    stop(pid);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_folder_others_may_enter_is_refused() {
    let dir = private_folder("open");
    let wasm = component_in(&dir);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let (status, line) = start(&dir, &wasm, 20_000);
    assert_eq!(status, 1);
    assert!(
        line["stderr"]
            .as_str()
            .is_some_and(|e| e.contains("not private to this user")),
        "{line}"
    );
    assert!(
        !std::fs::read_dir(&dir)
            .expect("list")
            .any(|e| e.is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".sock"))),
        "no socket in a shared folder"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn one_helper_per_name_and_a_stale_socket_is_replaced() {
    let dir = private_folder("one");
    let wasm = component_in(&dir);
    let (_, first) = start(&dir, &wasm, 20_000);
    let socket = socket_of(&first);
    let (status, second) = start(&dir, &wasm, 20_000);
    assert_eq!(status, 0);
    assert_eq!(
        second["busy"],
        json!(socket),
        "the second start leaves it to the first"
    );

    // Killed: its socket stays behind, stale; the next helper replaces it.
    stop(pid_of(&first));
    assert!(gone_within(pid_of(&first), Duration::from_secs(5)));
    assert!(socket.exists());
    assert!(
        UnixStream::connect(&socket).is_err(),
        "nobody listens on a stale socket"
    );
    let (status, third) = start(&dir, &wasm, 20_000);
    assert_eq!(status, 0, "{third}");
    assert_eq!(socket_of(&third), socket);
    let mut conn = Connection::open(&socket);
    assert_eq!(conn.line()["pid"], pid_of(&third));
    stop(pid_of(&third));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sigterm_idleness_and_changed_files_each_end_it() {
    let dir = private_folder("ends");
    let wasm = component_in(&dir);

    let (_, line) = start(&dir, &wasm, 20_000);
    // SAFETY: a signal to the helper this test started.
    unsafe { libc::kill(pid_of(&line), libc::SIGTERM) };
    assert!(
        gone_within(pid_of(&line), Duration::from_secs(5)),
        "SIGTERM"
    );
    assert!(!socket_of(&line).exists(), "it removes its own socket");

    let (_, line) = start(&dir, &wasm, 300);
    assert!(gone_within(pid_of(&line), Duration::from_secs(5)), "idle");

    let (_, line) = start(&dir, &wasm, 20_000);
    let copy = dir.join("new.wasm");
    std::fs::copy(&wasm, &copy).expect("copy");
    std::fs::rename(&copy, &wasm).expect("an upgrade writes a new file");
    assert!(
        gone_within(pid_of(&line), Duration::from_secs(5)),
        "files changed"
    );
    let (status, after) = start(&dir, &wasm, 300);
    assert_eq!(status, 0);
    assert_ne!(
        socket_of(&after),
        socket_of(&line),
        "the new files have a new name"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
