//! `hostkey-host helper`: a per-user engine that outlives the web request
//! which started it, so that a call under PHP-FPM's defaults (no FFI) does
//! not pay a process start (docs/decisions.md, "The per-user helper").
//!
//! Started on demand by PHP (`Transport/HelperTransport.php`) with the
//! private cache folder and the runtime options; it detaches (fork, `setsid`),
//! loads the component, listens on `<folder>/h-<key>.sock` and prints one line
//! (`{"listening": ...}`) before it lets go of PHP's pipes. Never two per
//! folder and name (`h-<key>.lock`, `flock`). Each connection gets a hello
//! (its uid and pid, the peer it saw, the component's SHA-256), then the
//! caller's options, then the JSON-lines calls of `hostkey-host serve`.
//! It ends when idle, on `SIGTERM`, and when its files or socket change.

mod name;
mod peer;
mod serve;

pub use name::Files;
pub use peer::{Peer, own_uid};

use crate::engine::{Folder, Trust};
use crate::options::RuntimeOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a helper without connections waits before it exits.
pub const DEFAULT_IDLE: Duration = Duration::from_secs(60);

const USAGE: &str =
    "usage: hostkey-host helper --dir <private folder> --options '<json>' [--idle-ms <n>]";

/// The library beside the launcher (as `main.rs` loads it).
const LIBRARY: &str = "libhostkey_host.so";

struct Args {
    dir: PathBuf,
    options: RuntimeOptions,
    idle: Duration,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let (mut dir, mut options, mut idle) = (None, None, DEFAULT_IDLE);
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or(USAGE)?;
        match flag.as_str() {
            "--dir" => dir = Some(PathBuf::from(value)),
            "--options" => {
                options = Some(
                    serde_json::from_str::<RuntimeOptions>(value)
                        .map_err(|e| format!("the runtime options are not valid: {e}"))?,
                );
            }
            "--idle-ms" => {
                let ms = value
                    .parse::<u64>()
                    .ok()
                    .filter(|ms| *ms > 0)
                    .ok_or("--idle-ms must be a positive number of milliseconds")?;
                idle = Duration::from_millis(ms);
            }
            _ => return Err(USAGE.into()),
        }
    }
    Ok(Args {
        dir: dir.ok_or(USAGE)?,
        options: options.ok_or(USAGE)?,
        idle,
    })
}

/// The files a helper started from this launcher runs for `options`.
pub fn files_for(options: &RuntimeOptions) -> Result<Files, String> {
    let launcher =
        std::env::current_exe().map_err(|e| format!("the helper cannot find itself: {e}"))?;
    Ok(Files {
        component: options.component.clone(),
        cache_dir: options.cache_dir.clone(),
        library: launcher.with_file_name(LIBRARY),
        launcher,
    })
}

/// Runs `hostkey-host helper ...`: returns once the helper is listening (in
/// its own process) or already running; an error when it cannot start.
pub fn run(args: &[String]) -> Result<(), String> {
    // PHP's own descriptors (its database connection, FPM's sockets) must
    // not live on in a process that outlives the request.
    close_inherited();
    let args = parse(args)?;
    // The folder must be this user's alone: nobody else can plant a file or
    // a symlink in it, so the names below are safe to open by path.
    Folder::open(&args.dir, Trust::Private)?;
    let files = files_for(&args.options)?;
    let name = files
        .name()
        .ok_or("the component or the host files cannot be read")?;
    let socket = args.dir.join(format!("{name}.sock"));
    let lock = take_lock(&args.dir.join(format!("{name}.lock")))?;
    let Some(lock) = lock else {
        // Another helper of this name is starting or running.
        return announce(&serde_json::json!({ "busy": socket }));
    };
    detach()?;
    let helper = serve::Helper::start(args.options, files, &name, &socket, args.idle)?;
    announce(&serde_json::json!({ "listening": socket, "pid": std::process::id() }))?;
    release_stdio();
    helper.serve();
    drop(lock);
    Ok(())
}

fn announce(line: &serde_json::Value) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot tell the caller: {e}"))
}

/// The lock file, held for the helper's life; `None` when another holds it.
fn take_lock(path: &Path) -> Result<Option<std::fs::File>, String> {
    use rustix::fs::{FlockOperation, Mode, OFlags, flock};
    let fd = rustix::fs::open(
        path,
        OFlags::RDWR | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o600),
    )
    .map_err(|e| format!("the helper's lock {} cannot be opened: {e}", path.display()))?;
    match flock(&fd, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(Some(std::fs::File::from(fd))),
        Err(rustix::io::Errno::WOULDBLOCK) => Ok(None),
        Err(e) => Err(format!(
            "the helper's lock {} cannot be taken: {e}",
            path.display()
        )),
    }
}

/// Leaves the caller: the parent exits at once (so `proc_close` in PHP
/// returns), the child gets its own session (so the end of the FPM request,
/// or a signal to its process group, does not reach it).
fn detach() -> Result<(), String> {
    // SAFETY: no other thread exists yet in this process (the launcher's
    // main thread only: nothing is loaded before this point).
    match unsafe { libc::fork() } {
        -1 => Err(format!(
            "the helper cannot start a process: {}",
            std::io::Error::last_os_error()
        )),
        0 => {
            // SAFETY: plain system calls in the child.
            unsafe {
                libc::setsid();
                libc::umask(0o077);
            }
            Ok(())
        }
        // SAFETY: ends the parent without running the child's destructors twice.
        _ => unsafe { libc::_exit(0) },
    }
}

/// Descriptors above stderr, closed (the list is read first, then closed).
fn close_inherited() {
    let Ok(entries) = std::fs::read_dir("/proc/self/fd") else {
        return;
    };
    let fds: Vec<i32> = entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .filter(|fd| *fd > 2)
        .collect();
    for fd in fds {
        // SAFETY: closing a descriptor this process does not use (the
        // directory's own is gone with `entries`, a second close is EBADF).
        unsafe { libc::close(fd) };
    }
}

/// stdin, stdout and stderr onto /dev/null: PHP's pipes are let go.
fn release_stdio() {
    let Ok(null) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
    else {
        return;
    };
    use std::os::fd::AsRawFd;
    for fd in 0..=2 {
        // SAFETY: dup2 onto the standard descriptors.
        unsafe { libc::dup2(null.as_raw_fd(), fd) };
    }
}
