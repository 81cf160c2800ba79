//! An open-loop load for the serving benchmark: requests due at a fixed
//! rate, each timed from the moment it was due.
//!
//! wrk's loop is closed: each connection sends its next request when the
//! last answer comes. Pushed as hard as it goes, a closed loop measures
//! how much a server can take, and its latencies are set by the queue it
//! builds: with C connections at X requests a second, the mean is C / X
//! whatever the server does (Little's law). A latency goal is a promise
//! about a stated load, so it is measured in an open loop: request k is
//! due at `k / rate` seconds, goes out on the first free connection, and
//! its latency counts from when it was due. A server that stalls makes
//! every request due meanwhile late, and each counts its wait (a closed
//! loop would count one slow request and hide the rest: "coordinated
//! omission"). wrk2 does this; it is not packaged here, so this does it.
//!
//! One thread does it all, as wrk does, so that the load costs the shared
//! machine little: non-blocking sockets and one `ppoll` a wake, whose
//! timeout (in nanoseconds, with the thread's timer slack cut to a
//! microsecond) is the next request's due time, so requests leave on time
//! rather than in bursts a millisecond apart. It runs at the
//! machine's normal priority, beside the server: where the kernel makes it
//! wait for a core, it sends late, and the wait counts against the server
//! (`late_us` says how much). At the lowest real-time priority (`chrt`)
//! it sent on time but took cores from the server as it woke, and the
//! server's p99 was worse: 2.5 against 1.9 ms in a first try. The HTTP is the
//! least that both servers speak: HTTP/1.1 kept alive, a body sized by
//! `Content-Length` each way.

use anyhow::{Context, Result, bail};
use hdrhistogram::Histogram;
use nix::poll::{PollFd, PollFlags, ppoll};
use nix::sys::time::TimeSpec;
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

/// The load to send.
pub struct Paced<'a> {
    /// `host:port`.
    pub address: &'a str,
    /// The route every request is posted to.
    pub route: &'a str,
    /// JSON bodies, posted in turn.
    pub bodies: &'a [String],
    /// Connections kept alive, each with one request at a time.
    pub connections: u32,
    /// Requests due a second.
    pub rate: f64,
    /// Requests are due for this long.
    pub duration: Duration,
    /// An answer that takes longer counts as a timeout.
    pub timeout: Duration,
}

/// How a request ended (a failed connect is counted where it happens).
#[derive(Debug, Clone, Copy)]
enum End {
    /// The status, and whether the server closes the connection after it.
    Answered(u16, bool),
    Read,
    Write,
    Timeout,
}

/// A request on its way.
struct Busy {
    due: Instant,
    sent: Instant,
    request: usize,
    written: usize,
}

/// One kept-alive connection.
#[derive(Default)]
struct Conn {
    stream: Option<TcpStream>,
    busy: Option<Busy>,
    read: Vec<u8>,
}

/// A past request's due time, past which a request still waiting for a
/// connection when the run ends is left unsent: the server had fallen
/// behind. (One due just before the end still goes.)
const LATE_AT_END: Duration = Duration::from_millis(100);

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1)
}

