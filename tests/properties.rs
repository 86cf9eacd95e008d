//! Property tests: invariants of the IAM policy evaluator, of the CIDR
//! helpers and of the port-range checks, over generated inputs. Case counts
//! are modest (256) so that `cargo test` stays fast; a failure prints the
//! shrunk input. docs/fuzzing.md lists what is checked here.

#![cfg(not(target_arch = "wasm32"))]

use keyhole::model::{Attr, IngressRule, Origin, Truth};
use keyhole::net;
use keyhole::policy::{evaluate, Access, PolicyKind};
use keyhole::rules::aws::ec2::tcp_ports_opened;
use keyhole::rules::azure::nsg::open_admin_port::ADMIN_PORTS as AZURE_ADMIN_PORTS;
use keyhole::rules::gcp::compute::firewall_open_admin_port::ADMIN_PORTS as GCP_ADMIN_PORTS;
use keyhole::{audit, InputFile, Options};
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use std::net::{Ipv4Addr, Ipv6Addr};

fn config() -> ProptestConfig {
    ProptestConfig { cases: 256, ..ProptestConfig::default() }
}

// ---- Policies -------------------------------------------------------------

const KINDS: [PolicyKind; 5] = [
    PolicyKind::Resource("s3"),
    PolicyKind::Resource("sqs"),
    PolicyKind::Resource("kms"),
    PolicyKind::Resource("lambda"),
    PolicyKind::Trust,
];

fn kind() -> impl Strategy<Value = PolicyKind> {
    prop::sample::select(KINDS.to_vec())
}

fn principal() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        json!("*"),
        json!({"AWS": "*"}),
        json!({"AWS": ["arn:aws:iam::111122223333:root", "*"]}),
        json!({"AWS": "arn:aws:iam::*:root"}),
        json!({"AWS": "111122223333"}),
        json!({"AWS": "arn:aws:iam::111122223333:role/reader"}),
        json!({"Service": "cloudtrail.amazonaws.com"}),
        json!({"Federated": "cognito-identity.amazonaws.com"}),
        json!({"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}),
    ])
}

fn action() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        json!("*"),
        json!("s3:*"),
        json!("s3:GetObject"),
        json!("s3:Get*"),
        json!(["s3:GetObject", "s3:PutObject"]),
        json!("sqs:SendMessage"),
        json!("kms:Decrypt"),
        json!("lambda:InvokeFunction"),
        json!("sts:AssumeRole"),
        json!("sts:*"),
        json!(["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]),
        json!("iam:PassRole"),
    ])
}

fn resource() -> impl Strategy<Value = Option<Value>> {
    prop::sample::select(vec![
        None,
        Some(json!("*")),
        Some(json!("arn:aws:s3:::example-bucket/*")),
        Some(json!(["arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/*"])),
        Some(json!("arn:aws:sqs:us-east-1:111122223333:queue")),
    ])
}

/// Condition entries that keep anonymous callers out: a positive operator
/// on a restricting key with fixed values (docs in src/policy/condition.rs).
fn restricting_entry() -> impl Strategy<Value = (&'static str, &'static str, Value)> {
    prop::sample::select(vec![
        ("IpAddress", "aws:SourceIp", json!(["203.0.113.0/24"])),
        ("StringEquals", "aws:PrincipalOrgID", json!("o-a1b2c3d4e5")),
        ("StringEquals", "aws:SourceVpce", json!("vpce-1a2b3c4d")),
        ("StringEquals", "aws:SourceVpc", json!("vpc-111bbb22")),
        ("StringEquals", "aws:PrincipalAccount", json!(["111122223333"])),
        ("StringEquals", "aws:SourceAccount", json!("111122223333")),
        ("ArnLike", "aws:SourceArn", json!("arn:aws:cloudtrail:us-east-1:111122223333:trail/main")),
        ("ForAnyValue:StringEquals", "aws:PrincipalOrgPaths", json!(["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"])),
    ])
}

/// Condition keys Keyhole does not rely on; with a positive or negative
/// string operator they restrict nothing Keyhole can prove.
fn unknown_entry() -> impl Strategy<Value = (&'static str, &'static str, Value)> {
    (
        prop::sample::select(vec!["StringEquals", "StringLike", "StringNotEquals", "ForAnyValue:StringEquals"]),
        prop::sample::select(vec![
            "aws:PrincipalType",
            "s3:prefix",
            "sts:ExternalId",
            "aws:RequestTag/team",
            "example:MadeUpKey",
            "aws:CalledVia",
        ]),
        prop::sample::select(vec![json!("x"), json!(["home/", "shared/"]), json!("AIDAEXAMPLE")]),
    )
}

