//! A fault-injecting HTTP proxy between a store under test and a real
//! server: it forwards each request as is (one request per connection,
//! `Connection: close` forced both ways, so every request is one TCP
//! connection it can see whole) and, as the test's plan says, corrupts a
//! byte of the answer's body, answers 503 SlowDown itself, or resets the
//! connection halfway through the body. Plain tokio TCP, no HTTP library:
//! it must be able to do what a correct one never would.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What to do to one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    Pass,
    /// Flip one byte in the middle of the answer's body.
    Corrupt,
    /// Answer `503 SlowDown` without asking the server.
    SlowDown,
    /// Send the headers and half the body, then reset the connection.
    Reset,
    /// Forward, then wrap the answer's XML root in one more element, as
    /// moto 5.2.1 does to CompleteMultipartUpload (the SDK cannot read it).
    Wrap,
    /// Answer `200 OK` with a body that is not S3's XML, without asking
    /// the server.
    Garble,
    /// Forward, let the server act, then close without answering.
    Hangup,
    /// Answer `403 AccessDenied` without asking the server, as a bucket
    /// policy that denies one action would.
    Deny,
}

/// A request as the plan sees it, and what was done to it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    /// The request target, e.g. `/bucket/key?partNumber=1`.
    pub target: String,
    pub range: Option<String>,
    pub fault: Fault,
}

type Plan = Box<dyn FnMut(&Seen) -> Fault + Send>;

pub struct Proxy {
    pub endpoint: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    accept: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// Listens on a free loopback port and forwards to `upstream`
    /// (`http://127.0.0.1:PORT`), asking `plan` what to do to each request.
    pub async fn start(upstream: &str, plan: impl FnMut(&Seen) -> Fault + Send + 'static) -> Proxy {
        let upstream = upstream
            .strip_prefix("http://")
            .expect("an http:// upstream")
            .trim_end_matches('/')
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let plan: Arc<Mutex<Plan>> = Arc::new(Mutex::new(Box::new(plan)));
        let log = seen.clone();
        let accept = tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    continue;
                };
                let (upstream, plan, log) = (upstream.clone(), plan.clone(), log.clone());
                tokio::spawn(async move {
                    if let Err(e) = handle(sock, &upstream, &plan, &log).await {
                        eprintln!("proxy: {e}");
                    }
                });
            }
        });
        Proxy {
            endpoint,
            seen,
            accept,
        }
    }

    /// Every request so far, in arrival order.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Header lines of a head (after its first line), names lowercased.
fn headers(head: &str) -> Vec<(String, String)> {
    head.split("\r\n")
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect()
}

fn header<'a>(h: &'a [(String, String)], name: &str) -> Option<&'a str> {
    h.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// The head with hop-by-hop connection headers replaced by
/// `Connection: close`, and `drop` removed too.
fn rewrite(head: &str, drop: &[&str]) -> String {
    let mut lines = head.split("\r\n");
    let mut out = String::from(lines.next().unwrap_or_default());
    out.push_str("\r\n");
    for l in lines {
        let name = l
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if ["connection", "keep-alive", "proxy-connection"].contains(&name.as_str())
            || drop.contains(&name.as_str())
        {
            continue;
        }
        out.push_str(l);
        out.push_str("\r\n");
    }
    out.push_str("Connection: close\r\n\r\n");
    out
}

