//! The sensitive-data hint: names, tags or labels that suggest personal data
//! raise a finding's severity one step.

use crate::model::Resource;

/// The default words, from the rule catalogue. Configurable through
/// [`crate::Options::sensitive_words`].
pub const DEFAULT_WORDS: &[&str] =
    &["customer", "dealer", "crm", "pii", "personal", "gdpr", "contact", "owner", "vin", "email", "phone", "passport"];

/// `data-classification` tag values that mark personal data.
const CLASSIFICATIONS: &[&str] = &["confidential", "restricted", "pii"];

/// Splits `dealerCRM-exports_2023` into `dealer`, `crm`, `exports`, `2023`.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A word matches a whole token, or, when it has five letters or more, a
/// token that contains it (`customers`, `dealership`); short words such as
/// `vin` only match whole tokens, so `having` is not `vin`.
fn matches(word: &str, token: &str) -> bool {
    token == word || (word.len() >= 5 && token.contains(word))
}

/// The words that suggest this resource holds personal data, sorted and
/// without repeats.
pub fn scan(resource: &Resource, words: &[String]) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut texts: Vec<&str> = vec![resource.name.as_str()];
    for (key, value) in &resource.tags {
        if key.eq_ignore_ascii_case("data-classification") || key.eq_ignore_ascii_case("dataclassification") {
            let value = value.to_ascii_lowercase();
            if CLASSIFICATIONS.contains(&value.as_str()) {
                found.push(format!("data-classification={value}"));
            }
            continue;
        }
        // Tag keys are not scanned: an `Owner` or `Contact` tag names who
        // runs the resource, not what it holds.
        texts.push(value);
    }
    for text in texts {
        for token in tokens(text) {
            for word in words {
                if matches(&word.to_ascii_lowercase(), &token) && !found.contains(word) {
                    found.push(word.clone());
                }
            }
        }
    }
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, Origin, PolicyHolder, Provider};

    fn named(name: &str, tags: &[(&str, &str)]) -> Resource {
        Resource {
            provider: Provider::Aws,
            type_name: "AWS::SQS::Queue",
            id: name.into(),
            name: name.into(),
            account: None,
            region: None,
            tags: tags.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            at: Origin::new(0, ""),
            kind: Kind::PolicyHolder(PolicyHolder::default()),
        }
    }

    fn words() -> Vec<String> {
        DEFAULT_WORDS.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn finds_words_in_names_and_tags() {
        assert_eq!(scan(&named("dealer-crm-customer-exports", &[]), &words()), ["crm", "customer", "dealer"]);
        assert_eq!(scan(&named("vin-telematics-archive", &[]), &words()), ["vin"]);
        assert_eq!(scan(&named("dealershipCustomers", &[]), &words()), ["customer", "dealer"]);
        assert_eq!(scan(&named("x", &[("Purpose", "contact lists")]), &words()), ["contact"]);
        assert_eq!(
            scan(&named("x", &[("data-classification", "Confidential")]), &words()),
            ["data-classification=confidential"]
        );
    }

    #[test]
    fn ignores_lookalike_words() {
        assert!(scan(&named("marketing-site-assets", &[]), &words()).is_empty());
        assert!(scan(&named("having-fun", &[]), &words()).is_empty());
        assert!(scan(&named("x", &[("data-classification", "public")]), &words()).is_empty());
        assert!(scan(&named("x", &[("Owner", "platform-team")]), &words()).is_empty());
    }
}