/// Entries that do not restrict, and that Keyhole knows do not.
fn open_entry() -> impl Strategy<Value = (&'static str, &'static str, Value)> {
    prop::sample::select(vec![
        ("Bool", "aws:SecureTransport", json!("true")),
        ("StringLike", "aws:Referer", json!("https://example.com/*")),
        ("IpAddress", "aws:SourceIp", json!(["0.0.0.0/0"])),
        ("StringNotEquals", "aws:PrincipalOrgID", json!("o-a1b2c3d4e5")),
        ("StringEqualsIfExists", "aws:SourceVpce", json!("vpce-1a2b3c4d")),
    ])
}

fn entry() -> impl Strategy<Value = (&'static str, &'static str, Value)> {
    prop_oneof![restricting_entry(), unknown_entry(), open_entry()]
}

/// Adds `operator: {key: values}` to a condition unless that key is already
/// under that operator (replacing a conjunct is not adding one).
fn add_entry(statement: &mut Map<String, Value>, (operator, key, values): (&str, &str, Value)) -> bool {
    let condition = statement.entry("Condition").or_insert_with(|| json!({}));
    let Some(condition) = condition.as_object_mut() else { return false };
    let block = condition.entry(operator).or_insert_with(|| json!({}));
    let Some(block) = block.as_object_mut() else { return false };
    if block.keys().any(|k| k.eq_ignore_ascii_case(key)) {
        return false;
    }
    block.insert(key.to_string(), values);
    true
}

fn statement(effect: &'static str) -> impl Strategy<Value = Map<String, Value>> {
    (principal(), action(), resource(), prop::collection::vec(entry(), 0..3)).prop_map(
        move |(principal, action, resource, entries)| {
            let mut s = Map::new();
            s.insert("Effect".into(), json!(effect));
            s.insert("Principal".into(), principal);
            s.insert("Action".into(), action);
            if let Some(resource) = resource {
                s.insert("Resource".into(), resource);
            }
            for e in entries {
                add_entry(&mut s, e);
            }
            s
        },
    )
}

fn any_statement() -> impl Strategy<Value = Map<String, Value>> {
    prop_oneof![3 => statement("Allow"), 1 => statement("Deny")]
}

fn policy_of(statements: &[Map<String, Value>]) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn access(statements: &[Map<String, Value>], kind: PolicyKind) -> Access {
    evaluate(&policy_of(statements), kind).access
}

/// `Access` orders Public < Unknown < NotPublic: "at least as closed".
fn no_more_public(before: Access, after: Access) -> bool {
    after >= before
}

proptest! {
    #![proptest_config(config())]

    /// A restricting condition added to an `Allow` can only close it.
    /// (On a `Deny` it narrows what is denied, which may rightly open the policy.)
    #[test]
    fn restricting_condition_never_opens(
        statements in prop::collection::vec(any_statement(), 1..5),
        which in any::<prop::sample::Index>(),
        extra in restricting_entry(),
        kind in kind(),
    ) {
        let before = access(&statements, kind);
        let allows: Vec<usize> = (0..statements.len()).filter(|&i| statements[i]["Effect"] == "Allow").collect();
        prop_assume!(!allows.is_empty());
        let mut changed = statements.clone();
        let at = allows[which.index(allows.len())];
        prop_assume!(add_entry(&mut changed[at], extra));
        let after = access(&changed, kind);
        prop_assert!(no_more_public(before, after), "{before:?} became {after:?}: {}", policy_of(&changed));
    }

    /// A `Deny`, whatever it says, never makes a policy more public.
    #[test]
    fn deny_never_opens(
        statements in prop::collection::vec(any_statement(), 1..5),
        deny in statement("Deny"),
        at in any::<prop::sample::Index>(),
        kind in kind(),
    ) {
        let before = access(&statements, kind);
        let mut changed = statements.clone();
        changed.insert(at.index(statements.len() + 1), deny);
        let after = access(&changed, kind);
        prop_assert!(no_more_public(before, after), "{before:?} became {after:?}: {}", policy_of(&changed));
    }

    /// Statement order means nothing in IAM, nor here.
    #[test]
    fn order_changes_nothing(
        statements in prop::collection::vec(any_statement(), 1..6),
        kind in kind(),
        seed in any::<u64>(),
    ) {
        let mut shuffled = statements.clone();
        // A seeded Fisher-Yates shuffle, so the case shrinks and replays.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(access(&statements, kind), access(&shuffled, kind));
    }

    /// A condition made only of keys Keyhole cannot rely on (plus keys known
    /// not to restrict) never turns a public `Allow` clean: at best unknown.
    #[test]
    fn unknown_key_never_clean(
        allow in statement("Allow"),
        unknown in prop::collection::vec(unknown_entry(), 1..3),
        open in prop::collection::vec(open_entry(), 0..2),
        kind in kind(),
    ) {
        let mut bare = allow.clone();
        bare.remove("Condition");
        prop_assume!(access(&[bare.clone()], kind) == Access::Public);
        let mut conditioned = bare;
        let mut added = false;
        for e in unknown {
            added |= add_entry(&mut conditioned, e);
        }
        for e in open {
            add_entry(&mut conditioned, e);
        }
        prop_assume!(added);
        let after = access(&[conditioned.clone()], kind);
        prop_assert_ne!(after, Access::NotPublic, "{}", policy_of(&[conditioned]));
    }
}

