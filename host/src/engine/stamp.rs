//! The stamp: what a full check of the `.wasm` and its `.cwasm` found, kept
//! so that the next process need not repeat it. A full check reads the
//! `.wasm` (1 MB) to name its `.cwasm`, then reads and hashes the `.cwasm`
//! (3-4 MB); a stamp holds the result, bound to both files' identities
//! (device, inode, size, ctime, mtime) and sealed with the folder's secret.
//! While neither file changed, the stamp stands for the check; any change,
//! a copy or an unzip makes the next process check fully and stamp again.

use super::folder::{Folder, Identity};
use super::seal::mac_hex;

const VERSION: &str = "hk-stamp-1";
/// Keeps a stamp's MAC apart from a `.cwasm`'s under the same secret.
const DOMAIN: &[u8] = b"hostkeyresellermod cwasm stamp\n";

/// Which folder holds the `.cwasm` the stamp vouches for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Beside the component.
    Beside,
    /// In the embedder's cache folder.
    Cache,
}

impl Place {
    fn token(self) -> &'static str {
        match self {
            Place::Beside => "beside",
            Place::Cache => "cache",
        }
    }
}

/// What a full check established.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp {
    /// The `.wasm` that was read to name the `.cwasm`.
    pub wasm: Identity,
    /// Where the `.cwasm` is.
    pub place: Place,
    /// The `.cwasm`'s file name.
    pub name: String,
    /// The `.cwasm` whose bytes matched their digest.
    pub cwasm: Identity,
}

impl Stamp {
    fn body(&self) -> String {
        format!(
            "{VERSION} {} {} {} {}",
            self.place.token(),
            self.name,
            self.wasm.encode(),
            self.cwasm.encode()
        )
    }

    /// The stamp in `file` of `folder`, if its MAC holds under `key`.
    pub fn read(folder: &Folder, key: &[u8], file: &str) -> Option<Self> {
        let (bytes, _, _) = folder.read(file).ok()?;
        let line = String::from_utf8(bytes).ok()?;
        let (body, mac) = line.trim_end().rsplit_once(' ')?;
        let expected = mac_hex(key, &[DOMAIN, body.as_bytes()]);
        if !super::seal::same(mac.as_bytes(), expected.as_bytes()) {
            return None;
        }
        let mut fields = body.split(' ');
        if fields.next()? != VERSION {
            return None;
        }
        let place = match fields.next()? {
            "beside" => Place::Beside,
            "cache" => Place::Cache,
            _ => return None,
        };
        let name = fields.next()?.to_string();
        let wasm = Identity::decode(fields.next()?)?;
        let cwasm = Identity::decode(fields.next()?)?;
        if fields.next().is_some() || name.contains('/') {
            return None;
        }
        Some(Self {
            wasm,
            place,
            name,
            cwasm,
        })
    }

    /// Writes the stamp to `file` of `folder` under `key` (private, atomic).
    pub fn write(&self, folder: &Folder, key: &[u8], file: &str) -> std::io::Result<()> {
        let body = self.body();
        let line = format!("{body} {}\n", mac_hex(key, &[DOMAIN, body.as_bytes()]));
        folder.replace(file, line.as_bytes(), 0o600).map(|_| ())
    }
}
