//! The member's finished pages, kept with their gzip encoding made once, so
//! that a page asked for again in the same state costs no rendering and no
//! compression. Bounded in bytes; a page evicted is rendered again.

use super::AppError;
use actix_web::http::header::{self, AcceptEncoding, ContentEncoding, Encoding, Header};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::sync::Arc;

/// What the cache may hold, pages and their gzip encodings together: about
/// 750 pages of the 2022 questionnaire (73 KB, and 12 KB gzipped), many
/// more than the APT's members keep open at once.
pub const PAGE_CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// What a member's page shows that can change while the server runs. The
/// rest (the questionnaire, the member's name, the form token made from the
/// link and the data directory's key) is fixed for the link's lifetime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageState {
    /// Whom the link speaks for, checked again on every hit.
    pub survey: String,
    pub member: String,
    /// The number of the member's latest save: the answers filled in, the
    /// notice, and the latest submission (on the closed page) all follow
    /// from it, as saves are only ever appended.
    pub latest: Option<u64>,
    /// The `?saved=` that follows a draft save changes the notice.
    pub just_saved: bool,
    /// Why the edition takes no answers, as the page says it; None while open.
    pub closed: Option<String>,
    /// The number of the member's latest submission to the previous
    /// edition, whose answers the form shows beside its questions.
    pub previous: Option<u64>,
    /// The language the page is in.
    pub lang: String,
}

/// A finished page: the HTML, and the same bytes gzipped.
pub struct Page {
    state: PageState,
    html: Bytes,
    gzip: Bytes,
}

/// A page's weight against the bound: its two bodies, plus a generous
/// allowance for its key, its state and the cache's own bookkeeping.
#[derive(Clone)]
struct Bytesize;

impl quick_cache::Weighter<[u8; 32], Arc<Page>> for Bytesize {
    fn weight(&self, _: &[u8; 32], page: &Arc<Page>) -> u64 {
        (page.html.len() + page.gzip.len() + 256) as u64
    }
}

/// One page per link, keyed by the link's SHA-256: a page holds its link
/// (in the form's address and its token), so it can only be the page of
/// the link asked with. A newer state of the same link replaces the older.
pub struct PageCache {
    pages: quick_cache::sync::Cache<[u8; 32], Arc<Page>, Bytesize>,
}

/// The key of a link's page (the token itself is not kept).
fn link_key(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl PageCache {
    /// A cache of at most `max_bytes`. Past it, pages asked for rarely are
    /// evicted first; a page heavier than the bound alone is not kept.
    pub fn new(max_bytes: u64) -> PageCache {
        let options = quick_cache::OptionsBuilder::new()
            .estimated_items_capacity((max_bytes / 80_000).max(16) as usize)
            .weight_capacity(max_bytes)
            // One shard: its bound is the whole bound, and a read takes
            // only a shared lock, so two workers do not wait on each other.
            .shards(1)
            .build()
            .expect("the options are complete");
        PageCache {
            pages: quick_cache::sync::Cache::with_options(
                options,
                Bytesize,
                Default::default(),
                Default::default(),
            ),
        }
    }

    /// The link's page, if one was made for exactly this state.
    pub fn get(&self, token: &str, state: &PageState) -> Option<Arc<Page>> {
        self.pages
            .get(&link_key(token))
            .filter(|page| &page.state == state)
    }

    /// Keeps a page just rendered for the link in `state`, gzipped once here.
    pub fn insert(
        &self,
        token: &str,
        state: PageState,
        html: String,
    ) -> Result<Arc<Page>, AppError> {
        // The default level: the best makes the 2022 form 1 % smaller and
        // takes 40 % longer, on every miss.
        let mut gz = flate2::write::GzEncoder::new(
            Vec::with_capacity(html.len() / 4),
            flate2::Compression::default(),
        );
        gz.write_all(html.as_bytes())
            .map_err(|e| AppError::Internal(format!("gzip: {e}")))?;
        let gzip = gz
            .finish()
            .map_err(|e| AppError::Internal(format!("gzip: {e}")))?;
        let page = Arc::new(Page {
            state,
            html: Bytes::from(html),
            gzip: Bytes::from(gzip),
        });
        self.pages.insert(link_key(token), page.clone());
        Ok(page)
    }

    /// How many pages are kept.
    pub fn len(&self) -> usize {
        self.pages.len()
    }

    /// Whether no page is kept.
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }

    /// The bytes the kept pages weigh, as counted against the bound.
    pub fn weight(&self) -> u64 {
        self.pages.weight()
    }

    /// The bound, in bytes.
    pub fn capacity(&self) -> u64 {
        self.pages.capacity()
    }
}

impl Default for PageCache {
    fn default() -> PageCache {
        PageCache::new(PAGE_CACHE_BYTES)
    }
}

/// The coding `Compress` would choose for this request. It is asked the
/// same way as the middleware asks (the same header parser, the same
/// negotiation over the codings this build has), so that the answer is the
/// one the request would have got before the cache.
fn chosen_coding(req: &HttpRequest) -> Option<Encoding> {
    let supported = [Encoding::identity(), Encoding::gzip(), Encoding::deflate()];
    match AcceptEncoding::parse(req) {
        Ok(accept) => accept.negotiate(supported.iter()),
        // `Compress` treats a missing or unreadable header as identity.
        Err(_) => Some(Encoding::identity()),
    }
}

impl Page {
    /// The page as the request accepts it. `Compress` leaves a response that
    /// already says its Content-Encoding alone, so the gzip bytes made once
    /// go out as they are; a plain answer carries no Content-Encoding, and
    /// for deflate the middleware encodes the plain bytes as before.
    pub fn respond(&self, req: &HttpRequest) -> HttpResponse {
        let mut response = super::pages::html_response();
        match chosen_coding(req) {
            Some(e) if e == Encoding::gzip() => response
                .insert_header(ContentEncoding::Gzip)
                .insert_header((header::VARY, "Accept-Encoding"))
                .body(self.gzip.clone()),
            Some(e) if e == Encoding::identity() => response
                .insert_header((header::VARY, "Accept-Encoding"))
                .body(self.html.clone()),
            // Deflate: `Compress` encodes it and adds the Vary itself.
            _ => response.body(self.html.clone()),
        }
    }
}
