//! The one place that follows a listing from page to page. ListObjectsV2
//! continues with a token, ListObjectVersions with a pair of markers; every
//! caller used to write its own loop, and each stopped on cancel in its own
//! way (or not at all). [`Pages`] reads one page per [`Pages::next`], stops
//! after the last page or the first error, and, given a cancel token,
//! answers [`ErrorKind::Cancelled`] at once instead of waiting for a request
//! whose answer nobody wants.

use super::{ListPage, ListRequest, Store, StoreError, StoreResult, VersionsPage, VersionsRequest};
use futures::future::BoxFuture;
use tokio_util::sync::CancellationToken;

/// A request that can be continued after one of its pages.
pub trait PageRequest: Clone + Send + Sync {
    type Page: Send;
    /// Asks `store` for this one page.
    fn fetch<'s>(&'s self, store: &'s dyn Store) -> BoxFuture<'s, StoreResult<Self::Page>>;
    /// The request for the page after `page`; `None` after the last one.
    fn after(&self, page: &Self::Page) -> Option<Self>;
}

impl PageRequest for ListRequest {
    type Page = ListPage;
    fn fetch<'s>(&'s self, store: &'s dyn Store) -> BoxFuture<'s, StoreResult<ListPage>> {
        store.list_page(self)
    }
    fn after(&self, page: &ListPage) -> Option<ListRequest> {
        let token = page.next.clone()?;
        Some(ListRequest {
            token: Some(token),
            ..self.clone()
        })
    }
}

impl PageRequest for VersionsRequest {
    type Page = VersionsPage;
    fn fetch<'s>(&'s self, store: &'s dyn Store) -> BoxFuture<'s, StoreResult<VersionsPage>> {
        store.list_versions(self)
    }
    fn after(&self, page: &VersionsPage) -> Option<VersionsRequest> {
        VersionsRequest::after(self, page)
    }
}

/// A listing read page by page. Dropping it stops the listing.
pub struct Pages<'a, R: PageRequest> {
    store: &'a dyn Store,
    next: Option<R>,
    cancel: Option<&'a CancellationToken>,
    read: u64,
}

/// Reads `req` and the pages after it from `store`.
pub fn pages<R: PageRequest>(store: &dyn Store, req: R) -> Pages<'_, R> {
    Pages {
        store,
        next: Some(req),
        cancel: None,
        read: 0,
    }
}

impl<'a, R: PageRequest> Pages<'a, R> {
    /// Stops with [`ErrorKind::Cancelled`] as soon as `cancel` is
    /// cancelled, even in the middle of a request.
    pub fn cancel_on(mut self, cancel: &'a CancellationToken) -> Self {
        self.cancel = Some(cancel);
        self
    }

    /// The next page; `None` after the last page or after an error (which
    /// is returned once).
    pub async fn next(&mut self) -> Option<StoreResult<R::Page>> {
        let req = self.next.take()?;
        let answer = match self.cancel {
            Some(c) if c.is_cancelled() => Err(StoreError::cancelled()),
            Some(c) => tokio::select! {
                r = req.fetch(self.store) => r,
                _ = c.cancelled() => Err(StoreError::cancelled()),
            },
            None => req.fetch(self.store).await,
        };
        if let Ok(page) = &answer {
            self.read += 1;
            self.next = req.after(page);
        }
        Some(answer)
    }

    /// Requests answered so far.
    pub fn read(&self) -> u64 {
        self.read
    }

    /// Ends the listing early: `next` answers `None` from now on (a caller
    /// that has seen all it needs, such as one key's versions).
    pub fn stop(&mut self) {
        self.next = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Connection, CredentialSource, ObjectSummary};
    use std::sync::Mutex;

    /// Three pages of one key each; the second request can be made to hang.
    struct Three {
        asked: Mutex<Vec<Option<String>>>,
        hang_on_second: bool,
    }

    #[async_trait::async_trait]
    impl Store for Three {
        fn connection(&self) -> Connection {
            Connection::default()
        }
        async fn credential_source(&self) -> StoreResult<CredentialSource> {
            unimplemented!()
        }
        async fn list_buckets(&self) -> StoreResult<Vec<crate::store::Bucket>> {
            unimplemented!()
        }
        async fn bucket_region(&self, _: &str) -> StoreResult<String> {
            unimplemented!()
        }
        async fn bucket_info(&self, _: &str) -> StoreResult<crate::store::BucketInfo> {
            unimplemented!()
        }
        async fn object_info(&self, _: &str, _: &str) -> StoreResult<crate::store::ObjectInfo> {
            unimplemented!()
        }
        async fn list_page(&self, req: &ListRequest) -> StoreResult<ListPage> {
            self.asked.lock().unwrap().push(req.token.clone());
            let n: u32 = req.token.as_deref().map_or(0, |t| t.parse().unwrap());
            if n == 1 && self.hang_on_second {
                std::future::pending::<()>().await;
            }
            Ok(ListPage {
                prefixes: vec![],
                objects: vec![ObjectSummary {
                    restore: None,
                    key: format!("k{n}"),
                    size: 1,
                    modified: None,
                    storage_class: None,
                    etag: None,
                    version_id: None,
                }],
                next: (n < 2).then(|| (n + 1).to_string()),
            })
        }
    }

    fn three(hang_on_second: bool) -> Three {
        Three {
            asked: Mutex::new(Vec::new()),
            hang_on_second,
        }
    }

    #[tokio::test]
    async fn follows_tokens_to_the_last_page_and_stops() {
        let store = three(false);
        let mut p = pages(&store as &dyn Store, ListRequest::recursive("b", "", 1));
        let mut keys = Vec::new();
        while let Some(page) = p.next().await {
            keys.extend(page.unwrap().objects.into_iter().map(|o| o.key));
        }
        assert_eq!(keys, ["k0", "k1", "k2"]);
        assert_eq!(p.read(), 3);
        assert_eq!(
            *store.asked.lock().unwrap(),
            [None, Some("1".into()), Some("2".into())]
        );
    }

    #[tokio::test]
    async fn cancel_ends_a_request_in_flight() {
        let store = three(true);
        let cancel = CancellationToken::new();
        let mut p =
            pages(&store as &dyn Store, ListRequest::recursive("b", "", 1)).cancel_on(&cancel);
        assert!(p.next().await.unwrap().is_ok());
        let c = cancel.clone();
        tokio::spawn(async move { c.cancel() });
        let err = p.next().await.unwrap().unwrap_err();
        assert_eq!(err.kind, crate::store::ErrorKind::Cancelled);
        assert!(p.next().await.is_none(), "nothing after the error");
    }
}
