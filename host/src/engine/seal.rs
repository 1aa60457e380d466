//! Which `.cwasm` files the host may load. A `.cwasm` is native code that
//! wasmtime maps and runs as it is, so each one carries a digest:
//! - beside the component, in the module's own `bin/` (as trusted as the host
//!   binaries there): its SHA-256 in `<file>.sha256`, recorded by `make dist`
//!   and `hostkey-host precompile`; a flipped byte or an ASCII-mode upload is
//!   refused;
//! - in the embedder's cache folder: an HMAC-SHA256 in `<file>.hmac` under
//!   `cwasm.key`, a random secret in that folder that only PHP's user can
//!   read, so a file planted or altered by anyone else is refused.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// The secret's file in the cache folder.
pub const KEY_FILE: &str = "cwasm.key";
const KEY_LEN: usize = 32;

/// How a `.cwasm` in one place is vouched for.
pub enum Seal {
    /// SHA-256 beside it (the component's own folder).
    Release,
    /// HMAC-SHA256 under the cache folder's secret.
    Keyed(Vec<u8>),
}

impl Seal {
    fn extension(&self) -> &'static str {
        match self {
            Seal::Release => "sha256",
            Seal::Keyed(_) => "hmac",
        }
    }

    /// The digest file that vouches for `cwasm`.
    pub fn digest_path(&self, cwasm: &Path) -> PathBuf {
        let mut name = cwasm.as_os_str().to_owned();
        name.push(".");
        name.push(self.extension());
        PathBuf::from(name)
    }

    fn digest(&self, bytes: &[u8]) -> String {
        let raw: Vec<u8> = match self {
            Seal::Release => Sha256::digest(bytes).to_vec(),
            Seal::Keyed(key) => {
                // HMAC takes a key of any length.
                let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
                    .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
                mac.update(bytes);
                mac.finalize().into_bytes().to_vec()
            }
        };
        raw.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Ok when the digest file beside `cwasm` vouches for `bytes`; otherwise
    /// why the file is refused.
    pub fn check(&self, cwasm: &Path, bytes: &[u8]) -> Result<(), String> {
        let digest_file = self.digest_path(cwasm);
        let recorded = std::fs::read_to_string(&digest_file).map_err(|_| {
            format!(
                "{} has no digest ({} is missing), so it was not loaded",
                cwasm.display(),
                digest_file.display()
            )
        })?;
        let recorded = recorded.split_whitespace().next().unwrap_or("");
        let actual = self.digest(bytes);
        // Both are hex of a public length; the comparison leaks nothing useful
        // about the key, but constant time costs nothing either.
        let same = recorded.len() == actual.len()
            && recorded
                .bytes()
                .zip(actual.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if same {
            Ok(())
        } else {
            Err(format!(
                "{} does not match its digest {} (changed or planted), so it was not loaded",
                cwasm.display(),
                digest_file.display()
            ))
        }
    }

    /// Writes the digest of `bytes` beside `cwasm` (atomically).
    pub fn record(&self, cwasm: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let digest_file = self.digest_path(cwasm);
        let temp = digest_file.with_extension(format!("tmp{}", std::process::id()));
        let _ = std::fs::remove_file(&temp);
        let line = format!("{}\n", self.digest(bytes));
        // The release digest is read by PHP's user, whoever unpacked the zip.
        let mode = match self {
            Seal::Release => 0o644,
            Seal::Keyed(_) => 0o600,
        };
        let written = write_new(&temp, line.as_bytes(), mode)
            .and_then(|()| std::fs::rename(&temp, &digest_file));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written
    }
}

/// A new file with `mode` (less the umask).
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)?;
    file.write_all(bytes)
}

/// The cache folder's secret, made on first use. Refused when the file can be
/// read or written by others, or is not a plain file.
pub fn key(dir: &Path) -> Result<Vec<u8>, String> {
    let path = dir.join(KEY_FILE);
    if std::fs::symlink_metadata(&path).is_err() {
        let mut key = vec![0u8; KEY_LEN];
        std::fs::File::open("/dev/urandom")
            .and_then(|mut random| random.read_exact(&mut key))
            .map_err(|e| format!("no random secret for the compile cache: {e}"))?;
        // Written whole under a temporary name, then linked into place: two
        // processes may race here, and the loser reads the winner's key.
        let temp = dir.join(format!("{KEY_FILE}.tmp{}", std::process::id()));
        let _ = std::fs::remove_file(&temp);
        let linked = write_new(&temp, &key, 0o600).and_then(|()| std::fs::hard_link(&temp, &path));
        let _ = std::fs::remove_file(&temp);
        if let Err(e) = linked
            && e.kind() != std::io::ErrorKind::AlreadyExists
        {
            return Err(format!(
                "the compile cache's secret {} cannot be written: {e}",
                path.display()
            ));
        }
    }
    let meta = std::fs::symlink_metadata(&path)
        .map_err(|e| format!("{} cannot be read: {e}", path.display()))?;
    if !meta.file_type().is_file() || meta.mode() & 0o077 != 0 {
        return Err(format!(
            "{} is not a private file (mode {:o}), so the compile cache is not used",
            path.display(),
            meta.mode() & 0o7777
        ));
    }
    let key =
        std::fs::read(&path).map_err(|e| format!("{} cannot be read: {e}", path.display()))?;
    if key.len() < KEY_LEN {
        return Err(format!(
            "{} is shorter than a secret, so the compile cache is not used",
            path.display()
        ));
    }
    Ok(key)
}
