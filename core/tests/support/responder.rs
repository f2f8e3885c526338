//! The one TCP responder of the tests: a listener on 127.0.0.1 with a free
//! port that counts the connections it accepts and hands each one to a
//! behaviour (on its own thread, or on a thread per connection), stopped
//! and joined when dropped. The canned, keep-alive, counting and faulty
//! servers of the tests are behaviours on it; [`read_request`] reads what a
//! client sent, for the behaviours that answer one request.

#![allow(dead_code)]

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// One accepted connection, with what the behaviour may record.
pub struct Conn {
    pub stream: TcpStream,
    /// 0 for the first connection accepted, then 1, 2, ...
    pub index: usize,
    /// The requests of every connection, as the behaviours record them.
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl Conn {
    /// Reads one request (see [`read_request`]) and records it.
    pub fn read_and_record(&mut self) -> Vec<u8> {
        let request = read_request(&mut self.stream);
        self.requests
            .lock()
            .unwrap()
            .push(String::from_utf8_lossy(&request).into_owned());
        request
    }
}

/// How connections are served.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Threads {
    /// One after the other, on the responder's thread.
    One,
    /// Each on a thread of its own (behaviours that hold a connection).
    PerConnection,
}

/// A listener on 127.0.0.1, served until dropped.
pub struct Responder {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Connections accepted so far.
    pub connections: Arc<AtomicUsize>,
    /// What the behaviours recorded ([`Conn::read_and_record`]).
    pub requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Responder {
    pub fn start(threads: Threads, serve: impl Fn(Conn) + Send + Sync + 'static) -> Responder {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        // Non-blocking, so that the loop sees `stop` between connections.
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (stop2, count, reqs) = (stop.clone(), connections.clone(), requests.clone());
        let serve = Arc::new(serve);
        let thread = std::thread::spawn(move || {
            while !stop2.load(Ordering::Relaxed) {
                let Ok((stream, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(2));
                    continue;
                };
                stream.set_nonblocking(false).unwrap();
                let conn = Conn {
                    stream,
                    index: count.fetch_add(1, Ordering::SeqCst),
                    requests: reqs.clone(),
                };
                match threads {
                    Threads::One => serve(conn),
                    Threads::PerConnection => {
                        let serve = serve.clone();
                        std::thread::spawn(move || serve(conn));
                    }
                }
            }
        });
        Responder {
            url,
            connections,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    /// Connections accepted so far.
    pub fn count(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Reads a request's head (up to the blank line) and, when it declares a
/// Content-Length, its body (at most 1 MiB); a silent client ends the read
/// after 2 s.
pub fn read_request(s: &mut TcpStream) -> Vec<u8> {
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && s.read(&mut byte).unwrap_or(0) == 1 {
        head.push(byte[0]);
    }
    let declared = String::from_utf8_lossy(&head)
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0u8; declared.min(1 << 20)];
    let _ = s.read_exact(&mut body);
    head.extend_from_slice(&body);
    head
}