/// Runs the load; its report has the keys of `bench/serve/post.lua`'s (so
/// the benchmark reads both alike), and `scheduled`, `unsent`, `rate`,
/// and `late_us`, how late requests left (the load's own delay
/// and the wait for a free connection, inside the latencies).
pub fn run(load: &Paced<'_>) -> Result<Value> {
    if load.bodies.is_empty() {
        bail!("no bodies to send");
    }
    if !load.rate.is_finite() || load.rate <= 0.0 {
        bail!("the rate must be above 0, not {}", load.rate);
    }
    let requests: Vec<Vec<u8>> = load
        .bodies
        .iter()
        .map(|b| {
            format!(
                "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{b}",
                load.route,
                load.address,
                b.len()
            )
            .into_bytes()
        })
        .collect();
    // The kernel wakes a sleeping thread up to its timer slack late (50 µs
    // by default), which at thousands of requests a second bunches them.
    let _ = nix::sys::prctl::set_timerslack(1_000);

    let histogram = || Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("valid bounds");
    let (mut latency, mut late) = (histogram(), histogram());
    let (mut answered, mut bytes, mut unsent) = (0u64, 0u64, 0u64);
    let mut errors = [0u64; 5];
    let mut conns: Vec<Conn> = (0..load.connections.max(1))
        .map(|_| Conn::default())
        .collect();
    let mut queue: VecDeque<(usize, Instant)> = VecDeque::new();

    let start = Instant::now() + Duration::from_millis(20);
    let scheduled = (load.rate * load.duration.as_secs_f64()).ceil() as usize;
    let due = |k: usize| start + Duration::from_secs_f64(k as f64 / load.rate);
    let end = start + load.duration;
    let mut k = 0;
    loop {
        let now = Instant::now();
        while k < scheduled && due(k) <= now {
            queue.push_back((k, due(k)));
            k += 1;
        }
        if now >= end {
            while queue.front().is_some_and(|&(_, d)| now - d > LATE_AT_END) {
                queue.pop_front();
                unsent += 1;
            }
        }
        // Every free connection takes the next due request.
        for conn in conns.iter_mut().filter(|c| c.busy.is_none()) {
            let Some((n, d)) = queue.pop_front() else {
                break;
            };
            let request = n % requests.len();
            let sent = Instant::now();
            late.saturating_record(micros(sent - d));
            if conn.stream.is_none() {
                match TcpStream::connect(load.address) {
                    Ok(s) => {
                        let _ = s.set_nodelay(true);
                        s.set_nonblocking(true).context("a non-blocking socket")?;
                        conn.stream = Some(s);
                    }
                    Err(_) => {
                        errors[0] += 1;
                        answered += 1;
                        continue;
                    }
                }
            }
            conn.read.clear();
            conn.busy = Some(Busy {
                due: d,
                sent,
                request,
                written: 0,
            });
            if let Some(end) = advance(conn, &requests) {
                finish(
                    conn,
                    end,
                    &mut latency,
                    &mut errors,
                    &mut answered,
                    &mut bytes,
                );
            }
        }
        if k >= scheduled && queue.is_empty() && conns.iter().all(|c| c.busy.is_none()) {
            break;
        }
        // Timeouts.
        let now = Instant::now();
        for conn in &mut conns {
            if conn
                .busy
                .as_ref()
                .is_some_and(|b| now - b.sent > load.timeout)
            {
                finish(
                    conn,
                    End::Timeout,
                    &mut latency,
                    &mut errors,
                    &mut answered,
                    &mut bytes,
                );
            }
        }
        // Sleep until an answer, a socket ready for more of a request, or
        // the next request's due time.
        let wait = if k < scheduled {
            due(k).saturating_duration_since(now)
        } else {
            Duration::from_millis(10)
        };
        let busy: Vec<usize> = (0..conns.len())
            .filter(|&i| conns[i].busy.is_some())
            .collect();
        let ready: Vec<bool> = {
            let mut fds: Vec<PollFd<'_>> = busy
                .iter()
                .map(|&i| {
                    let c = &conns[i];
                    let b = c.busy.as_ref().expect("busy");
                    let events = if b.written < requests[b.request].len() {
                        PollFlags::POLLOUT
                    } else {
                        PollFlags::POLLIN
                    };
                    PollFd::new(
                        c.stream
                            .as_ref()
                            .expect("a busy connection is open")
                            .as_fd(),
                        events,
                    )
                })
                .collect();
            match ppoll(&mut fds, Some(TimeSpec::from_duration(wait)), None) {
                Ok(_) | Err(nix::errno::Errno::EINTR) => {}
                Err(e) => bail!("ppoll: {e}"),
            }
            fds.iter()
                .map(|f| f.revents().is_some_and(|r| !r.is_empty()))
                .collect()
        };
        for (&i, ready) in busy.iter().zip(ready) {
            if ready && let Some(end) = advance(&mut conns[i], &requests) {
                finish(
                    &mut conns[i],
                    end,
                    &mut latency,
                    &mut errors,
                    &mut answered,
                    &mut bytes,
                );
            }
        }
    }
    let finished = Instant::now();
    let (h, l, e) = (&latency, &late, &errors);
    Ok(json!({
        "requests": answered,
        "duration_us": micros(finished.saturating_duration_since(start)),
        "bytes": bytes,
        "errors": {"connect": e[0], "read": e[1], "write": e[2], "status": e[3], "timeout": e[4]},
        "latency_us": {
            "p50": h.value_at_quantile(0.50), "p90": h.value_at_quantile(0.90),
            "p99": h.value_at_quantile(0.99), "p999": h.value_at_quantile(0.999),
            "mean": h.mean(), "max": h.max(),
        },
        "rate": load.rate,
        "scheduled": scheduled,
        "unsent": unsent,
        "late_us": {"p50": l.value_at_quantile(0.50), "p99": l.value_at_quantile(0.99), "max": l.max()},
    }))
}

