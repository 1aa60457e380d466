//! The helper's life: accept connections of its own user, serve each on its
//! thread with the JSON lines of `hostkey-host serve`, and end when idle, on
//! `SIGTERM`, or when its files or its socket change.

use super::name::Files;
use super::peer::{Peer, own_uid};
use crate::embedder::{Embedder, EmbedderBackend};
use crate::http::UreqBackend;
use crate::{Capabilities, Runtime, RuntimeOptions};
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// How often the helper looks at its files, its socket and the clock.
const TICK_MS: i32 = 250;

/// How long a helper told to stop waits for the calls under way.
const DRAIN: Duration = Duration::from_secs(10);

/// A connection that says nothing for this long is dropped (its PHP
/// request is gone without closing it).
const SILENCE: Duration = Duration::from_secs(900);

static TERMINATE: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigterm(_: libc::c_int) {
    TERMINATE.store(true, Ordering::SeqCst);
}

/// What every connection needs to know.
struct Shared {
    options: RuntimeOptions,
    name: String,
    uid: u32,
    component_sha256: String,
    http: UreqBackend,
    active: AtomicUsize,
    last_activity: Mutex<Instant>,
    /// Runtimes by the options line that asked for them: each request sends
    /// the same options, and checking the grants again costs a third of a call.
    runtimes: Mutex<HashMap<String, Arc<Runtime>>>,
}

impl Shared {
    fn touch(&self) {
        if let Ok(mut last) = self.last_activity.lock() {
            *last = Instant::now();
        }
    }

    fn idle_for(&self) -> Duration {
        self.last_activity
            .lock()
            .map_or(Duration::ZERO, |last| last.elapsed())
    }
}

/// A listening helper.
pub struct Helper {
    listener: UnixListener,
    socket: PathBuf,
    socket_ino: u64,
    files: Files,
    key: String,
    idle: Duration,
    shared: Arc<Shared>,
}

