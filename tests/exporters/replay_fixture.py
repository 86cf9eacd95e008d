"""Recorded aws CLI outputs for test_aws_replay.py, in the shapes the real CLI prints.

This covers what moto cannot: an account-level Block Public Access record
(s3control puts the account id in the host name), AWS managed KMS keys
(alias/aws/*), buckets outside the home region (LocationConstraint null and
"EU"), AccessDenied answers, lambda list-function-url-configs (which moto
lacks), region discovery, describe-domains batching, and an
error message that needs JSON escaping.

Each entry: service, operation, region ("*" for any), optional match
{cli flag: value}, and either output (the parsed JSON the CLI prints) or
error (the CLI's stderr text).
"""

ACCOUNT = "210987654321"
REGIONS = ["ap-southeast-2", "us-east-1"]
AWS_MANAGED_KEY = "0b6f2a0e-1111-4c3e-9a55-aws0managed0"
CUSTOMER_KEY = "7d1c9e42-2222-4f0a-b7a1-customer0key"
DOMAINS = [f"dealer-search-{i}" for i in range(1, 7)]

# An error message with quotes, a backslash and a tab: it must survive JSON escaping.
TRICKY_MESSAGE = (
    'You are not authorized to perform this operation. User: arn:aws:sts::210987654321:'
    'assumed-role/KeyholeAudit/it\\person is not authorized to perform: '
    'ec2:DescribeSecurityGroups because no identity-based policy allows the '
    '"ec2:DescribeSecurityGroups" action\tEncoded authorization failure message: x'
)


def err(code, op, message):
    return f"\nAn error occurred ({code}) when calling the {op} operation: {message}\n"


def policy(*statements):
    import json
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


PUBLIC_READ = policy({
    "Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::dealer-legacy-site/*",
})

OWNER = {"DisplayName": "dealer-it", "ID": "0f" * 32}

E = []  # the entries


def out(service, operation, output, region="*", **match):
    E.append({"service": service, "operation": operation, "region": region,
              "match": match, "output": output})


def fail(service, operation, stderr, region="*", **match):
    E.append({"service": service, "operation": operation, "region": region,
              "match": match, "error": stderr})


# ---------------------------------------------------------------- account-wide
out("sts", "get-caller-identity", {
    "UserId": "AROAEXAMPLEID:it-person", "Account": ACCOUNT,
    "Arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/KeyholeAudit/it-person"})
out("ec2", "describe-regions", {"Regions": [
    {"Endpoint": f"ec2.{r}.amazonaws.com", "RegionName": r, "OptInStatus": "opt-in-not-required"}
    for r in REGIONS]})
out("iam", "get-account-authorization-details", {
    "UserDetailList": [], "GroupDetailList": [], "Policies": [],
    "RoleDetailList": [{
        "Path": "/", "RoleName": "dealer-ec2-ssm", "RoleId": "AROAEXAMPLEROLE1",
        "Arn": f"arn:aws:iam::{ACCOUNT}:role/dealer-ec2-ssm", "CreateDate": "2024-02-01T00:00:00+00:00",
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "InstanceProfileList": [], "RolePolicyList": [], "AttachedManagedPolicies": [], "Tags": [],
        "RoleLastUsed": {}}]}, **{"--filter": "Role"})
