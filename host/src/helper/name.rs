//! The helper's name: a digest of what it runs (the component's path and
//! cache folder, and the identities of the component, launcher and library
//! files), so that an upgrade, a re-upload or a `chmod` gives a new name and
//! never reaches an engine started from the old files. PHP computes the same
//! name from `stat()` (`Transport/HelperPlace.php`), which costs three stats
//! per request where hashing the 1 MB `.wasm` would cost milliseconds.

use sha2::{Digest, Sha256};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Bumped when the key's layout or the helper's protocol changes.
const KEY_VERSION: &str = "hostkey-helper/1";

/// The files a helper runs, watched for change while it lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Files {
    /// The component `.wasm` (as the options name it).
    pub component: PathBuf,
    /// The `.cwasm` cache folder of the options, if any.
    pub cache_dir: Option<PathBuf>,
    /// The launcher this process was started from.
    pub launcher: PathBuf,
    /// The library beside it.
    pub library: PathBuf,
}

impl Files {
    /// The identity of one file as PHP's `stat()` sees it (whole seconds):
    /// `dev:ino:size:mtime:ctime`; `None` when it cannot be read.
    fn identity(path: &Path) -> Option<String> {
        let meta = std::fs::metadata(path).ok()?;
        Some(format!(
            "{}:{}:{}:{}:{}",
            meta.dev(),
            meta.ino(),
            meta.size(),
            meta.mtime(),
            meta.ctime()
        ))
    }

    /// The full key the name is made from; `None` when a file is missing.
    pub fn key(&self) -> Option<String> {
        let cache = self
            .cache_dir
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        Some(format!(
            "{KEY_VERSION}\n{}\n{cache}\n{}\n{}\n{}\n",
            self.component.display(),
            Self::identity(&self.component)?,
            Self::identity(&self.launcher)?,
            Self::identity(&self.library)?,
        ))
    }

    /// `h-<16 hex>`: the socket is `<name>.sock`, its lock `<name>.lock`
    /// (short, as a unix socket path has at most 107 bytes).
    pub fn name(&self) -> Option<String> {
        let digest = Sha256::digest(self.key()?.as_bytes());
        let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        Some(format!("h-{hex}"))
    }
}

#[cfg(test)]
mod tests {
    use super::Files;
    use std::path::PathBuf;

    fn files(dir: &std::path::Path) -> Files {
        for name in ["c.wasm", "launcher", "lib.so"] {
            std::fs::write(dir.join(name), name).expect("write");
        }
        Files {
            component: dir.join("c.wasm"),
            cache_dir: None,
            launcher: dir.join("launcher"),
            library: dir.join("lib.so"),
        }
    }

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("hk-name-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn a_replaced_file_gets_a_new_name() {
        let dir = temp("replaced");
        let files = files(&dir);
        let before = files.name().expect("a name");
        assert_eq!(files.name().as_deref(), Some(before.as_str()));
        // An unzip writes a new file: a new inode even with the same bytes.
        let copy = dir.join("c.wasm.new");
        std::fs::write(&copy, "c.wasm").expect("write");
        std::fs::rename(&copy, &files.component).expect("rename");
        assert_ne!(files.name().expect("a name"), before);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn another_cache_folder_or_a_missing_file_changes_the_name() {
        let dir = temp("cache");
        let mut files = files(&dir);
        let plain = files.name().expect("a name");
        files.cache_dir = Some(dir.join("cache"));
        assert_ne!(files.name().expect("a name"), plain);
        std::fs::remove_file(&files.library).expect("remove");
        assert_eq!(files.name(), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