// ---- CIDR ranges ----------------------------------------------------------

/// A range of the IPv4 space that is whole /6 blocks (prefix 0..=6), with
/// random host bits, so that a brute force over the 64 blocks is exact.
fn coarse_v4() -> impl Strategy<Value = (String, u32, u32)> {
    (0u32..=6, any::<u32>()).prop_map(|(prefix, address)| {
        let block = if prefix == 0 { 0 } else { (address >> 26) & !((1u32 << (6 - prefix)) - 1) };
        let size = 1u32 << (6 - prefix);
        (format!("{}/{prefix}", Ipv4Addr::from(address)), block, block + size)
    })
}

fn coarse_v6() -> impl Strategy<Value = (String, u32, u32)> {
    (0u32..=6, any::<u128>()).prop_map(|(prefix, address)| {
        let top = (address >> 122) as u32;
        let block = if prefix == 0 { 0 } else { top & !((1u32 << (6 - prefix)) - 1) };
        let size = 1u32 << (6 - prefix);
        (format!("{}/{prefix}", Ipv6Addr::from(address)), block, block + size)
    })
}

fn brute_force_covers(ranges: &[(String, u32, u32)]) -> bool {
    let mut covered = [false; 64];
    for (_, from, to) in ranges {
        for cell in &mut covered[*from as usize..*to as usize] {
            *cell = true;
        }
    }
    covered.iter().all(|&c| c)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ipv4_coverage_agrees_with_brute_force(ranges in prop::collection::vec(coarse_v4(), 0..12)) {
        let texts: Vec<&str> = ranges.iter().map(|r| r.0.as_str()).collect();
        prop_assert_eq!(net::covers_all_ipv4(&texts), brute_force_covers(&ranges), "{:?}", texts);
        prop_assert!(!net::covers_all_ipv6(&texts));
    }

    #[test]
    fn ipv6_coverage_agrees_with_brute_force(ranges in prop::collection::vec(coarse_v6(), 0..12)) {
        let texts: Vec<&str> = ranges.iter().map(|r| r.0.as_str()).collect();
        prop_assert_eq!(net::covers_all_ipv6(&texts), brute_force_covers(&ranges), "{:?}", texts);
        prop_assert!(!net::covers_all_ipv4(&texts));
    }

    /// Host bits are cleared: the parsed network holds exactly the addresses
    /// that share the first `prefix` bits with the written one.
    #[test]
    fn parsed_network_contains_what_the_prefix_says(address in any::<u32>(), prefix in 0u8..=32, probe in any::<u32>()) {
        let net = net::parse_cidr(&format!("{}/{prefix}", Ipv4Addr::from(address))).expect("a valid range");
        prop_assert_eq!(net.prefix_len(), prefix);
        let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(prefix)) };
        let same_network = probe & mask == address & mask;
        prop_assert_eq!(net.contains(&std::net::IpAddr::from(Ipv4Addr::from(probe))), same_network);
    }

    /// `0.0.0.0/0` and `::/0` (whatever the host bits) are the whole
    /// internet; no other single range is.
    #[test]
    fn world_is_exactly_prefix_zero(v4 in any::<u32>(), v6 in any::<u128>(), p4 in 0u8..=32, p6 in 0u8..=128) {
        let four = format!("{}/{p4}", Ipv4Addr::from(v4));
        let six = format!("{}/{p6}", Ipv6Addr::from(v6));
        prop_assert_eq!(net::is_world(&four), p4 == 0);
        prop_assert_eq!(net::is_world(&six), p6 == 0);
        prop_assert_eq!(net::covers_internet(&[&four]), p4 == 0);
        prop_assert_eq!(net::covers_internet(&[&six]), p6 == 0);
        // A bare address is one host, never the world.
        prop_assert!(!net::is_world(&Ipv4Addr::from(v4).to_string()));
    }

    /// Text that is not a range never adds coverage.
    #[test]
    fn junk_never_covers(junk in "[a-z*/ .:0-9-]{0,12}", ranges in prop::collection::vec(coarse_v4(), 0..6)) {
        prop_assume!(net::parse_cidr(&junk).is_none());
        let mut texts: Vec<&str> = ranges.iter().map(|r| r.0.as_str()).collect();
        let without = net::covers_internet(&texts);
        texts.push(&junk);
        prop_assert_eq!(net::covers_internet(&texts), without);
    }
}

