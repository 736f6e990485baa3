//! spam-survey: the APT's yearly survey of its members on spam.
//!
//! The data's way through the system, one module each:
//! [`definition`] (the questionnaire) → [`answers`] (a form post checked
//! into a response) → [`store`] (append-only CSV files) → [`web`] (the
//! member's form and the secretariat's workspace) → [`export`] (CSV
//! downloads) and [`report`] (the annual report). [`demo`] makes synthetic
//! answers to try it all with; [`cli`] is the command line;
//! [`words`] makes numbers and words agree.

pub mod accounts;
pub mod answers;
pub mod cli;
pub mod continuity;
pub mod definition;
pub mod demo;
pub mod export;
pub mod mail;
pub mod report;
pub mod round;
pub mod store;
pub mod web;
pub mod words;
