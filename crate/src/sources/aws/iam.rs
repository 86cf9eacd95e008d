//! IAM roles and their trust policies.

use crate::model::{Attr, IamRole, Kind, Origin, PolicyDoc, Resource};
use crate::sources::{Collector, Node};

use super::cli::Call;
use super::config::ConfigItem;
use super::ec2::resource;

pub const ROLE: &str = "AWS::IAM::Role";

/// Decodes `%XX` escapes; AWS Config URL-encodes `assumeRolePolicyDocument`.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// A trust policy as an object, a JSON string, or a URL-encoded JSON string.
fn trust_policy(node: &Node) -> Attr<PolicyDoc> {
    if let Some(doc) = node.document() {
        return Attr::explicit(PolicyDoc { document: doc.value.into_owned() }, doc.at);
    }
    let decoded = node.str().and_then(percent_decode).and_then(|t| serde_json::from_str(&t).ok());
    match decoded {
        // The string is URL-encoded, so no inner pointer can point into it.
        Some(document) => Attr::explicit(PolicyDoc { document }, Origin { opaque: true, ..node.at.clone() }),
        None => Attr::unresolved(node.at.clone()),
    }
}

fn role(node: &Node, call: Option<&Call>) -> Option<Resource> {
    let name = node.get_ci("RoleName").and_then(|n| n.string())?;
    let id = node.get_ci("Arn").and_then(|n| n.string()).unwrap_or_else(|| name.clone());
    let trust = node.get_ci("AssumeRolePolicyDocument").map(|p| trust_policy(&p));
    Some(resource(ROLE, id, name, node, call, Kind::IamRole(IamRole { trust_policy: trust })))
}

pub fn from_cli(call: &Call, collector: &mut Collector) -> bool {
    if call.operation != "get-account-authorization-details" {
        return false;
    }
    for node in call.output.get_ci("RoleDetailList").into_iter().flat_map(|n| n.items().collect::<Vec<_>>()) {
        match role(&node, Some(call)) {
            Some(r) => collector.add(r),
            None => collector.skip(&node.at, "role without a RoleName"),
        }
    }
    for key in ["UserDetailList", "GroupDetailList", "Policies"] {
        if let Some(list) = call.output.get_ci(key) {
            let count = list.items().count();
            if count > 0 {
                collector
                    .skip(&list.at, format!("{count} {key} entries: identity policies are not audited for exposure"));
            }
        }
    }
    true
}

pub fn role_from_config(item: &ConfigItem, collector: &mut Collector) -> bool {
    let Some(config) = &item.configuration else { return false };
    let Some(mut r) = role(&config.node(), None) else { return false };
    r.account = item.account.clone();
    r.region = item.region.clone();
    r.tags = item.tags.clone();
    r.at = item.node.at.clone();
    if let Some(arn) = &item.arn {
        r.id = arn.clone();
    }
    collector.add(r);
    true
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn decodes_url_encoded_policy() {
        assert_eq!(percent_decode("%7B%22a%22%3A1%7D").as_deref(), Some("{\"a\":1}"));
        assert_eq!(percent_decode("%7"), None);
        assert_eq!(percent_decode("%zz"), None);
    }
}