# Account-level Block Public Access, all four on: it neutralises the public
# ACL and policy of dealer-legacy-site below.
out("s3control", "get-public-access-block", {"PublicAccessBlockConfiguration": {
    "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True}}, **{"--account-id": ACCOUNT})
out("s3api", "list-buckets", {"Buckets": [
    {"Name": "dealer-legacy-site", "CreationDate": "2019-05-01T00:00:00+00:00"},
    {"Name": "dealer-eu-archive", "CreationDate": "2020-07-01T00:00:00+00:00"}], "Owner": OWNER})

# dealer-legacy-site: us-east-1 (LocationConstraint null), public ACL and policy.
B = {"--bucket": "dealer-legacy-site"}
out("s3api", "get-bucket-location", {"LocationConstraint": None}, **B)
out("s3api", "get-bucket-acl", {"Owner": OWNER, "Grants": [
    {"Grantee": {"DisplayName": "dealer-it", "ID": "0f" * 32, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"},
    {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "READ"},
]}, region="us-east-1", **B)
out("s3api", "get-bucket-policy", {"Policy": PUBLIC_READ}, region="us-east-1", **B)
fail("s3api", "get-public-access-block", err(
    "NoSuchPublicAccessBlockConfiguration", "GetPublicAccessBlock",
    "The public access block configuration was not found"), region="us-east-1", **B)
fail("s3api", "get-bucket-ownership-controls", err(
    "OwnershipControlsNotFoundError", "GetBucketOwnershipControls",
    "The bucket ownership controls were not found"), region="us-east-1", **B)
out("s3api", "get-bucket-encryption", {"ServerSideEncryptionConfiguration": {"Rules": [
    {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]}},
    region="us-east-1", **B)
out("s3api", "get-bucket-logging", {}, region="us-east-1", **B)
fail("s3api", "get-bucket-tagging", err("NoSuchTagSet", "GetBucketTagging", "The TagSet does not exist"),
     region="us-east-1", **B)

# dealer-eu-archive: LocationConstraint "EU" (eu-west-1); the role may not read it.
B = {"--bucket": "dealer-eu-archive"}
out("s3api", "get-bucket-location", {"LocationConstraint": "EU"}, **B)
for op, api in [("get-bucket-acl", "GetBucketAcl"), ("get-bucket-policy", "GetBucketPolicy"),
                ("get-public-access-block", "GetPublicAccessBlock"),
                ("get-bucket-ownership-controls", "GetBucketOwnershipControls"),
                ("get-bucket-encryption", "GetBucketEncryption"), ("get-bucket-logging", "GetBucketLogging"),
                ("get-bucket-tagging", "GetBucketTagging")]:
    fail("s3api", op, err("AccessDenied", api, "Access Denied"), region="eu-west-1", **B)

# ---------------------------------------------------------------- ap-southeast-2
R = "ap-southeast-2"
out("ec2", "describe-security-groups", {"SecurityGroups": [{
    "GroupId": "sg-0aa11bb22cc33dd44", "GroupName": "dealer-remote-support", "Description": "vendor RDP",
    "OwnerId": ACCOUNT, "VpcId": "vpc-0123456789abcdef0",
    "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389,
                       "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "vendor"}],
                       "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}],
    "IpPermissionsEgress": []}]}, region=R)
out("kms", "list-aliases", {"Aliases": [
    {"AliasName": "alias/aws/ebs", "AliasArn": f"arn:aws:kms:{R}:{ACCOUNT}:alias/aws/ebs",
     "TargetKeyId": AWS_MANAGED_KEY},
    {"AliasName": "alias/aws/rds", "AliasArn": f"arn:aws:kms:{R}:{ACCOUNT}:alias/aws/rds"},
    {"AliasName": "alias/dealer-crm", "AliasArn": f"arn:aws:kms:{R}:{ACCOUNT}:alias/dealer-crm",
     "TargetKeyId": CUSTOMER_KEY}]}, region=R)
out("kms", "list-keys", {"Keys": [
    {"KeyId": k, "KeyArn": f"arn:aws:kms:{R}:{ACCOUNT}:key/{k}"} for k in (AWS_MANAGED_KEY, CUSTOMER_KEY)]},
    region=R)
out("kms", "get-key-policy", {"Policy": policy({
    "Sid": "Enable IAM User Permissions", "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"}),
    "PolicyName": "default"}, region=R, **{"--key-id": CUSTOMER_KEY})
out("lambda", "list-functions", {"Functions": [{
    "FunctionName": "dealer-leads-webhook",
    "FunctionArn": f"arn:aws:lambda:{R}:{ACCOUNT}:function:dealer-leads-webhook",
    "Runtime": "nodejs20.x", "Role": f"arn:aws:iam::{ACCOUNT}:role/dealer-leads-webhook",
    "Handler": "index.handler", "CodeSize": 1024, "Timeout": 3, "MemorySize": 128,
    "LastModified": "2025-01-01T00:00:00.000+0000", "Version": "$LATEST", "PackageType": "Zip"}]}, region=R)
fail("lambda", "get-policy", err("ResourceNotFoundException", "GetPolicy",
                                 "The resource you requested does not exist."), region=R)
# The function's URLs (aliases too), as list-function-url-configs prints them:
# one with no authentication.
out("lambda", "list-function-url-configs", {"FunctionUrlConfigs": [{
    "FunctionUrl": "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.ap-southeast-2.on.aws/",
    "FunctionArn": f"arn:aws:lambda:{R}:{ACCOUNT}:function:dealer-leads-webhook",
    "CreationTime": "2025-01-01T00:00:00.000000Z", "LastModifiedTime": "2025-01-01T00:00:00.000000Z",
    "AuthType": "NONE", "InvokeMode": "BUFFERED"}]}, region=R, **{"--function-name": "dealer-leads-webhook"})
out("opensearch", "list-domain-names", {"DomainNames": [
    {"DomainName": d, "EngineType": "OpenSearch"} for d in DOMAINS]}, region=R)
# A name that starts with "-" must not be read as a CLI option.
DASH_SECRET = "-dealer-legacy-ftp"
out("secretsmanager", "list-secrets", {"SecretList": [{
    "ARN": f"arn:aws:secretsmanager:{R}:{ACCOUNT}:secret:{DASH_SECRET}-AbCdEf", "Name": DASH_SECRET}]},
    region=R)
out("secretsmanager", "get-resource-policy", {
    "ARN": f"arn:aws:secretsmanager:{R}:{ACCOUNT}:secret:{DASH_SECRET}-AbCdEf", "Name": DASH_SECRET},
    region=R, **{"--secret-id": DASH_SECRET})


def domain_status(name):
    return {
        "DomainId": f"{ACCOUNT}/{name}", "DomainName": name,
        "ARN": f"arn:aws:es:{R}:{ACCOUNT}:domain/{name}", "Created": True, "Deleted": False,
        "Endpoints": {"vpc": f"vpc-{name}-abc.{R}.es.amazonaws.com"}, "Processing": False,
        "EngineVersion": "OpenSearch_2.11",
        "VPCOptions": {"VPCId": "vpc-0123456789abcdef0", "SubnetIds": ["subnet-0a"],
                       "AvailabilityZones": [f"{R}a"], "SecurityGroupIds": ["sg-0bb"]},
        "AccessPolicies": policy({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "es:*",
                                  "Resource": f"arn:aws:es:{R}:{ACCOUNT}:domain/{name}/*"}),
    }


out("opensearch", "describe-domains", {"DomainStatusList": [domain_status(d) for d in DOMAINS[:5]]},
    region=R, **{"--domain-names": " ".join(DOMAINS[:5])})
out("opensearch", "describe-domains", {"DomainStatusList": [domain_status(d) for d in DOMAINS[5:]]},
    region=R, **{"--domain-names": " ".join(DOMAINS[5:])})

# ---------------------------------------------------------------- us-east-1
R = "us-east-1"
fail("ec2", "describe-security-groups", err("UnauthorizedOperation", "DescribeSecurityGroups", TRICKY_MESSAGE),
     region=R)
out("ec2", "describe-images", {"Images": [{
    "ImageId": "ami-0123456789abcdef0", "Name": "dealer-old-kiosk", "OwnerId": ACCOUNT, "Public": True,
    "State": "available", "ImageType": "machine", "CreationDate": "2021-03-01T00:00:00.000Z"}]},
    region=R, **{"--owners": "self"})
fail("secretsmanager", "list-secrets", err(
    "AccessDeniedException", "ListSecrets",
    f"User: arn:aws:sts::{ACCOUNT}:assumed-role/KeyholeAudit/it-person is not authorized to perform: "
    "secretsmanager:ListSecrets"), region=R)
out("opensearch", "list-domain-names", {"DomainNames": []}, region=R)
out("kms", "list-aliases", {"Aliases": []}, region=R)
out("kms", "list-keys", {"Keys": []}, region=R)
out("lambda", "list-functions", {"Functions": []}, region=R)

# ---------------------------------------------------------------- empty everywhere else
for service, operation, empty in [
    ("ec2", "describe-instances", {"Reservations": []}),
    ("ec2", "describe-snapshots", {"Snapshots": []}),
    ("ec2", "describe-images", {"Images": []}),
    ("ec2", "describe-volumes", {"Volumes": []}),
    ("rds", "describe-db-instances", {"DBInstances": []}),
    ("rds", "describe-db-snapshots", {"DBSnapshots": []}),
    ("rds", "describe-db-cluster-snapshots", {"DBClusterSnapshots": []}),
    ("redshift", "describe-clusters", {"Clusters": []}),
    ("sqs", "list-queues", {}),  # the CLI prints nothing when there are no queues
    ("sns", "list-topics", {"Topics": []}),
    ("ecr", "describe-repositories", {"repositories": []}),
    ("secretsmanager", "list-secrets", {"SecretList": []}),
]:
    out(service, operation, empty)

ENTRIES = E

# What the audit must report for the exposure rules: (rule, resource name).
EXPECTED = {
    ("aws-ec2-security-group-open-admin-port", "dealer-remote-support"),
    ("aws-ec2-ami-public", "dealer-old-kiosk"),
    ("aws-lambda-function-url-public", "dealer-leads-webhook"),
}
RESOURCES = {
    "dealer-remote-support": {"dealer-remote-support", "sg-0aa11bb22cc33dd44"},
    "dealer-old-kiosk": {"dealer-old-kiosk", "ami-0123456789abcdef0"},
    "dealer-legacy-site": {"dealer-legacy-site", "arn:aws:s3:::dealer-legacy-site"},
    "dealer-leads-webhook": {"dealer-leads-webhook",
                             f"arn:aws:lambda:ap-southeast-2:{ACCOUNT}:function:dealer-leads-webhook"},
}