impl Helper {
    /// Loads the component and listens on `socket` (a stale file there is
    /// replaced: the caller holds the lock of this name).
    pub fn start(
        options: RuntimeOptions,
        files: Files,
        name: &str,
        socket: &Path,
        idle: Duration,
    ) -> Result<Self, String> {
        // Loaded once here, for every connection after.
        Runtime::new(options.clone()).map_err(|e| e.to_string())?;
        let bytes = std::fs::read(&options.component)
            .map_err(|e| format!("{} cannot be read: {e}", options.component.display()))?;
        let component_sha256 = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let key = files
            .key()
            .ok_or("the helper's files changed while it started")?;
        match std::fs::remove_file(socket) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("{} cannot be replaced: {e}", socket.display())),
        }
        let listener = UnixListener::bind(socket)
            .map_err(|e| format!("the helper cannot listen on {}: {e}", socket.display()))?;
        std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| format!("{} cannot be made private: {e}", socket.display()))?;
        let socket_ino = std::fs::symlink_metadata(socket)
            .map_err(|e| format!("{} cannot be read: {e}", socket.display()))?
            .ino();
        // SAFETY: installs a handler that only stores to an atomic.
        unsafe {
            libc::signal(
                libc::SIGTERM,
                on_sigterm as extern "C" fn(libc::c_int) as libc::sighandler_t,
            );
        }
        Ok(Self {
            listener,
            socket: socket.to_path_buf(),
            socket_ino,
            files,
            key,
            idle,
            shared: Arc::new(Shared {
                options,
                name: name.to_string(),
                uid: own_uid(),
                component_sha256,
                http: UreqBackend::default(),
                active: AtomicUsize::new(0),
                last_activity: Mutex::new(Instant::now()),
                runtimes: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// Why the helper should stop now, if it should.
    fn reason_to_stop(&self) -> Option<&'static str> {
        if TERMINATE.load(Ordering::SeqCst) {
            return Some("SIGTERM");
        }
        if self.files.key().as_deref() != Some(self.key.as_str()) {
            return Some("its files changed");
        }
        match std::fs::symlink_metadata(&self.socket) {
            Ok(meta) if meta.ino() == self.socket_ino => {}
            _ => return Some("its socket was removed or replaced"),
        }
        if self.shared.active.load(Ordering::SeqCst) == 0 && self.shared.idle_for() >= self.idle {
            return Some("idle");
        }
        None
    }

    /// Serves until a reason to stop, then lets the calls under way finish.
    pub fn serve(self) {
        let fd = self.listener.as_raw_fd();
        let mut workers = Workers::new();
        while self.reason_to_stop().is_none() {
            let mut poll = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd; EINTR (SIGTERM) just ends the wait.
            let ready = unsafe { libc::poll(&raw mut poll, 1, TICK_MS) };
            if ready <= 0 {
                continue;
            }
            if let Ok((stream, _)) = self.listener.accept() {
                self.shared.active.fetch_add(1, Ordering::SeqCst);
                self.shared.touch();
                workers.take(stream, &self.shared);
            }
        }
        drop(workers);
        // New callers start a new helper from now on; only our own socket
        // file is removed, never one a newer helper bound since.
        if std::fs::symlink_metadata(&self.socket).is_ok_and(|m| m.ino() == self.socket_ino) {
            let _ = std::fs::remove_file(&self.socket);
        }
        drop(self.listener);
        let until = Instant::now() + DRAIN;
        while self.shared.active.load(Ordering::SeqCst) > 0 && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Threads that serve connections, kept for the next one: a fresh thread
/// costs wasmtime its per-thread set-up again (a third of a small call).
struct Workers {
    queue: mpsc::Sender<UnixStream>,
    next: Arc<Mutex<mpsc::Receiver<UnixStream>>>,
    idle: Arc<AtomicUsize>,
}

impl Workers {
    fn new() -> Self {
        let (queue, next) = mpsc::channel();
        Self {
            queue,
            next: Arc::new(Mutex::new(next)),
            idle: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Gives `stream` to an idle worker, or to a new one: a connection never
    /// waits for another (it lasts a whole web request).
    fn take(&mut self, stream: UnixStream, shared: &Arc<Shared>) {
        let claimed = self
            .idle
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if claimed {
            if self.queue.send(stream).is_err() {
                shared.active.fetch_sub(1, Ordering::SeqCst);
            }
            return;
        }
        let (mine, next, idle) = (
            Arc::clone(shared),
            Arc::clone(&self.next),
            Arc::clone(&self.idle),
        );
        let spawned = std::thread::Builder::new()
            // The guest runs on this thread, as on a main thread.
            .stack_size(8 << 20)
            .spawn(move || {
                let mut stream = Some(stream);
                while let Some(current) = stream.take() {
                    connection(current, &mine);
                    mine.touch();
                    mine.active.fetch_sub(1, Ordering::SeqCst);
                    idle.fetch_add(1, Ordering::SeqCst);
                    // Ends when the helper stops (the queue is dropped).
                    stream = next.lock().ok().and_then(|next| next.recv().ok());
                }
            });
        if spawned.is_err() {
            shared.active.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// One connection's reading and writing halves.
struct Link {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
}

impl Link {
    fn write_line(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let mut line = Vec::with_capacity(bytes.len() + 1);
        line.extend_from_slice(bytes);
        line.push(b'\n');
        self.writer.write_all(&line)?;
        self.writer.flush()
    }

    /// The next non-empty line; `None` at the end of the connection (a
    /// line cut off by it, without its newline, is not run).
    fn read_line(&mut self) -> std::io::Result<Option<String>> {
        let mut line = String::new();
        loop {
            line.clear();
            if self.reader.read_line(&mut line)? == 0 || !line.ends_with('\n') {
                return Ok(None);
            }
            if !line.trim().is_empty() {
                return Ok(Some(line.trim_end().to_string()));
            }
        }
    }
}

/// Capability requests go to the calling PHP request over its connection.
struct SocketEmbedder(Arc<Mutex<Link>>);

impl Embedder for SocketEmbedder {
    fn exchange(&mut self, request: &[u8]) -> Result<Vec<u8>, String> {
        let mut link = self
            .0
            .lock()
            .map_err(|_| "the connection to the embedder is poisoned".to_string())?;
        link.write_line(request)
            .map_err(|e| format!("cannot write to the embedder: {e}"))?;
        match link.read_line() {
            Ok(Some(answer)) => Ok(answer.into_bytes()),
            Ok(None) => Err("the embedder closed the connection before answering".into()),
            Err(e) => Err(format!("cannot read the embedder's answer: {e}")),
        }
    }
}

fn connection(stream: UnixStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(SILENCE));
    let Ok(writer) = stream.try_clone() else {
        return;
    };
    let mut link = Link {
        reader: BufReader::new(stream),
        writer,
    };
    let peer = match Peer::of(&link.writer) {
        Ok(peer) => peer,
        Err(e) => {
            let _ = link.write_line(&refused(&format!("the caller cannot be identified: {e}")));
            return;
        }
    };
    if let Some(why) = peer.refusal(shared.uid) {
        let _ = link.write_line(&refused(&why));
        return;
    }
    let hello = json!({
        "hello": "hostkey-host",
        "version": env!("CARGO_PKG_VERSION"),
        "name": shared.name,
        "pid": std::process::id(),
        "uid": shared.uid,
        "peer_pid": peer.pid,
        "peer_uid": peer.uid,
        "component_sha256": shared.component_sha256,
    });
    if link.write_line(hello.to_string().as_bytes()).is_err() {
        return;
    }
    let runtime = match link.read_line().map(|l| l.map(|l| runtime_for(&l, shared))) {
        Ok(Some(Ok(runtime))) => runtime,
        Ok(Some(Err(why))) => {
            let _ = link.write_line(&refused(&why));
            return;
        }
        _ => return,
    };
    let link = Arc::new(Mutex::new(link));
    loop {
        let line = match link.lock().map(|mut l| l.read_line()) {
            Ok(Ok(Some(line))) => line,
            _ => return,
        };
        shared.touch();
        let backend = EmbedderBackend::new(Box::new(SocketEmbedder(Arc::clone(&link))));
        let caps = Capabilities {
            http: Box::new(shared.http.clone()),
            db: Box::new(backend.clone()),
            platform: Box::new(backend),
        };
        let answer = runtime.call_json(line.as_bytes(), caps);
        let written = link.lock().map(|mut l| l.write_line(&answer));
        if !matches!(written, Ok(Ok(()))) {
            return;
        }
    }
}

fn refused(why: &str) -> Vec<u8> {
    json!({ "refused": why }).to_string().into_bytes()
}

/// How many option sets a helper keeps runtimes for (one per API URL and
/// limits; more means a caller varies them: then all are made again).
const RUNTIMES_KEPT: usize = 8;

/// The runtime for an options line, made once per distinct line.
fn runtime_for(line: &str, shared: &Shared) -> Result<Arc<Runtime>, String> {
    if let Some(found) = shared
        .runtimes
        .lock()
        .ok()
        .and_then(|map| map.get(line).cloned())
    {
        return Ok(found);
    }
    let runtime = Arc::new(new_runtime(line, shared)?);
    if let Ok(mut map) = shared.runtimes.lock() {
        if map.len() >= RUNTIMES_KEPT {
            map.clear();
        }
        map.insert(line.to_string(), Arc::clone(&runtime));
    }
    Ok(runtime)
}

/// The caller's options (`{"options": {...}}`) as a runtime, when they name
/// the component and cache this helper was started for.
fn new_runtime(line: &str, shared: &Shared) -> Result<Runtime, String> {
    let message: Json =
        serde_json::from_str(line).map_err(|e| format!("the options line is not JSON: {e}"))?;
    let options: RuntimeOptions = message
        .get("options")
        .cloned()
        .ok_or("the first line must carry the runtime options")
        .and_then(|o| serde_json::from_value(o).map_err(|_| "the runtime options are not valid"))?;
    if options.component != shared.options.component
        || options.cache_dir != shared.options.cache_dir
    {
        return Err("the options name another component or cache than this helper runs".into());
    }
    Runtime::new(options).map_err(|e| e.to_string())
}
