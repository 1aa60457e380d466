//! A folder the host reads and writes cache files in, through one directory
//! handle opened without following a symlink and checked once. Every file
//! is then opened relative to that handle, never by path: swapping the
//! folder (or a parent) for a symlink after the check redirects nothing, and
//! a new file is created with `O_EXCL|O_NOFOLLOW`, so a name planted in
//! advance (a symlink to a victim file) is refused instead of written
//! through.

use rustix::fs::{AtFlags, Mode, OFlags};
use rustix::io::Errno;
use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// What a folder must be before the host trusts the native code in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trust {
    /// The embedder's cache folder: owned by this process's user, and no
    /// one else may read, write or enter it (0700).
    Private,
    /// The component's own folder (the module's `bin/`): as trusted as the
    /// host binaries there, so only a folder anyone may write is refused.
    Component,
}

/// Which file this is, as the kernel knows it: a copy, an unzip, a rewrite
/// or a `chmod` changes at least one field (`ctime` cannot be set by a
/// user), so an unchanged identity means unchanged bytes since it was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identity {
    dev: u64,
    ino: u64,
    size: u64,
    ctime: (i64, i64),
    mtime: (i64, i64),
}

impl Identity {
    /// The identity in `meta`.
    pub fn of(meta: &std::fs::Metadata) -> Self {
        Self {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            ctime: (meta.ctime(), meta.ctime_nsec()),
            mtime: (meta.mtime(), meta.mtime_nsec()),
        }
    }

    /// When the file last changed (seconds, nanoseconds since the epoch).
    pub fn ctime(&self) -> (i64, i64) {
        self.ctime
    }

    /// One token without spaces.
    pub fn encode(&self) -> String {
        format!(
            "{}:{}:{}:{}.{}:{}.{}",
            self.dev, self.ino, self.size, self.ctime.0, self.ctime.1, self.mtime.0, self.mtime.1
        )
    }

    /// The identity `encode` wrote, if `token` is one.
    pub fn decode(token: &str) -> Option<Self> {
        let mut parts = token.split(':');
        let mut number = || parts.next()?.parse::<u64>().ok();
        let (dev, ino, size) = (number()?, number()?, number()?);
        let mut pair = || -> Option<(i64, i64)> {
            let (a, b) = parts.next()?.split_once('.')?;
            Some((a.parse().ok()?, b.parse().ok()?))
        };
        let (ctime, mtime) = (pair()?, pair()?);
        parts.next().is_none().then_some(Self {
            dev,
            ino,
            size,
            ctime,
            mtime,
        })
    }
}

/// An opened, checked folder.
pub struct Folder {
    fd: OwnedFd,
    path: PathBuf,
}

impl Folder {
    /// Opens `path` as a folder (a symlink is refused) and checks it for
    /// `trust`; the sentence says why it is not used.
    pub fn open(path: &Path, trust: Trust) -> Result<Self, String> {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let fd = rustix::fs::open(path, flags, Mode::empty()).map_err(|e| match e {
            Errno::LOOP | Errno::NOTDIR => {
                format!("{} is not a real folder (a symlink?)", path.display())
            }
            other => format!("{} cannot be opened: {}", path.display(), other),
        })?;
        let stat = rustix::fs::fstat(&fd)
            .map_err(|e| format!("{} cannot be read: {e}", path.display()))?;
        let mode = stat.st_mode & 0o7777;
        match trust {
            Trust::Private => {
                let me = rustix::process::geteuid().as_raw();
                if stat.st_uid != me || mode & 0o077 != 0 {
                    return Err(format!(
                        "{} is not private to this user (owner {}, mode {:o}), so the compile cache is not used",
                        path.display(),
                        stat.st_uid,
                        mode
                    ));
                }
            }
            Trust::Component => {
                if mode & 0o002 != 0 {
                    return Err(format!(
                        "{} can be written by anyone (mode {:o}), so no compiled component there is used",
                        path.display(),
                        mode
                    ));
                }
            }
        }
        Ok(Self {
            fd,
            path: path.to_path_buf(),
        })
    }

