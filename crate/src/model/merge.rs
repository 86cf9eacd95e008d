//! The model of one upload: resources merged by identity across files, the
//! account-wide settings, and the layers the upload did not cover.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use super::*;

/// Something the audit could not check, said once per account and layer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Gap {
    pub account: Option<String>,
    pub region: Option<String>,
    /// What was not seen, such as `account-level S3 Block Public Access`.
    pub what: String,
    pub reason: String,
    /// The command that exports it, when there is one.
    pub command: Option<String>,
    pub file: Option<usize>,
}

#[derive(Debug, Default)]
pub struct Model {
    resources: Vec<Resource>,
    index: HashMap<(&'static str, String), usize>,
    /// Account-wide settings by account id; the empty key holds settings from
    /// files that do not say which account they describe.
    pub accounts: BTreeMap<String, AccountSettings>,
    pub gaps: Vec<Gap>,
    /// Line and column of pointers in files that are not JSON (YAML
    /// templates), by file index, so evidence can name the place.
    pub positions: HashMap<usize, HashMap<String, (usize, usize)>>,
    /// Policies beyond the first attached to one resource (two
    /// `AWS::S3::BucketPolicy` on a bucket, several topic policies), by
    /// resource index: every one is evaluated, since which one AWS keeps
    /// depends on deploy order.
    extra_policies: HashMap<usize, Vec<Attr<PolicyDoc>>>,
}

impl Model {
    /// The line and column of a pointer, or of its nearest ancestor that has one.
    pub fn position(&self, file: usize, pointer: &str) -> Option<(usize, usize)> {
        let table = self.positions.get(&file)?;
        let mut pointer = pointer;
        loop {
            if let Some(place) = table.get(pointer) {
                return Some(*place);
            }
            pointer = &pointer[..pointer.rfind('/')?];
        }
    }

    pub fn resources(&self) -> &[Resource] {
        &self.resources
    }

    /// Adds a resource, merging it into an earlier one of the same type and
    /// id: fields the earlier one lacks are taken from the newcomer.
    /// Returns the resource's index in the model.
    pub fn add(&mut self, resource: Resource) -> usize {
        match self.index.entry((resource.type_name, resource.id.clone())) {
            Entry::Occupied(at) => {
                let at = *at.get();
                let overflow = merge_resource(&mut self.resources[at], resource);
                if !overflow.is_empty() {
                    self.extra_policies.entry(at).or_default().extend(overflow);
                }
                at
            }
            Entry::Vacant(slot) => {
                slot.insert(self.resources.len());
                self.resources.push(resource);
                self.resources.len() - 1
            }
        }
    }

    /// The resource of this type and id.
    pub fn get(&self, type_name: &'static str, id: &str) -> Option<&Resource> {
        let at = *self.index.get(&(type_name, id.to_string()))?;
        self.resources.get(at)
    }

    /// The resource of this type and id, for sources that describe one part
    /// of a resource (a bucket's ACL) before or after its listing.
    pub fn get_mut(&mut self, type_name: &'static str, id: &str) -> Option<&mut Resource> {
        let at = *self.index.get(&(type_name, id.to_string()))?;
        Some(&mut self.resources[at])
    }

    pub fn account_mut(&mut self, account: Option<&str>) -> &mut AccountSettings {
        self.accounts.entry(account.unwrap_or_default().to_string()).or_default()
    }

    /// Account-level S3 Block Public Access for this account: its own record,
    /// else one from a file that named no account.
    pub fn account_public_access_block(&self, account: Option<&str>) -> Option<&PublicAccessBlock> {
        let own = account.and_then(|a| self.accounts.get(a)).and_then(|s| s.s3_public_access_block.as_ref());
        own.or_else(|| self.accounts.get("").and_then(|s| s.s3_public_access_block.as_ref()))
    }