async fn handle(
    mut client: TcpStream,
    upstream: &str,
    plan: &Mutex<Plan>,
    log: &Mutex<Vec<Seen>>,
) -> std::io::Result<()> {
    // The request: head, then a Content-Length body.
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i;
        }
        let mut chunk = [0u8; 16 * 1024];
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let h = headers(&head);
    if header(&h, "expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        client.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
    }
    let want: usize = header(&h, "content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!(
        header(&h, "transfer-encoding").is_none(),
        "the proxy reads Content-Length bodies only: {head}"
    );
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < want {
        let mut chunk = vec![0u8; 64 * 1024];
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let mut first = head.split("\r\n").next().unwrap_or("").split(' ');
    let mut seen = Seen {
        method: first.next().unwrap_or("").to_owned(),
        target: first.next().unwrap_or("").to_owned(),
        range: header(&h, "range").map(str::to_owned),
        fault: Fault::Pass,
    };
    seen.fault = (plan.lock().unwrap())(&seen);
    let fault = seen.fault;
    let is_head = seen.method == "HEAD";
    log.lock().unwrap().push(seen);

    if fault == Fault::Garble {
        let body = "<html><body>gateway says hello</body></html>";
        let resp = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        client.write_all(resp.as_bytes()).await?;
        client.shutdown().await?;
        return Ok(());
    }
    let canned = match fault {
        Fault::SlowDown => Some((
            "503 Slow Down",
            "SlowDown",
            "Please reduce your request rate.",
        )),
        Fault::Deny => Some(("403 Forbidden", "AccessDenied", "Access Denied")),
        _ => None,
    };
    if let Some((status, code, message)) = canned {
        let xml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
             <Message>{message}</Message></Error>"
        );
        let mut resp = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/xml\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            xml.len()
        );
        if !is_head {
            resp.push_str(&xml);
        }
        client.write_all(resp.as_bytes()).await?;
        client.shutdown().await?;
        return Ok(());
    }

    let mut up = TcpStream::connect(upstream).await?;
    up.write_all(rewrite(&head, &["expect"]).as_bytes()).await?;
    up.write_all(&body).await?;
    let mut resp = Vec::new();
    up.read_to_end(&mut resp).await?;
    let Some(resp_end) = find(&resp, b"\r\n\r\n") else {
        return Err(std::io::Error::other("the server's answer has no head"));
    };
    let resp_head = String::from_utf8_lossy(&resp[..resp_end]).into_owned();
    let mut resp_body = resp[resp_end + 4..].to_vec();
    let rh = headers(&resp_head);
    let chunked = header(&rh, "transfer-encoding").is_some();
    let mut out_head = rewrite(&resp_head, &[]);
    match fault {
        Fault::Hangup => {
            client.set_zero_linger()?;
            drop(client);
            return Ok(());
        }
        Fault::Wrap => {
            assert!(!chunked, "cannot wrap a chunked body: {resp_head}");
            let text = String::from_utf8_lossy(&resp_body).into_owned();
            let (decl, rest) = match text.find("?>") {
                Some(i) => text.split_at(i + 2),
                None => ("", text.as_str()),
            };
            resp_body = format!(
                "{decl}<CompleteMultipartUploadResponse xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">{rest}</CompleteMultipartUploadResponse>"
            )
            .into_bytes();
            out_head = rewrite(&resp_head, &["content-length"]);
            out_head.insert_str(
                out_head.len() - 2,
                &format!("Content-Length: {}\r\n", resp_body.len()),
            );
        }
        Fault::Corrupt if !resp_body.is_empty() => {
            assert!(!chunked, "cannot corrupt a chunked body: {resp_head}");
            let mid = resp_body.len() / 2;
            resp_body[mid] ^= 0x20;
        }
        Fault::Reset if !resp_body.is_empty() => {
            assert!(!chunked, "cannot cut a chunked body: {resp_head}");
            client.write_all(out_head.as_bytes()).await?;
            client.write_all(&resp_body[..resp_body.len() / 2]).await?;
            client.flush().await?;
            // Let the client read what came before the reset (a reset
            // discards what the peer has not read yet).
            tokio::time::sleep(Duration::from_millis(300)).await;
            client.set_zero_linger()?;
            drop(client);
            return Ok(());
        }
        _ => {}
    }
    client.write_all(out_head.as_bytes()).await?;
    client.write_all(&resp_body).await?;
    client.shutdown().await?;
    Ok(())
}