    /// The folder's path (for messages).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path of `name` in the folder (for messages).
    pub fn display(&self, name: &str) -> String {
        self.path.join(name).display().to_string()
    }

    /// The plain file `name`, opened read-only without following a symlink.
    pub fn open_file(&self, name: &str) -> std::io::Result<std::fs::File> {
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let fd = rustix::fs::openat(&self.fd, name, flags, Mode::empty())?;
        let file = std::fs::File::from(fd);
        if !file.metadata()?.is_file() {
            return Err(std::io::Error::other("not a plain file"));
        }
        Ok(file)
    }

    /// The bytes of the plain file `name` (not through a symlink), with the
    /// identity and mode of the file they were read from.
    pub fn read(&self, name: &str) -> std::io::Result<(Vec<u8>, Identity, u32)> {
        let mut file = self.open_file(name)?;
        let meta = file.metadata()?;
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        file.read_to_end(&mut bytes)?;
        Ok((bytes, Identity::of(&meta), meta.mode() & 0o7777))
    }

    /// Whether something (a file, a folder, a symlink) is named `name`.
    pub fn has(&self, name: &str) -> bool {
        rustix::fs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW).is_ok()
    }

    /// A new file `<name>.tmp<pid>` with `bytes` and `mode` (less the
    /// umask), created exclusively and without following a symlink.
    fn write_temp(
        &self,
        name: &str,
        bytes: &[u8],
        mode: u32,
    ) -> std::io::Result<(String, std::fs::File)> {
        let temp = format!("{name}.tmp{}", std::process::id());
        let _ = rustix::fs::unlinkat(&self.fd, temp.as_str(), AtFlags::empty());
        let flags =
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let fd = rustix::fs::openat(&self.fd, temp.as_str(), flags, Mode::from_raw_mode(mode))?;
        let mut file = std::fs::File::from(fd);
        if let Err(e) = file.write_all(bytes) {
            let _ = rustix::fs::unlinkat(&self.fd, temp.as_str(), AtFlags::empty());
            return Err(e);
        }
        Ok((temp, file))
    }

    /// Replaces `name` atomically with `bytes`; the identity of the new file.
    pub fn replace(&self, name: &str, bytes: &[u8], mode: u32) -> std::io::Result<Identity> {
        let (temp, file) = self.write_temp(name, bytes, mode)?;
        if let Err(e) = rustix::fs::renameat(&self.fd, temp.as_str(), &self.fd, name) {
            let _ = rustix::fs::unlinkat(&self.fd, temp.as_str(), AtFlags::empty());
            return Err(e.into());
        }
        // Taken from the open file after the rename (which may change ctime).
        Ok(Identity::of(&file.metadata()?))
    }

    /// Creates `name` with `bytes` unless it exists (two processes may race:
    /// the loser keeps the winner's file); whether this call made it.
    pub fn create_once(&self, name: &str, bytes: &[u8], mode: u32) -> std::io::Result<bool> {
        let (temp, _file) = self.write_temp(name, bytes, mode)?;
        let linked = rustix::fs::linkat(&self.fd, temp.as_str(), &self.fd, name, AtFlags::empty());
        let _ = rustix::fs::unlinkat(&self.fd, temp.as_str(), AtFlags::empty());
        match linked {
            Ok(()) => Ok(true),
            Err(Errno::EXIST) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes `name` (a symlink itself, never its target).
    pub fn remove(&self, name: &str) {
        let _ = rustix::fs::unlinkat(&self.fd, name, AtFlags::empty());
    }

    /// The names in the folder.
    pub fn names(&self) -> Vec<String> {
        let Ok(dir) = rustix::fs::Dir::read_from(&self.fd) else {
            return Vec::new();
        };
        dir.flatten()
            .filter_map(|entry| entry.file_name().to_str().ok().map(str::to_string))
            .filter(|name| name != "." && name != "..")
            .collect()
    }
}