    /// The policies attached to a resource beyond the one in its settings.
    pub fn extra_policies(&self, resource: &Resource) -> &[Attr<PolicyDoc>] {
        if self.extra_policies.is_empty() {
            return &[];
        }
        self.index
            .get(&(resource.type_name, resource.id.clone()))
            .and_then(|at| self.extra_policies.get(at))
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    pub fn add_gap(&mut self, gap: Gap) {
        if !self.gaps.contains(&gap) {
            self.gaps.push(gap);
        }
    }
}

fn fill<T>(into: &mut Option<T>, from: Option<T>) {
    if into.is_none() {
        *into = from;
    }
}

fn fill_vec<T>(into: &mut Vec<T>, from: Vec<T>) {
    if into.is_empty() {
        *into = from;
    }
}

/// Fills a policy slot; a second distinct policy is returned so the model
/// keeps it too.
fn fill_policy(into: &mut Option<Attr<PolicyDoc>>, from: Option<Attr<PolicyDoc>>, overflow: &mut Vec<Attr<PolicyDoc>>) {
    match (into.as_ref(), from) {
        (None, from) => *into = from,
        (Some(existing), Some(from)) if *existing != from => overflow.push(from),
        _ => {}
    }
}

/// Merges `from` into `into`, returning policies that did not fit.
fn merge_resource(into: &mut Resource, from: Resource) -> Vec<Attr<PolicyDoc>> {
    let mut overflow = Vec::new();
    fill(&mut into.account, from.account);
    fill(&mut into.region, from.region);
    if into.tags.is_empty() {
        into.tags = from.tags;
    }
    if into.name.is_empty() || into.name == into.id {
        into.name = from.name;
    }
    match (&mut into.kind, from.kind) {
        (Kind::S3Bucket(a), Kind::S3Bucket(b)) => {
            fill(&mut a.acl, b.acl);
            fill_policy(&mut a.policy, b.policy, &mut overflow);
            fill(&mut a.object_ownership, b.object_ownership);
            fill(&mut a.encryption, b.encryption);
            fill(&mut a.logging, b.logging);
            fill(&mut a.created, b.created);
            a.declared |= b.declared;
            match (&mut a.public_access_block, b.public_access_block) {
                (Some(pa), Some(pb)) => merge_pab(pa, pb),
                (slot, other) => fill(slot, other),
            }
        }
        (Kind::SecurityGroup(a), Kind::SecurityGroup(b)) => {
            fill(&mut a.group_name, b.group_name);
            fill(&mut a.vpc_id, b.vpc_id);
            fill_vec(&mut a.ingress, b.ingress);
        }
        (Kind::Instance(a), Kind::Instance(b)) => {
            fill(&mut a.public_ip, b.public_ip);
            fill_vec(&mut a.security_groups, b.security_groups);
        }
        (Kind::RdsInstance(a), Kind::RdsInstance(b)) => {
            fill(&mut a.publicly_accessible, b.publicly_accessible);
            fill(&mut a.storage_encrypted, b.storage_encrypted);
            fill(&mut a.port, b.port);
            fill(&mut a.engine, b.engine);
            fill_vec(&mut a.security_groups, b.security_groups);
        }
        (Kind::Snapshot(a), Kind::Snapshot(b)) => {
            fill(&mut a.shared_with, b.shared_with);
            fill(&mut a.encrypted, b.encrypted);
        }
        (Kind::Image(a), Kind::Image(b)) => fill(&mut a.public, b.public),
        (Kind::RedshiftCluster(a), Kind::RedshiftCluster(b)) => {
            fill(&mut a.publicly_accessible, b.publicly_accessible);
            fill(&mut a.encrypted, b.encrypted);
        }
        (Kind::SearchDomain(a), Kind::SearchDomain(b)) => {
            fill(&mut a.in_vpc, b.in_vpc);
            fill_policy(&mut a.policy, b.policy, &mut overflow);
        }
        (Kind::PolicyHolder(a), Kind::PolicyHolder(b)) => fill_policy(&mut a.policy, b.policy, &mut overflow),
        (Kind::LambdaFunction(a), Kind::LambdaFunction(b)) => {
            fill_policy(&mut a.policy, b.policy, &mut overflow);
            fill(&mut a.url_auth_type, b.url_auth_type);
        }
        (Kind::IamRole(a), Kind::IamRole(b)) => fill(&mut a.trust_policy, b.trust_policy),
        (Kind::EbsVolume(a), Kind::EbsVolume(b)) => fill(&mut a.encrypted, b.encrypted),
        (Kind::StorageAccount(a), Kind::StorageAccount(b)) => {
            fill(&mut a.allow_blob_public_access, b.allow_blob_public_access);
            fill(&mut a.network_default_action, b.network_default_action);
            fill(&mut a.public_network_access, b.public_network_access);
            fill(&mut a.https_only, b.https_only);
            fill(&mut a.api_version, b.api_version);
        }
        (Kind::StorageContainer(a), Kind::StorageContainer(b)) => {
            fill(&mut a.account, b.account);
            fill(&mut a.public_access, b.public_access);
        }
        (Kind::SqlServer(a), Kind::SqlServer(b)) => {
            // Firewall rules often come from a separate listing: keep both.
            for rule in b.firewall_rules {
                if !a.firewall_rules.iter().any(|r| r.name == rule.name) {
                    a.firewall_rules.push(rule);
                }
            }
            fill(&mut a.public_network_access, b.public_network_access);
        }
        (Kind::NetworkSecurityGroup(a), Kind::NetworkSecurityGroup(b)) => {
            for rule in b.rules {
                if !a.rules.iter().any(|r| r.name == rule.name) {
                    a.rules.push(rule);
                }
            }
        }
        (Kind::CosmosAccount(a), Kind::CosmosAccount(b)) => {
            fill(&mut a.public_network_access, b.public_network_access);
            fill(&mut a.ip_rules, b.ip_rules);
            fill(&mut a.virtual_network_rules, b.virtual_network_rules);
            fill(&mut a.virtual_network_filter_enabled, b.virtual_network_filter_enabled);
        }
        (Kind::KeyVault(a), Kind::KeyVault(b)) => {
            fill(&mut a.network_default_action, b.network_default_action);
            fill(&mut a.public_network_access, b.public_network_access);
        }
        (Kind::GcsBucket(a), Kind::GcsBucket(b)) => {
            // IAM policy and resource data often arrive as separate records.
            a.grants.extend(b.grants);
            fill(&mut a.public_access_prevention, b.public_access_prevention);
            fill(&mut a.uniform_access, b.uniform_access);
        }
        (Kind::SqlInstance(a), Kind::SqlInstance(b)) => {
            fill(&mut a.ipv4_enabled, b.ipv4_enabled);
            fill_vec(&mut a.authorized_networks, b.authorized_networks);
        }
        (Kind::Firewall(a), Kind::Firewall(b)) => {
            fill(&mut a.direction, b.direction);
            fill(&mut a.disabled, b.disabled);
            fill_vec(&mut a.source_ranges, b.source_ranges);
            fill_vec(&mut a.allowed, b.allowed);
        }
        (Kind::GrantHolder(a), Kind::GrantHolder(b)) => a.grants.extend(b.grants),
        // Same type name with a different kind cannot come from our sources.
        _ => {}
    }
    overflow
}

fn merge_pab(into: &mut PublicAccessBlock, from: PublicAccessBlock) {
    fill(&mut into.block_public_acls, from.block_public_acls);
    fill(&mut into.ignore_public_acls, from.ignore_public_acls);
    fill(&mut into.block_public_policy, from.block_public_policy);
    fill(&mut into.restrict_public_buckets, from.restrict_public_buckets);
    fill(&mut into.at, from.at);
}
