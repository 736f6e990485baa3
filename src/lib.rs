//! spam-survey: the APT's yearly survey of its members on spam.
//!
//! The data's way through the system, one module each:
//! [`definition`] (the questionnaire) → [`answers`] (a form post checked
//! into a response) → [`store`] (append-only CSV files) → [`web`] (the
//! member's form and the secretariat's workspace) → [`export`] (CSV
//! downloads) and [`report`] (the annual report), [`publish`] (an edition
//! published for the public, as an immutable snapshot). [`demo`] makes synthetic
//! answers to try it all with; [`cli`] is the command line;
//! [`words`] makes numbers and words agree.

pub mod accounts;
pub mod answers;
pub mod attachments;
pub mod cli;
pub mod continuity;
pub mod definition;
pub mod demo;
pub mod export;
pub mod i18n;
pub mod mail;
pub mod preview;
pub mod publish;
pub mod report;
pub mod round;
pub mod store;
pub mod web;
pub mod words;
