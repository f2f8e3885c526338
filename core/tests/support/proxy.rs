//! A logging HTTP CONNECT proxy on 127.0.0.1. Every CONNECT is tunnelled to
//! one backend address, whatever host it names (so a test can reach a
//! loopback server under a name that is not loopback, and so is proxied),
//! and every byte a client sent to the proxy is kept.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

pub struct ConnectProxy {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The first line of every request the proxy got (`CONNECT host:port HTTP/1.1`).
    pub requests: Arc<Mutex<Vec<String>>>,
    /// Every byte clients sent to the proxy, tunnelled ones included.
    pub received: Arc<Mutex<Vec<u8>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ConnectProxy {
    /// A proxy tunnelling every CONNECT to `backend`; `None`: a proxy that
    /// only logs and answers 502.
    pub fn start(backend: Option<SocketAddr>) -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let received = Arc::new(Mutex::new(Vec::new()));
        let (stop2, reqs, recv) = (stop.clone(), requests.clone(), received.clone());
        let thread = std::thread::spawn(move || {
            while !stop2.load(Ordering::Relaxed) {
                let Ok((s, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                };
                let (reqs, recv) = (reqs.clone(), recv.clone());
                std::thread::spawn(move || serve(s, backend, &reqs, &recv));
            }
        });
        ConnectProxy {
            url,
            requests,
            received,
            stop,
            thread: Some(thread),
        }
    }

    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    pub fn received(&self) -> Vec<u8> {
        self.received.lock().unwrap().clone()
    }
}

fn serve(
    mut client: TcpStream,
    backend: Option<SocketAddr>,
    requests: &Mutex<Vec<String>>,
    received: &Arc<Mutex<Vec<u8>>>,
) {
    client.set_nonblocking(false).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && client.read(&mut byte).unwrap_or(0) == 1 {
        head.push(byte[0]);
    }
    received.lock().unwrap().extend_from_slice(&head);
    let text = String::from_utf8_lossy(&head);
    requests
        .lock()
        .unwrap()
        .push(text.lines().next().unwrap_or("").to_owned());
    let target = match backend {
        Some(addr) if text.starts_with("CONNECT ") => TcpStream::connect(addr).ok(),
        _ => None,
    };
    let Some(mut target) = target else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .is_err()
    {
        return;
    }
    let (mut from_target, mut to_client) =
        (target.try_clone().unwrap(), client.try_clone().unwrap());
    let back = std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = from_target.read(&mut buf) {
            if n == 0 || to_client.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = to_client.shutdown(Shutdown::Both);
    });
    let mut buf = [0u8; 8192];
    while let Ok(n) = client.read(&mut buf) {
        if n == 0 {
            break;
        }
        received.lock().unwrap().extend_from_slice(&buf[..n]);
        if target.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = target.shutdown(Shutdown::Both);
    let _ = back.join();
}

impl Drop for ConnectProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
