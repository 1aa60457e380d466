use crate::bindings::http::{Error, Request, Response};
use crate::http::HttpBackend;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// One scripted answer.
#[derive(Debug, Clone)]
pub enum Reply {
    /// An HTTP answer.
    Answer {
        /// Its status.
        status: u16,
        /// Its body.
        body: String,
    },
    /// A transport failure.
    Fail(Error),
    /// Sleeps this long, then answers `Error::Timeout` if the request's
    /// timeout is shorter, or the body otherwise.
    Slow {
        /// How long.
        after: Duration,
        /// The body then.
        body: String,
    },
}

#[derive(Default)]
struct Script {
    replies: VecDeque<Reply>,
    seen: Vec<(String, String)>,
}

/// Answers requests from a queue and records them (URL and body).
#[derive(Clone, Default)]
pub struct ScriptedHttp {
    script: Arc<Mutex<Script>>,
}

impl ScriptedHttp {
    /// Answers with `replies`, in order.
    pub fn new(replies: impl IntoIterator<Item = Reply>) -> Self {
        let http = Self::default();
        http.lock().replies.extend(replies);
        http
    }

    fn lock(&self) -> MutexGuard<'_, Script> {
        self.script
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// (url, body) of each request received, in order.
    pub fn requests(&self) -> Vec<(String, String)> {
        self.lock().seen.clone()
    }
}

impl HttpBackend for ScriptedHttp {
    fn send(
        &mut self,
        request: Request,
        timeout: Duration,
        _max_bytes: u64,
    ) -> Result<Response, Error> {
        let reply = {
            let mut script = self.lock();
            script.seen.push((
                request.url.clone(),
                String::from_utf8_lossy(&request.body).into_owned(),
            ));
            script.replies.pop_front()
        };
        let answer = |status, body: String| Response {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into_bytes(),
        };
        match reply {
            None => Err(Error::Transport("no scripted reply left".into())),
            Some(Reply::Answer { status, body }) => Ok(answer(status, body)),
            Some(Reply::Fail(error)) => Err(error),
            Some(Reply::Slow { after, body }) => {
                std::thread::sleep(after.min(timeout));
                if after > timeout {
                    Err(Error::Timeout)
                } else {
                    Ok(answer(200, body))
                }
            }
        }
    }
}