/// Writes what the socket takes of the connection's request, then reads
/// what has come of its answer; how it ended, once it has.
fn advance(conn: &mut Conn, requests: &[Vec<u8>]) -> Option<End> {
    let busy = conn.busy.as_mut()?;
    let stream = conn.stream.as_mut()?;
    let request = &requests[busy.request];
    while busy.written < request.len() {
        match stream.write(&request[busy.written..]) {
            Ok(0) => return Some(End::Write),
            Ok(n) => busy.written += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => return None,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return Some(End::Write),
        }
    }
    // Everything that has come, kept even when the read stops at "would
    // block"; the stream ending before a whole answer is a failure.
    let ended = match stream.read_to_end(&mut conn.read) {
        Ok(_) => true,
        Err(e) if e.kind() == ErrorKind::WouldBlock => false,
        Err(_) => return Some(End::Read),
    };
    match answer(&conn.read) {
        Some(Ok((status, close))) => Some(End::Answered(status, close || ended)),
        Some(Err(())) => Some(End::Read),
        None => ended.then_some(End::Read),
    }
}

/// The answer in `bytes` once it is whole: its status and whether the
/// server closes the connection after it (or `Err` for what is not an
/// answer both servers give: a status line, headers, and a body sized by
/// `Content-Length`).
fn answer(bytes: &[u8]) -> Option<Result<(u16, bool), ()>> {
    let head_end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let Ok(head) = std::str::from_utf8(&bytes[..head_end]) else {
        return Some(Err(()));
    };
    let mut lines = head.split("\r\n");
    let Some(status) = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse::<u16>().ok())
    else {
        return Some(Err(()));
    };
    let (mut length, mut close) = (None, false);
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse::<usize>().ok();
            } else if name.eq_ignore_ascii_case("connection") {
                close = value.eq_ignore_ascii_case("close");
            }
        }
    }
    let Some(length) = length else {
        return Some(Err(()));
    };
    (bytes.len() >= head_end + 4 + length).then_some(Ok((status, close)))
}

