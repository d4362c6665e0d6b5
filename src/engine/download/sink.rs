//! Where a download's bytes go: the temp file, written off the async
//! threads. A write to a slow or full disk must not stall the runtime that
//! also drives the network and the terminal, so chunks are gathered into a
//! buffer and each full buffer is written by `spawn_blocking`; gathering
//! keeps that to one blocking call per [`BUFFER`] bytes instead of one per
//! network chunk.

use super::failure::local_write;
use crate::store::StoreError;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::sync::Arc;

/// Bytes gathered before one write: small enough that many parallel
/// ranges stay cheap in memory, large enough that the blocking pool is
/// asked rarely.
const BUFFER: usize = 256 << 10;

pub(super) struct Sink {
    file: Arc<File>,
    buf: Vec<u8>,
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
            at,
        })
    }

    /// Takes `chunk`; the bytes reach the file by the next [`Sink::flush`]
    /// at the latest.
    pub(super) async fn write(&mut self, chunk: &[u8]) -> Result<(), StoreError> {
        self.buf.extend_from_slice(chunk);
        if self.buf.len() >= BUFFER {
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
        let (file, at, len) = (self.file.clone(), self.at, buf.len() as u64);
        let written = tokio::task::spawn_blocking(move || file.write_all_at(&buf, at))
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
        s.write(b"ab").await.unwrap();
        s.write(b"c").await.unwrap();
        s.flush().await.unwrap();
        let mut out = [0u8; 4];
        tmp.read_exact_at(&mut out, 0).unwrap();
        assert_eq!(&out, b"\0abc");
    }

    #[tokio::test]
    async fn a_full_buffer_is_written_without_a_flush() {
        let tmp = tempfile::tempfile().unwrap();
        let mut s = Sink::new(&tmp, 0).unwrap();
        s.write(&vec![7u8; BUFFER]).await.unwrap();
        assert_eq!(tmp.metadata().unwrap().len(), BUFFER as u64);
    }
}
