//! The one error type of the web layer: each case maps to its status and
//! renders the same error page; causes of 5xx are logged, never shown.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
    hint: Option<&'a str>,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Also what a wrong or revoked link gets: the page says nothing of
    /// whether the member or the edition exists.
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("the form is larger than {0} bytes")]
    TooLarge(usize),
    /// A form with files past its body limit: the limit of the whole and
    /// of its largest file question, in words.
    #[error("the form with its attached file is larger than {0} (a document may be up to {1})")]
    UploadTooLarge(String, String),
    /// A body that stopped arriving or came too slowly (see `web::limits`).
    #[error("{}", super::limits::TIMED_OUT)]
    TimedOut,
    #[error("a form must be sent as application/x-www-form-urlencoded")]
    UnsupportedMedia,
    #[error("{0}")]
    Forbidden(String),
    /// A workspace page asked for without a session.
    #[error("sign in first")]
    SignIn,
    /// Too many failed sign-ins from one address; wait this many seconds.
    #[error("too many attempts")]
    TooManyAttempts(u64),
    /// Too many wrong invitation links from one address; wait this many seconds.
    #[error("too many wrong links")]
    TooManyLinks(u64),
    /// The server cannot do it now (its disk is full, say); nothing changed.
    #[error("{0}")]
    Unavailable(String),
    /// What was asked cannot be made from the files as they are (a
    /// commentary with a heading no figure has, say): the message names them.
    #[error("{0}")]
    Unprocessable(String),
    #[error("{0}")]
    Internal(String),
}

impl From<crate::accounts::AccountError> for AppError {
    fn from(e: crate::accounts::AccountError) -> Self {
        match e {
            crate::accounts::AccountError::Refused(m) => AppError::BadRequest(m),
            crate::accounts::AccountError::NoSuchAccount(_) => AppError::NotFound,
            other => AppError::Internal(format!("accounts: {other}")),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

impl From<crate::store::StoreError> for AppError {
    fn from(e: crate::store::StoreError) -> Self {
        AppError::Internal(format!("store: {e}"))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::TooLarge(_) | AppError::UploadTooLarge(..) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TimedOut => StatusCode::REQUEST_TIMEOUT,
            AppError::UnsupportedMedia => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::SignIn => StatusCode::UNAUTHORIZED,
            AppError::TooManyAttempts(_) | AppError::TooManyLinks(_) => {
                StatusCode::TOO_MANY_REQUESTS
            }
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (title, message, hint) = match self {
            AppError::NotFound => (
                "Page not found",
                "There is no page at this address. If you followed an invitation link, it may have been mistyped, or replaced by a newer one.".to_string(),
                Some("Ask the APT secretariat for a new link if you need one."),
            ),
            AppError::BadRequest(m) => ("The request could not be understood", format!("Nothing was stored: {m}."), Some("Go back, reload the form and try again.")),
            AppError::TooLarge(_) => ("The form is too large", format!("Nothing was stored: {self}."), Some("Shorten the longest answers and try again.")),
            AppError::UploadTooLarge(..) => ("The attached file is too large", format!("Nothing was stored: {self}."), Some("Go back: most browsers keep your answers in the page. Choose a smaller file (or none), and save again.")),
            AppError::TimedOut => (
                "The form did not arrive in time",
                format!("Nothing was stored: {self} (a form must arrive whole within {} seconds, with no pause of {} seconds).", super::limits::BODY_TOTAL.as_secs(), super::limits::BODY_IDLE.as_secs()),
                Some("Go back and press the button again; your browser usually keeps what you typed."),
            ),
            AppError::UnsupportedMedia => ("The request could not be understood", format!("Nothing was stored: {self}."), None),
            AppError::Forbidden(m) => ("Not allowed", m.clone(), None),
            AppError::SignIn => (
                "Please sign in",
                "This page is for the APT secretariat.".to_string(),
                Some("Sign in at /admin with your account's name and password."),
            ),
            AppError::TooManyAttempts(secs) => (
                "Too many attempts",
                format!("Too many failed sign-ins came from this address or for this account. Try again in {}.", crate::words::count(secs.div_ceil(60) as usize, "minute", "minutes")),
                None,
            ),
            AppError::TooManyLinks(secs) => (
                "Too many wrong links",
                format!("Too many invitation links that do not exist were tried from this address, so wrong links are not looked up for a while. Try again in {}.", crate::words::count(secs.div_ceil(60) as usize, "minute", "minutes")),
                Some("A valid invitation link still works from this address: open the link exactly as it came in your invitation e-mail."),
            ),
            AppError::Unavailable(m) => ("Not possible just now", m.clone(), Some("Please try again later.")),
            AppError::Unprocessable(m) => ("This cannot be made from the files as they are", m.clone(), Some("Correct what is named above, then try again. Nothing was changed.")),
            AppError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                ("Something went wrong", "The server could not answer this request. Nothing you had already saved is lost.".to_string(), Some("Please try again in a minute."))
            }
        };
        let page = ErrorPage {
            title,
            message: &message,
            hint,
        };
        let body = page.render().unwrap_or_else(|_| message.clone());
        let mut response = HttpResponse::build(self.status_code());
        response.content_type("text/html; charset=utf-8");
        if let AppError::TooManyAttempts(secs) | AppError::TooManyLinks(secs) = self {
            response.insert_header(("Retry-After", secs.to_string()));
        }
        if let AppError::TimedOut = self {
            // What is still to come of the body must not be read as a request.
            response.force_close();
        }
        if let AppError::Unavailable(_) = self {
            response.insert_header(("Retry-After", "60"));
        }
        response.body(body)
    }
}
