//! Who is at the other end of a connection (`SO_PEERCRED`): the helper
//! serves only its own user, and tells the caller what it saw, so that PHP
//! (which cannot ask the kernel itself) can check that the helper sees it.

use std::os::fd::AsRawFd;

/// The process at the other end of a unix socket, as the kernel recorded it
/// when the connection was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer {
    /// Its process id.
    pub pid: i32,
    /// Its user id.
    pub uid: u32,
}

impl Peer {
    /// The peer of `socket`.
    pub fn of(socket: &impl AsRawFd) -> std::io::Result<Self> {
        let mut cred = libc::ucred {
            pid: 0,
            uid: 0,
            gid: 0,
        };
        let mut len = libc::socklen_t::try_from(std::mem::size_of::<libc::ucred>())
            .map_err(|_| std::io::Error::other("ucred size"))?;
        // SAFETY: a valid fd, and a buffer of the size given.
        let rc = unsafe {
            libc::getsockopt(
                socket.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_PEERCRED,
                (&raw mut cred).cast(),
                &raw mut len,
            )
        };
        if rc != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Self {
            pid: cred.pid,
            uid: cred.uid,
        })
    }

    /// Why this peer is refused by a helper running as `own_uid`, if it is.
    pub fn refusal(&self, own_uid: u32) -> Option<String> {
        (self.uid != own_uid).then(|| {
            format!(
                "this helper serves user {own_uid} only; the caller runs as user {}",
                self.uid
            )
        })
    }
}

/// This process's effective user id.
pub fn own_uid() -> u32 {
    rustix::process::geteuid().as_raw()
}

#[cfg(test)]
mod tests {
    use super::{Peer, own_uid};
    use std::os::unix::net::UnixStream;

    #[test]
    fn the_kernel_names_this_process_as_the_peer() {
        let (a, _b) = UnixStream::pair().expect("a socket pair");
        let peer = Peer::of(&a).expect("peer credentials");
        assert_eq!(peer.uid, own_uid());
        assert_eq!(peer.pid, i32::try_from(std::process::id()).expect("pid"));
        assert_eq!(peer.refusal(own_uid()), None);
    }

    #[test]
    fn another_user_is_refused_with_both_uids_named() {
        let peer = Peer { pid: 7, uid: 1001 };
        let why = peer.refusal(33).expect("refused");
        assert!(
            why.contains("user 33") && why.contains("user 1001"),
            "{why}"
        );
    }
}