/// Counts how the connection's request ended and frees the connection
/// (closing it after a failure, or when the server said it would).
fn finish(
    conn: &mut Conn,
    end: End,
    latency: &mut Histogram<u64>,
    errors: &mut [u64; 5],
    answered: &mut u64,
    bytes: &mut u64,
) {
    let Some(busy) = conn.busy.take() else {
        return;
    };
    *answered += 1;
    match end {
        End::Answered(status, close) => {
            latency.saturating_record(micros(busy.due.elapsed()));
            *bytes += conn.read.len() as u64;
            if status >= 400 {
                errors[3] += 1;
            }
            if close {
                conn.stream = None;
            }
        }
        End::Read | End::Write | End::Timeout => {
            errors[match end {
                End::Read => 1,
                End::Write => 2,
                _ => 4,
            }] += 1;
            conn.stream = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, Read, Write};

    /// A server that answers every request after `delay`, one connection a
    /// thread: small enough to know what the load must measure.
    fn server(delay: Duration) -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { return };
                std::thread::spawn(move || {
                    let mut reader = std::io::BufReader::new(conn.try_clone().unwrap());
                    let mut writer = conn;
                    loop {
                        let mut length = 0;
                        let mut line = String::new();
                        loop {
                            line.clear();
                            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                                return;
                            }
                            if line.trim().is_empty() {
                                break;
                            }
                            if let Some(v) =
                                line.to_ascii_lowercase().strip_prefix("content-length:")
                            {
                                length = v.trim().parse().unwrap();
                            }
                        }
                        let mut body = vec![0; length];
                        reader.read_exact(&mut body).unwrap();
                        std::thread::sleep(delay);
                        let answer = if body.starts_with(b"{\"bad\"") {
                            "HTTP/1.1 422 Unprocessable\r\ncontent-length: 2\r\n\r\n{}"
                        } else {
                            "HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\n{\"ok\":true}"
                        };
                        writer.write_all(answer.as_bytes()).unwrap();
                    }
                });
            }
        });
        address
    }

    fn paced<'a>(address: &'a str, bodies: &'a [String], connections: u32, rate: f64) -> Paced<'a> {
        Paced {
            address,
            route: "/v1/predict",
            bodies,
            connections,
            rate,
            duration: Duration::from_millis(1000),
            timeout: Duration::from_secs(5),
        }
    }

    #[test]
    fn below_capacity_every_request_is_sent_on_time_and_timed_from_then() {
        let address = server(Duration::from_millis(2));
        let bodies = vec!["{\"a\":1}".to_owned(), "{\"bad\":1}".to_owned()];
        let r = run(&paced(&address, &bodies, 4, 200.0)).unwrap();
        assert_eq!(r["scheduled"], 200);
        assert_eq!(r["requests"], 200, "{r}");
        assert_eq!(r["unsent"], 0, "{r}");
        // Every other body is refused: counted, not hidden.
        assert_eq!(r["errors"]["status"], 100, "{r}");
        let p50 = r["latency_us"]["p50"].as_u64().unwrap();
        assert!((2_000..6_000).contains(&p50), "{r}");
    }

    #[test]
    fn past_capacity_the_wait_counts_and_what_could_not_be_sent_is_counted() {
        // One connection, 10 ms an answer: at most 100 a second, asked 400.
        let address = server(Duration::from_millis(10));
        let bodies = vec!["{\"a\":1}".to_owned()];
        let r = run(&paced(&address, &bodies, 1, 400.0)).unwrap();
        let requests = r["requests"].as_u64().unwrap();
        let unsent = r["unsent"].as_u64().unwrap();
        assert_eq!(requests + unsent, 400, "{r}");
        assert!((60..=110).contains(&requests), "{r}");
        // A closed loop would say 10 ms; requests queued for the one
        // connection waited far longer, and that is what is counted.
        assert!(r["latency_us"]["p50"].as_u64().unwrap() > 100_000, "{r}");
        assert!(r["late_us"]["p99"].as_u64().unwrap() > 100_000, "{r}");
    }

    #[test]
    fn a_server_that_is_not_there_is_counted_as_failed_connections() {
        let address = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().to_string()
        };
        let bodies = vec!["{}".to_owned()];
        let r = run(&paced(&address, &bodies, 2, 50.0)).unwrap();
        assert_eq!(r["errors"]["connect"], r["requests"], "{r}");
        assert!(r["requests"].as_u64().unwrap() > 0, "{r}");
    }
}
