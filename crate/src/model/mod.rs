//! The normalized model every source adapts into, and every rule reads.
//!
//! Each attribute remembers where it came from (an RFC 6901 pointer into the
//! user's file, plus an inner pointer when the value sits in JSON embedded in a
//! string) and whether it was explicit, defaulted or unresolvable.

mod aws;
mod azure;
mod gcp;
mod merge;

pub use aws::*;
pub use azure::*;
pub use gcp::*;
pub use merge::{Gap, Model};

use serde::{Deserialize, Serialize};

/// Where a value came from: an input file, a pointer into it and, when the
/// value lives inside a JSON document embedded in a string, a pointer inside
/// that document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    /// Index of the input file in the upload.
    pub file: usize,
    pub pointer: String,
    pub inner: Option<String>,
    /// Set when the value sits in JSON embedded in a string that was itself
    /// embedded: one inner pointer cannot go deeper, so children stay here.
    pub opaque: bool,
}

impl Origin {
    pub fn new(file: usize, pointer: impl Into<String>) -> Self {
        Origin { file, pointer: pointer.into(), inner: None, opaque: false }
    }

    /// The location of a child: extends the inner pointer when there is one,
    /// otherwise the outer pointer. Builds the new pointer in one allocation:
    /// adapters call this for every value they read.
    pub fn child(&self, token: impl PointerToken) -> Origin {
        if self.opaque {
            return self.clone();
        }
        let extend = |base: &str| {
            let mut out = String::with_capacity(base.len() + 1 + token.len_hint());
            out.push_str(base);
            out.push('/');
            token.push_escaped(&mut out);
            out
        };
        match &self.inner {
            Some(inner) => Origin { inner: Some(extend(inner)), ..self.clone() },
            None => Origin { file: self.file, pointer: extend(&self.pointer), inner: None, opaque: false },
        }
    }

    /// Appends an already-escaped pointer suffix (such as `/Statement/0`).
    pub fn join(&self, suffix: &str) -> Origin {
        let mut out = self.clone();
        if out.opaque {
            return out;
        }
        match &mut out.inner {
            Some(inner) => inner.push_str(suffix),
            None => out.pointer.push_str(suffix),
        }
        out
    }

    /// The same place, entered as an embedded JSON document: later children
    /// go into the inner pointer.
    pub fn embedded(&self) -> Origin {
        let mut out = self.clone();
        if out.inner.is_none() {
            out.inner = Some(String::new());
        } else {
            out.opaque = true;
        }
        out
    }
}

/// A reference token of a JSON pointer: an object key or an array index.
pub trait PointerToken {
    fn len_hint(&self) -> usize;
    /// Appends the token, escaped as RFC 6901 says (`~` → `~0`, `/` → `~1`).
    fn push_escaped(&self, out: &mut String);
}

impl PointerToken for &str {
    fn len_hint(&self) -> usize {
        self.len()
    }
    fn push_escaped(&self, out: &mut String) {
        if self.contains(['~', '/']) {
            out.push_str(&escape_token(self));
        } else {
            out.push_str(self);
        }
    }
}

impl PointerToken for &String {
    fn len_hint(&self) -> usize {
        self.len()
    }
    fn push_escaped(&self, out: &mut String) {
        self.as_str().push_escaped(out)
    }
}

impl PointerToken for usize {
    fn len_hint(&self) -> usize {
        20
    }
    fn push_escaped(&self, out: &mut String) {
        use std::fmt::Write;
        let _ = write!(out, "{self}");
    }
}

/// RFC 6901 token escaping.
pub fn escape_token(token: &str) -> String {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1")
    } else {
        token.to_string()
    }
}

/// How a value was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Provenance {
    /// Written in the input.
    Explicit,
    /// Absent from the input; the provider's documented default applies.
    Defaulted,
    /// Present but not resolvable here (a template reference, an unknown
    /// planned value).
    Unresolved,
}

/// A value with its origin and provenance. `value` is `None` exactly when the
/// provenance is `Unresolved`.
#[derive(Debug, Clone, PartialEq)]
pub struct Attr<T> {
    pub value: Option<T>,
    pub provenance: Provenance,
    pub at: Origin,
}

impl<T> Attr<T> {
    pub fn explicit(value: T, at: Origin) -> Self {
        Attr { value: Some(value), provenance: Provenance::Explicit, at }
    }
    pub fn defaulted(value: T, at: Origin) -> Self {
        Attr { value: Some(value), provenance: Provenance::Defaulted, at }
    }
    pub fn unresolved(at: Origin) -> Self {
        Attr { value: None, provenance: Provenance::Unresolved, at }
    }
    pub fn known(&self) -> Option<&T> {
        self.value.as_ref()
    }
}

impl Attr<bool> {
    /// Three-valued truth of a flag.
    pub fn truth(&self) -> Truth {
        match self.value {
            Some(true) => Truth::Yes,
            Some(false) => Truth::No,
            None => Truth::Unknown,
        }
    }
}

/// Three-valued logic for layers that may not resolve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truth {
    Yes,
    No,
    Unknown,
}

impl Truth {
    pub fn or(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::Yes, _) | (_, Truth::Yes) => Truth::Yes,
            (Truth::No, Truth::No) => Truth::No,
            _ => Truth::Unknown,
        }
    }
    pub fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::No, _) | (_, Truth::No) => Truth::No,
            (Truth::Yes, Truth::Yes) => Truth::Yes,
            _ => Truth::Unknown,
        }
    }
}

impl std::ops::Not for Truth {
    type Output = Truth;
    fn not(self) -> Truth {
        match self {
            Truth::Yes => Truth::No,
            Truth::No => Truth::Yes,
            Truth::Unknown => Truth::Unknown,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Aws,
    Azure,
    Gcp,
}

/// One cloud resource, as a person would name it, with its typed settings.
#[derive(Debug, Clone)]
pub struct Resource {
    pub provider: Provider,
    /// The provider's type name, such as `AWS::S3::Bucket`.
    pub type_name: &'static str,
    pub id: String,
    pub name: String,
    pub account: Option<String>,
    pub region: Option<String>,
    pub tags: Vec<(String, String)>,
    /// Where the resource itself is described, for evidence about missing
    /// attributes.
    pub at: Origin,
    pub kind: Kind,
}

/// The typed settings of a resource, by kind. Buckets are the largest and
/// the most common kind, so boxing them would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Kind {
    S3Bucket(S3Bucket),
    SecurityGroup(SecurityGroup),
    Instance(Instance),
    RdsInstance(RdsInstance),
    /// EBS, RDS instance and RDS cluster snapshots.
    Snapshot(Snapshot),
    Image(Image),
    RedshiftCluster(RedshiftCluster),
    SearchDomain(SearchDomain),
    /// SQS queues, SNS topics, KMS keys, ECR repositories, secrets.
    PolicyHolder(PolicyHolder),
    LambdaFunction(LambdaFunction),
    IamRole(IamRole),
    EbsVolume(EbsVolume),
    StorageAccount(StorageAccount),
    StorageContainer(StorageContainer),
    SqlServer(SqlServer),
    NetworkSecurityGroup(NetworkSecurityGroup),
    CosmosAccount(CosmosAccount),
    KeyVault(KeyVault),
    GcsBucket(GcsBucket),
    SqlInstance(SqlInstance),
    Firewall(Firewall),
    /// BigQuery datasets, compute images, cloud functions.
    GrantHolder(GrantHolder),
}

/// A policy document with the place it came from. When the document was a
/// JSON string, `at` points at the string and has an (empty) inner pointer.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDoc {
    pub document: serde_json::Value,
}
