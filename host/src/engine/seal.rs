//! Which `.cwasm` files the host may load. A `.cwasm` is native code that
//! wasmtime maps and runs as it is, so each one carries a digest:
//! - beside the component, in the module's own `bin/` (as trusted as the host
//!   binaries there): its SHA-256 in `<file>.sha256`, recorded by `make dist`
//!   and `hostkey-host precompile`; a flipped byte or an ASCII-mode upload is
//!   refused;
//! - in the embedder's cache folder: an HMAC-SHA256 in `<file>.hmac` under
//!   `cwasm.key`, a random secret in that folder that only PHP's user can
//!   read, so a file planted or altered by anyone else is refused.

use super::folder::Folder;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::io::Read;
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
        match self {
            Seal::Release => hex(&Sha256::digest(bytes)),
            Seal::Keyed(key) => mac_hex(key, &[bytes]),
        }
    }

    /// The digest file's name for the `.cwasm` named `name`.
    pub fn digest_name(&self, name: &str) -> String {
        format!("{name}.{}", self.extension())
    }

    /// Ok when the digest file beside `name` in `folder` vouches for
    /// `bytes`; otherwise why the file is refused.
    pub fn check(&self, folder: &Folder, name: &str, bytes: &[u8]) -> Result<(), String> {
        let digest_name = self.digest_name(name);
        let recorded = folder
            .read(&digest_name)
            .ok()
            .and_then(|(bytes, _, _)| String::from_utf8(bytes).ok())
            .ok_or_else(|| {
                format!(
                    "{} has no digest ({} is missing), so it was not loaded",
                    folder.display(name),
                    folder.display(&digest_name)
                )
            })?;
        let recorded = recorded.split_whitespace().next().unwrap_or("");
        if same(recorded.as_bytes(), self.digest(bytes).as_bytes()) {
            Ok(())
        } else {
            Err(format!(
                "{} does not match its digest {} (changed or planted), so it was not loaded",
                folder.display(name),
                folder.display(&digest_name)
            ))
        }
    }

    /// Writes the digest of `bytes` beside `name` in `folder` (atomically).
    pub fn record(&self, folder: &Folder, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        let line = format!("{}\n", self.digest(bytes));
        // The release digest is read by PHP's user, whoever unpacked the zip.
        let mode = match self {
            Seal::Release => 0o644,
            Seal::Keyed(_) => 0o600,
        };
        folder
            .replace(&self.digest_name(name), line.as_bytes(), mode)
            .map(|_| ())
    }
}

/// Compares two digests in constant time: both are hex of a public length,
/// so the comparison leaks nothing useful about the key, and costs nothing.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// HMAC-SHA256 of `parts` under `key`, as hex.
pub fn mac_hex(key: &[u8], parts: &[&[u8]]) -> String {
    // HMAC takes a key of any length.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
    for part in parts {
        mac.update(part);
    }
    hex(&mac.finalize().into_bytes())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The folder's secret, made on first use. Refused when the file can be
/// read or written by others, or is not a plain file.
pub fn key(folder: &Folder) -> Result<Vec<u8>, String> {
    if !folder.has(KEY_FILE) {
        let mut key = vec![0u8; KEY_LEN];
        std::fs::File::open("/dev/urandom")
            .and_then(|mut random| random.read_exact(&mut key))
            .map_err(|e| format!("no random secret for the compile cache: {e}"))?;
        // Two processes may race here: the loser reads the winner's key.
        folder.create_once(KEY_FILE, &key, 0o600).map_err(|e| {
            format!(
                "the compile cache's secret {} cannot be written: {e}",
                folder.display(KEY_FILE)
            )
        })?;
    }
    let (key, _, mode) = folder.read(KEY_FILE).map_err(|e| {
        format!(
            "{} cannot be read as a plain file: {e}",
            folder.display(KEY_FILE)
        )
    })?;
    if mode & 0o077 != 0 {
        return Err(format!(
            "{} is not a private file (mode {:o}), so the compile cache is not used",
            folder.display(KEY_FILE),
            mode
        ));
    }
    if key.len() < KEY_LEN {
        return Err(format!(
            "{} is shorter than a secret, so the compile cache is not used",
            folder.display(KEY_FILE)
        ));
    }
    Ok(key)
}