// ---- Port ranges ----------------------------------------------------------

fn origin() -> Origin {
    Origin::new(0, "")
}

fn ingress(protocol: &str, ports: Option<(u32, u32)>) -> IngressRule {
    IngressRule {
        protocol: Attr::explicit(protocol.to_string(), origin()),
        ports: ports.map(|p| Attr::explicit(p, origin())),
        sources: vec![Attr::explicit("0.0.0.0/0".to_string(), origin())],
        prefix_lists: Vec::new(),
        at: origin(),
    }
}

/// One Azure network security group rule allowing TCP from the internet
/// to `ports`, as `az network nsg list` prints it.
fn nsg_list(ports: &str) -> String {
    json!([{
        "id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/web",
        "name": "web", "type": "Microsoft.Network/networkSecurityGroups", "location": "westeurope",
        "securityRules": [{
            "name": "in", "access": "Allow", "direction": "Inbound", "priority": 100, "protocol": "Tcp",
            "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*",
            "destinationPortRange": ports
        }]
    }])
    .to_string()
}

/// One GCP firewall rule allowing TCP from the internet to `ports`, as
/// `gcloud compute firewall-rules list --format=json` prints it.
fn gcp_firewall(ports: &str) -> String {
    json!([{
        "kind": "compute#firewall", "name": "allow-in", "network": "https://www.googleapis.com/compute/v1/projects/p/global/networks/default",
        "selfLink": "https://www.googleapis.com/compute/v1/projects/p/global/firewalls/allow-in",
        "direction": "INGRESS", "disabled": false, "priority": 1000, "sourceRanges": ["0.0.0.0/0"],
        "allowed": [{"IPProtocol": "tcp", "ports": [ports]}]
    }])
    .to_string()
}

fn findings_of(text: &str, rule: &str) -> usize {
    let report = audit(&[InputFile { name: "input.json", bytes: text.as_bytes() }], &Options::default());
    assert!(report.inputs[0].error.is_none(), "{:?}", report.inputs[0].error);
    assert!(report.inputs[0].resources > 0, "the input was read: {text}");
    report.findings.iter().filter(|f| f.rule == rule).count()
}

/// Port ranges near the interesting ones (22, 3389, 0, 65535) and anywhere.
fn port() -> impl Strategy<Value = u32> {
    prop_oneof![0u32..=65535, 15u32..=30, 3380u32..=3395, prop::sample::select(vec![0, 65535])]
}

proptest! {
    #![proptest_config(config())]

    /// An AWS rule opens port 22 over TCP exactly when from <= 22 <= to.
    #[test]
    fn aws_range_covers_port_by_arithmetic(from in port(), to in port(), wanted in port()) {
        let (truth, ports) = tcp_ports_opened(&ingress("tcp", Some((from, to))), &[wanted]);
        let inside = from <= wanted && wanted <= to;
        prop_assert_eq!(truth, if inside { Truth::Yes } else { Truth::No });
        prop_assert_eq!(ports, if inside { vec![wanted] } else { vec![] });
        // UDP opens no TCP port; protocol -1 opens all of them.
        prop_assert_eq!(tcp_ports_opened(&ingress("udp", Some((from, to))), &[wanted]).0, Truth::No);
        prop_assert_eq!(tcp_ports_opened(&ingress("-1", Some((from, to))), &[wanted]).0, Truth::Yes);
    }
}

proptest! {
    // Whole audits: fewer cases.
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The Azure NSG and GCP firewall rules flag an open administration port
    /// exactly when the written range includes one of theirs.
    #[test]
    fn azure_and_gcp_ranges_cover_admin_ports_by_arithmetic(from in port(), to in port(), single in any::<bool>()) {
        let (text, from, to) = if single { (from.to_string(), from, from) } else { (format!("{from}-{to}"), from, to) };
        let includes = |ports: &[u32]| ports.iter().any(|p| from <= *p && *p <= to);
        prop_assert_eq!(
            findings_of(&nsg_list(&text), "azure-nsg-open-admin-port") > 0,
            includes(AZURE_ADMIN_PORTS),
            "azure {}", text
        );
        prop_assert_eq!(
            findings_of(&gcp_firewall(&text), "gcp-compute-firewall-open-admin-port") > 0,
            includes(GCP_ADMIN_PORTS),
            "gcp {}", text
        );
    }
}
