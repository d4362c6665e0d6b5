//! Where a download's bytes go: the temp file, written off the async
//! threads. A write to a slow or full disk must not stall the runtime that
//! also drives the network and the terminal, so chunks are gathered and
//! each [`BUFFER`] bytes are written by one `spawn_blocking` call instead of
//! one per network chunk. The chunks are kept as they came (`Bytes` share
//! the body's memory): gathering copies nothing.

use super::failure::local_write;
use crate::store::StoreError;
use bytes::Bytes;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::sync::Arc;

/// Bytes gathered before one write: small enough that many parallel
/// ranges stay cheap in memory, large enough that the blocking pool is
/// asked rarely.
const BUFFER: usize = 256 << 10;

pub(super) struct Sink {
    file: Arc<File>,
    buf: Vec<Bytes>,
    /// Bytes in `buf`.
    held: usize,
    /// The file offset where `buf` starts.
    at: u64,
}

impl Sink {
    /// Writes from `at` on into a second handle of `file` (one `dup`).
    pub(super) fn new(file: &File, at: u64) -> std::io::Result<Sink> {
        let file = file.try_clone()?;
        Ok(Sink {
            file: Arc::new(file),
            buf: Vec::new(),
            held: 0,
            at,
        })
    }

    /// Takes `chunk`; the bytes reach the file by the next [`Sink::flush`]
    /// at the latest.
    pub(super) async fn write(&mut self, chunk: Bytes) -> Result<(), StoreError> {
        self.held += chunk.len();
        self.buf.push(chunk);
        if self.held >= BUFFER {
            self.flush().await?;
        }
        Ok(())
    }

    /// Writes what is gathered. After it returns `Ok`, every byte given to
    /// `write` is in the file (page cache).
    pub(super) async fn flush(&mut self) -> Result<(), StoreError> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let buf = std::mem::take(&mut self.buf);
        let (file, at, len) = (self.file.clone(), self.at, self.held as u64);
        self.held = 0;
        let written = tokio::task::spawn_blocking(move || {
            let mut off = at;
            for chunk in &buf {
                file.write_all_at(chunk, off)?;
                off += chunk.len() as u64;
            }
            Ok::<_, std::io::Error>(())
        })
        .await
        .map_err(|e| local_write(&std::io::Error::other(e.to_string())))?;
        written.map_err(|e| local_write(&e))?;
        self.at += len;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bytes_land_at_their_offset_after_flush() {
        let tmp = tempfile::tempfile().unwrap();
        tmp.set_len(4).unwrap();
        let mut s = Sink::new(&tmp, 1).unwrap();
        s.write(Bytes::from_static(b"ab")).await.unwrap();
        s.write(Bytes::from_static(b"c")).await.unwrap();
        s.flush().await.unwrap();
        let mut out = [0u8; 4];
        tmp.read_exact_at(&mut out, 0).unwrap();
        assert_eq!(&out, b"\0abc");
    }

    #[tokio::test]
    async fn a_full_buffer_is_written_without_a_flush() {
        let tmp = tempfile::tempfile().unwrap();
        let mut s = Sink::new(&tmp, 0).unwrap();
        s.write(Bytes::from(vec![7u8; BUFFER])).await.unwrap();
        assert_eq!(tmp.metadata().unwrap().len(), BUFFER as u64);
    }
}
