//! Article attributes: typed key–value facts about an article (what QDA
//! tools call document variables or classifications) — the outlet, byline
//! and section a news archive export names, or anything an analyst adds.
//! The importer's built-in fields (date, posted, credit, file) are
//! attributes too when read through [`attribute`].

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Article;

/// The outlet or publication (newspaper, site, agency).
pub const OUTLET: &str = "outlet";
/// The author(s) as the source names them.
pub const BYLINE: &str = "byline";
/// The section or page.
pub const SECTION: &str = "section";
/// The length in words the source gives.
pub const LENGTH: &str = "length";
/// The language the source gives.
pub const LANGUAGE: &str = "language";
/// The article's web address.
pub const URL: &str = "url";
/// The archive's document id.
pub const DOCUMENT_ID: &str = "document id";
/// The publication type (newspaper, wire, web…).
pub const PUBLICATION_TYPE: &str = "publication type";
/// The copyright line.
pub const COPYRIGHT: &str = "copyright";

/// The built-in attributes every article has (from the importer).
pub const BUILT_IN: [&str; 4] = ["date", "posted", "credit", "file"];

/// One attribute's value.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Value {
    /// Free text.
    Text(String),
    /// A number.
    Number(f64),
    /// A calendar date.
    Date(NaiveDate),
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Text(a), Self::Text(b)) => a == b,
            (Self::Number(a), Self::Number(b)) => a.to_bits() == b.to_bits(),
            (Self::Date(a), Self::Date(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Value {}

impl Value {
    /// Reads a value typed as text: a `YYYY-MM-DD` date, a number, or text.
    #[must_use]
    pub fn parse(s: &str) -> Self {
        let t = s.trim();
        if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            return Self::Date(d);
        }
        if !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+'))
            && let Ok(n) = t.parse::<f64>()
            && n.is_finite()
        {
            return Self::Number(n);
        }
        Self::Text(t.to_owned())
    }

    /// The kind, in words.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Text(_) => "text",
            Self::Number(_) => "number",
            Self::Date(_) => "date",
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text(s) => f.write_str(s),
            Self::Number(n) => write!(f, "{n}"),
            Self::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
        }
    }
}

/// An article's attributes by name.
pub type Attributes = BTreeMap<String, Value>;

/// The value of attribute `name` of `a`: a built-in field (`date`,
/// `posted`, `credit`, `file`, `month`, `year`) or one of its attributes.
#[must_use]
pub fn attribute(a: &Article, name: &str) -> Option<Value> {
    match name {
        "date" => a.meta.date.map(Value::Date),
        "posted" => a
            .meta
            .posted
            .map(|p| Value::Text(p.format("%Y-%m-%d %H:%M").to_string())),
        "credit" => a.meta.credit.clone().map(Value::Text),
        "file" => Some(Value::Text(a.meta.file_name.clone())),
        "month" => a
            .meta
            .date
            .map(|d| Value::Text(d.format("%Y-%m").to_string())),
        "year" => a.meta.date.map(|d| Value::Text(d.format("%Y").to_string())),
        _ => a.meta.attributes.get(name).cloned(),
    }
}

/// Every attribute name used in `articles`, the built-in ones first.
pub fn names<'a>(articles: impl Iterator<Item = &'a Article>) -> Vec<String> {
    let mut own: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    for a in articles {
        own.extend(a.meta.attributes.keys().map(String::as_str));
    }
    let mut out: Vec<String> = BUILT_IN.iter().map(|s| (*s).to_owned()).collect();
    out.extend(
        own.into_iter()
            .filter(|n| !BUILT_IN.contains(n))
            .map(str::to_owned),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_typed_from_text() {
        assert_eq!(
            Value::parse("2021-03-04"),
            Value::Date(NaiveDate::from_ymd_opt(2021, 3, 4).unwrap())
        );
        assert_eq!(Value::parse(" 355 "), Value::Number(355.0));
        assert_eq!(
            Value::parse("NEWS; Pg. 8"),
            Value::Text("NEWS; Pg. 8".into())
        );
        assert_eq!(
            Value::parse("1e5"),
            Value::Text("1e5".into()),
            "not a plain number"
        );
        assert_eq!(Value::Number(355.0).to_string(), "355");
    }
}
