//! The Frictionless Data Package (`datapackage.json`) of a published
//! version: a Table Schema per CSV file, with each field's type, the codes
//! it allows, `unknown` as a missing value, the question's text as its
//! description, and the licence.

use crate::definition::{Kind, Survey};
use crate::export::layout::{Layout, Selection, Shows};
use crate::export::{CODEBOOK_COLUMNS, LONG_COLUMNS, RESPONSES_ID_COLUMNS, holds, identifying};
use serde_json::{Value, json};

/// The schema's field of an identifying column of the responses file.
fn id_field(survey: &Survey, name: &str) -> Value {
    let (description, _) = identifying(name);
    let mut field = json!({ "name": name, "description": description, "type": "string" });
    match name {
        "member" => {
            let codes: Vec<&str> = survey.members.iter().map(|m| m.code.as_str()).collect();
            field["constraints"] = json!({ "required": true, "unique": true, "enum": codes });
        }
        "member_status" => field["constraints"] = json!({ "enum": ["member", "associate"] }),
        "revision" => {
            field["type"] = json!("integer");
            field["constraints"] = json!({ "minimum": 1 });
        }
        "submitted" => field["type"] = json!("datetime"),
        _ => {}
    }
    field
}

/// The Table Schema of the responses file (codes, or labels).
fn responses_schema(survey: &Survey, labels: bool) -> Value {
    let mut fields: Vec<Value> = RESPONSES_ID_COLUMNS
        .iter()
        .map(|c| id_field(survey, c))
        .collect();
    for c in &Layout::select(survey, Selection::Public).columns {
        let q = c.question;
        let mut field = json!({
            "name": c.header,
            "title": format!("{} {}", q.id, c.header),
            "description": format!("{} ({})", q.text, holds(c, labels)),
            "type": "string",
        });
        match c.shows {
            Shows::Code(options) => {
                let allowed: Vec<&str> = options
                    .iter()
                    .map(|o| {
                        if labels {
                            o.label.as_str()
                        } else {
                            o.code.as_str()
                        }
                    })
                    .collect();
                field["constraints"] = json!({ "enum": allowed });
            }
            Shows::Flag(_) => {
                field["type"] = json!("integer");
                field["constraints"] = json!({ "minimum": 0, "maximum": 1 });
            }
            Shows::Codes(_) => {}
            Shows::Verbatim => match &q.kind {
                Kind::Number { bounds, .. }
                | Kind::NumberPerYear { bounds, .. }
                | Kind::MatrixNumber { bounds, .. } => {
                    field["type"] = json!("integer");
                    field["constraints"] = json!({ "minimum": bounds.min, "maximum": bounds.max });
                }
                Kind::Scale { min, max, .. } => {
                    field["type"] = json!("integer");
                    field["constraints"] = json!({ "minimum": min, "maximum": max });
                }
                _ => {}
            },
        }
        fields.push(field);
    }
    json!({
        "fields": fields,
        "missingValues": ["", crate::definition::UNKNOWN],
        "primaryKey": ["member"],
    })
}

/// A schema of string fields, for the long file and the codebook.
fn strings_schema(columns: &[&str], descriptions: &[&str]) -> Value {
    let fields: Vec<Value> = columns
        .iter()
        .zip(descriptions.iter().chain(std::iter::repeat(&"")))
        .map(|(name, description)| {
            json!({ "name": name, "type": "string", "description": description })
        })
        .collect();
    json!({ "fields": fields, "missingValues": [""] })
}

fn resource(name: &str, path: &str, title: &str, schema: Value) -> Value {
    json!({
        "name": name,
        "path": path,
        "title": title,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    })
}

/// The bytes of `datapackage.json` for version `version` of `survey`.
pub fn datapackage(survey: &Survey, version: u32, published: &str, respondents: usize) -> Vec<u8> {
    let id = &survey.id;
    let p = &survey.publication;
    let mut licence = json!({ "name": p.licence.clone().unwrap_or_default() });
    if let Some(url) = &p.licence_url {
        licence["path"] = json!(url);
    }
    let long_descriptions = [
        "The member's code (ISO 3166-1 alpha-2)",
        "The question's id",
        "The column of the responses file",
        "The row, year, place or part of the question; empty for its one cell",
        "The value as stored: a code, a number, unknown, a text",
        "The option's label where the value is a code",
    ];
    let mut package = json!({
        "profile": "tabular-data-package",
        "name": id,
        "title": survey.title,
        "description": format!(
            "{}, {}: the latest submitted response of each of {respondents} respondents, without personal data.",
            survey.title, survey.reference_period
        ),
        "version": version.to_string(),
        "created": published,
        "licenses": [licence],
        "resources": [
            resource(&format!("{id}-responses"), &format!("{id}-responses.csv"), "Responses (codes)", responses_schema(survey, false)),
            resource(&format!("{id}-responses-labels"), &format!("{id}-responses-labels.csv"), "Responses (labels)", responses_schema(survey, true)),
            resource(&format!("{id}-long"), &format!("{id}-long.csv"), "Long (tidy) table", strings_schema(&LONG_COLUMNS, &long_descriptions)),
            resource(&format!("{id}-codebook"), &format!("{id}-codebook.csv"), "Codebook", strings_schema(&CODEBOOK_COLUMNS, &[])),
        ],
    });
    if let Some(organisation) = &survey.organisation {
        package["contributors"] = json!([{ "title": organisation, "role": "publisher" }]);
    }
    if let Some(citation) = &p.citation {
        package["citation"] = json!(citation);
    }
    serde_json::to_vec_pretty(&package).unwrap_or_default()
}
