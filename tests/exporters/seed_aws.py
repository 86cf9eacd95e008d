"""Seed a moto server with a small car dealership's AWS account.

Every exposure in Keyhole's AWS catalogue that moto can hold is seeded next to
look-alikes that must NOT be reported: restricted policies, neutralised ACLs,
private groups. `EXPECTED` lists the exposures: (rule id, seeded resource key).
`RESOURCES` maps each seeded resource key to the names and ids Keyhole may use
for it (`resource.name` or `resource.id` in the report).

Used by test_aws_export.py; runnable alone for debugging:
    python3 tests/exporters/seed_aws.py http://127.0.0.1:5000
"""

import io
import json
import sys
import zipfile

import boto3

ACCOUNT = "123456789012"  # moto's default account
REGION = "ap-southeast-2"
OTHER_ACCOUNT = "111122223333"

# (rule, resource key) pairs the audit must report, and nothing else, for the
# exposure rules in EXPOSURE_RULES.
EXPECTED = set()

# resource key -> set of acceptable names/ids/ARNs for that resource.
RESOURCES = {}

# Every seeded resource, for the "a call was recorded for it" checks:
# list of (service, operation, params key, params value).
PER_RESOURCE_CALLS = []

EXPOSURE_RULES = {
    "aws-s3-bucket-public-acl",
    "aws-s3-bucket-public-policy",
    "aws-ec2-security-group-open-admin-port",
    "aws-ec2-security-group-open-database-port",
    "aws-ec2-security-group-open-all-ports",
    "aws-rds-instance-public",
    "aws-rds-snapshot-public",
    "aws-redshift-cluster-public",
    "aws-ec2-snapshot-public",
    "aws-ec2-ami-public",
    "aws-opensearch-domain-public",
    "aws-sqs-queue-public-policy",
    "aws-sns-topic-public-policy",
    "aws-lambda-function-public-policy",
    "aws-lambda-function-url-public",
    "aws-kms-key-public-policy",
    "aws-ecr-repository-public-policy",
    "aws-secretsmanager-secret-public-policy",
    "aws-iam-role-public-trust",
}


def expose(rule, key):
    assert rule in EXPOSURE_RULES, rule
    EXPECTED.add((rule, key))


def resource(key, *aliases):
    RESOURCES.setdefault(key, set()).update(a for a in aliases if a)


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def clients(endpoint):
    def make(service):
        return boto3.client(service, region_name=REGION, endpoint_url=endpoint)

    return make


def seed_s3(c):
    s3 = c("s3")

    def bucket(name, acl_ok=True):
        kw = {"Bucket": name, "CreateBucketConfiguration": {"LocationConstraint": REGION}}
        if acl_ok:
            # ACLs in force, as for a bucket created before April 2023.
            kw["ObjectOwnership"] = "ObjectWriter"
        s3.create_bucket(**kw)
        resource(name, name, f"arn:aws:s3:::{name}")
        for op in (
            "get-bucket-location",
            "get-bucket-acl",
            "get-bucket-policy",
            "get-public-access-block",
            "get-bucket-ownership-controls",
            "get-bucket-encryption",
            "get-bucket-logging",
            "get-bucket-tagging",
        ):
            PER_RESOURCE_CALLS.append(("s3api", op, "Bucket", name))

    def pab(name, **flags):
        conf = {
            "BlockPublicAcls": False,
            "IgnorePublicAcls": False,
            "BlockPublicPolicy": False,
            "RestrictPublicBuckets": False,
        }
        conf.update(flags)
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=conf)

    def read_all(name, **extra):
        st = {
            "Sid": "Read",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{name}/*",
        }
        st.update(extra)
        return policy(st)

    # Exposure: a public-read ACL, nothing in front of it.
    b = "dealer-service-records"
    bucket(b)
    pab(b)
    s3.put_bucket_acl(Bucket=b, ACL="public-read")
    s3.put_bucket_tagging(Bucket=b, Tagging={"TagSet": [{"Key": "data-classification", "Value": "pii"}]})
    expose("aws-s3-bucket-public-acl", b)

    # Look-alike: public ACL, neutralised by the bucket's IgnorePublicAcls.
    b = "dealer-brochures-acl-ignored"
    bucket(b)
    s3.put_bucket_acl(Bucket=b, ACL="public-read")
    pab(b, IgnorePublicAcls=True)

    # Exposure that looks safe: BlockPublicAcls alone does not neutralise an existing grant,
    # so this one IS an exposure (catalogue: "only IgnorePublicAcls
    # neutralises public ACL grants").
    b = "dealer-parts-catalogue"
    bucket(b)
    s3.put_bucket_acl(Bucket=b, ACL="public-read")
    pab(b, BlockPublicAcls=True, BlockPublicPolicy=True)
    expose("aws-s3-bucket-public-acl", b)

    # Exposure: a bucket policy letting anyone read.
    b = "dealer-website-assets"
    bucket(b)
    pab(b)
    s3.put_bucket_policy(Bucket=b, Policy=read_all(b))
    expose("aws-s3-bucket-public-policy", b)

    # Look-alike: anonymous principal, restricted to the office's addresses.
    b = "dealer-office-share"
    bucket(b)
    pab(b)
    s3.put_bucket_policy(
        Bucket=b,
        Policy=read_all(b, Condition={"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.7/32"]}}),
    )

    # Look-alike: anonymous principal, restricted to the organisation; and a
    # group grant that is not public (S3's log delivery group), as on a bucket
    # that receives access logs.
    b = "dealer-group-reports"
    bucket(b)
    pab(b)
    s3.put_bucket_policy(
        Bucket=b,
        Policy=read_all(b, Condition={"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}),
    )
    s3.put_bucket_acl(Bucket=b, ACL="log-delivery-write")

    # Look-alike: public policy, neutralised by RestrictPublicBuckets.
    b = "dealer-marketing-restricted"
    bucket(b)
    pab(b, RestrictPublicBuckets=True)
    s3.put_bucket_policy(Bucket=b, Policy=read_all(b))

    # Look-alike: a public ACL grant on a bucket whose ACLs are disabled
    # (Object Ownership BucketOwnerEnforced).
    b = "dealer-invoices-owner-enforced"
    bucket(b)
    pab(b)
    s3.put_bucket_acl(Bucket=b, ACL="public-read")
    s3.put_bucket_ownership_controls(
        Bucket=b, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    )

    # Look-alike: private, encrypted, logged, all four BPA flags on.
    b = "dealer-finance-private"
    bucket(b, acl_ok=False)
    pab(b, BlockPublicAcls=True, IgnorePublicAcls=True, BlockPublicPolicy=True, RestrictPublicBuckets=True)
    s3.put_bucket_encryption(
        Bucket=b,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
        },
    )
    # Look-alike: a policy for an AWS service principal (S3 server access
    # logging writing into this bucket), limited to this account.
    s3.put_bucket_policy(Bucket=b, Policy=policy({
        "Sid": "S3ServerAccessLogs",
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": ["s3:PutObject"],
        "Resource": f"arn:aws:s3:::{b}/*",
        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
    }))
    s3.put_bucket_logging(
        Bucket=b,
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": b, "TargetPrefix": "access-logs/"}},
    )
    # An object, so a data-plane read (list-objects/get-object) would have
    # something to find; the export must never ask.
    s3.put_object(Bucket=b, Key="customers.csv", Body=b"name,email\n")


def seed_ec2(c):
    ec2 = c("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]

    def group(name, perms):
        gid = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        if perms:
            ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=perms)
        resource(name, name, gid)
        return gid

    # Exposure: SSH open to the world.
    bastion = group(
        "dealer-bastion-ssh",
        [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    expose("aws-ec2-security-group-open-admin-port", "dealer-bastion-ssh")

    # Look-alike: PostgreSQL open to the private network only.
    group(
        "dealer-db-internal",
        [{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}],
    )

    # Exposure: all traffic from any IPv6 address.
    # Exposure: all traffic from any IPv6 address. All ports include the admin
    # and database ports ("port ranges that contain these ports").
    group("dealer-legacy-any-v6", [{"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
    expose("aws-ec2-security-group-open-all-ports", "dealer-legacy-any-v6")
    expose("aws-ec2-security-group-open-admin-port", "dealer-legacy-any-v6")
    expose("aws-ec2-security-group-open-database-port", "dealer-legacy-any-v6")

    # Look-alike: HTTPS open to the world is what a web server is for.
    group(
        "dealer-web-https",
        [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )

    # Exposure: PostgreSQL open to the world, in front of the public RDS instance.
    crm_db_sg = group(
        "dealer-crm-db-public",
        [{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    expose("aws-ec2-security-group-open-database-port", "dealer-crm-db-public")

    # An AMI of our own: register one (MOTO_EC2_LOAD_DEFAULT_AMIS=false).
    def image(name):
        iid = ec2.register_image(
            Name=name,
            Architecture="x86_64",
            RootDeviceName="/dev/xvda",
            VirtualizationType="hvm",
            BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8}}],
        )["ImageId"]
        resource(name, name, iid)
        return iid

    public_ami = image("dealer-dms-golden-image")
    ec2.modify_image_attribute(ImageId=public_ami, LaunchPermission={"Add": [{"Group": "all"}]})
    expose("aws-ec2-ami-public", "dealer-dms-golden-image")
    shared_ami = image("dealer-kiosk-image-shared")
    ec2.modify_image_attribute(ImageId=shared_ami, LaunchPermission={"Add": [{"UserId": OTHER_ACCOUNT}]})

    # An instance with a public IP behind the bastion group.
    ec2.run_instances(
        ImageId=shared_ami,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        SecurityGroupIds=[bastion],
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "dealer-bastion"}]}],
    )

    # EBS snapshots: one public, one shared with one account, one private.
    vol = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=10, Encrypted=False)["VolumeId"]

    def snapshot(name):
        sid = ec2.create_snapshot(
            VolumeId=vol,
            Description=name,
            TagSpecifications=[{"ResourceType": "snapshot", "Tags": [{"Key": "Name", "Value": name}]}],
        )["SnapshotId"]
        resource(name, name, sid)
        PER_RESOURCE_CALLS.append(("ec2", "describe-snapshot-attribute", "SnapshotId", sid))
        return sid

    sid = snapshot("dealer-dms-backup-public")
    ec2.modify_snapshot_attribute(
        SnapshotId=sid, Attribute="createVolumePermission", OperationType="add", GroupNames=["all"]
    )
    expose("aws-ec2-snapshot-public", "dealer-dms-backup-public")
    sid = snapshot("dealer-dms-backup-shared")
    ec2.modify_snapshot_attribute(
        SnapshotId=sid, Attribute="createVolumePermission", OperationType="add", UserIds=[OTHER_ACCOUNT]
    )
    snapshot("dealer-dms-backup-private")
    return crm_db_sg


def seed_rds(c, crm_db_sg):
    rds = c("rds")

    def instance(name, public, sgs):
        rds.create_db_instance(
            DBInstanceIdentifier=name,
            DBInstanceClass="db.t3.micro",
            Engine="postgres",
            AllocatedStorage=20,
            MasterUsername="dealer",
            MasterUserPassword="not-a-real-password-1",
            PubliclyAccessible=public,
            StorageEncrypted=True,
            VpcSecurityGroupIds=sgs,
        )
        resource(name, name, f"arn:aws:rds:{REGION}:{ACCOUNT}:db:{name}")

    instance("dealer-crm-db", True, [crm_db_sg])
    expose("aws-rds-instance-public", "dealer-crm-db")
    instance("dealer-inventory-db", False, [])

    def snap(name, db, values):
        rds.create_db_snapshot(DBSnapshotIdentifier=name, DBInstanceIdentifier=db)
        if values:
            rds.modify_db_snapshot_attribute(
                DBSnapshotIdentifier=name, AttributeName="restore", ValuesToAdd=values
            )
        resource(name, name, f"arn:aws:rds:{REGION}:{ACCOUNT}:snapshot:{name}")
        PER_RESOURCE_CALLS.append(("rds", "describe-db-snapshot-attributes", "DBSnapshotIdentifier", name))

    snap("dealer-crm-db-before-upgrade", "dealer-crm-db", ["all"])
    expose("aws-rds-snapshot-public", "dealer-crm-db-before-upgrade")
    snap("dealer-inventory-db-for-auditor", "dealer-inventory-db", [OTHER_ACCOUNT])

    # Aurora cluster snapshots: one public, one private.
    rds.create_db_cluster(
        DBClusterIdentifier="dealer-leads-aurora",
        Engine="aurora-postgresql",
        MasterUsername="dealer",
        MasterUserPassword="not-a-real-password-1",
    )

    def csnap(name, values):
        rds.create_db_cluster_snapshot(DBClusterSnapshotIdentifier=name, DBClusterIdentifier="dealer-leads-aurora")
        if values:
            rds.modify_db_cluster_snapshot_attribute(
                DBClusterSnapshotIdentifier=name, AttributeName="restore", ValuesToAdd=values
            )
        resource(name, name, f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster-snapshot:{name}")
        PER_RESOURCE_CALLS.append(
            ("rds", "describe-db-cluster-snapshot-attributes", "DBClusterSnapshotIdentifier", name)
        )

    csnap("dealer-leads-aurora-export", ["all"])
    expose("aws-rds-snapshot-public", "dealer-leads-aurora-export")
    csnap("dealer-leads-aurora-nightly", [])


def seed_redshift(c):
    rs = c("redshift")
    for name, public in (("dealer-sales-warehouse", True), ("dealer-finance-warehouse", False)):
        rs.create_cluster(
            ClusterIdentifier=name,
            NodeType="ra3.xlplus",
            MasterUsername="dealer",
            MasterUserPassword="NotARealPassword1",
            ClusterType="single-node",
            PubliclyAccessible=public,
        )
        resource(name, name, f"arn:aws:redshift:{REGION}:{ACCOUNT}:cluster:{name}")
    expose("aws-redshift-cluster-public", "dealer-sales-warehouse")


def seed_sqs_sns(c):
    sqs = c("sqs")
    sns = c("sns")

    def queue(name, statement):
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"
        if statement:
            statement["Resource"] = arn
            sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy(statement)})
        resource(name, name, arn, url)
        PER_RESOURCE_CALLS.append(("sqs", "get-queue-attributes", "QueueUrl", url))

    queue("dealer-web-leads", {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage"})
    expose("aws-sqs-queue-public-policy", "dealer-web-leads")
    queue(
        "dealer-service-bookings",
        {
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "sqs:SendMessage",
            "Condition": {"ArnEquals": {"aws:SourceArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:dealer-alerts"}},
        },
    )
    queue("dealer-internal-jobs", None)

    def topic(name, statement):
        arn = sns.create_topic(Name=name)["TopicArn"]
        if statement:
            statement["Resource"] = arn
            sns.set_topic_attributes(TopicArn=arn, AttributeName="Policy", AttributeValue=policy(statement))
        resource(name, name, arn)
        PER_RESOURCE_CALLS.append(("sns", "get-topic-attributes", "TopicArn", arn))

    # Look-alike: anonymous principal limited with aws:SourceOwner (the shape of
    # SNS's own default policy).
    topic(
        "dealer-alerts",
        {
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["SNS:Publish", "SNS:Subscribe"],
            "Condition": {"StringEquals": {"AWS:SourceOwner": ACCOUNT}},
        },
    )
    topic("dealer-price-updates", {"Effect": "Allow", "Principal": "*", "Action": "SNS:Subscribe"})
    expose("aws-sns-topic-public-policy", "dealer-price-updates")
    topic("dealer-default-topic", None)


def lambda_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return {}\n")
    return buf.getvalue()


def seed_iam_lambda(c):
    iam = c("iam")

    def role(name, statement):
        r = iam.create_role(RoleName=name, AssumeRolePolicyDocument=policy(statement))["Role"]
        resource(name, name, r["Arn"], r["RoleId"])
        return r["Arn"]

    exec_role = role(
        "dealer-lambda-exec",
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"},
    )
    role("dealer-vendor-access", {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"})
    expose("aws-iam-role-public-trust", "dealer-vendor-access")
    role(
        "dealer-group-audit",
        {
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
        },
    )
    role(
        "dealer-partner-access",
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"}, "Action": "sts:AssumeRole"},
    )

    lam = c("lambda")
    code = lambda_zip()

    def function(name):
        arn = lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=exec_role,
            Handler="index.handler",
            Code={"ZipFile": code},
        )["FunctionArn"]
        resource(name, name, arn)
        PER_RESOURCE_CALLS.append(("lambda", "get-policy", "FunctionName", name))
        PER_RESOURCE_CALLS.append(("lambda", "list-function-url-configs", "FunctionName", name))
        return arn

    function("dealer-quote-api")
    lam.add_permission(
        FunctionName="dealer-quote-api", StatementId="anyone", Action="lambda:InvokeFunction", Principal="*"
    )
    expose("aws-lambda-function-public-policy", "dealer-quote-api")

    function("dealer-invoice-ocr")
    lam.add_permission(
        FunctionName="dealer-invoice-ocr",
        StatementId="s3-trigger",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn="arn:aws:s3:::dealer-finance-private",
        SourceAccount=ACCOUNT,
    )

    function("dealer-webhook")
    lam.create_function_url_config(FunctionName="dealer-webhook", AuthType="NONE")
    expose("aws-lambda-function-url-public", "dealer-webhook")

    function("dealer-internal-report")
    lam.create_function_url_config(FunctionName="dealer-internal-report", AuthType="AWS_IAM")


def seed_kms_ecr_secrets(c):
    kms = c("kms")
    root = {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": "kms:*", "Resource": "*"}

    def key(name, *extra):
        kid = kms.create_key(Description=name, Policy=policy(root, *extra))["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=f"alias/{name}", TargetKeyId=kid)
        resource(name, name, kid, f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{kid}", f"alias/{name}")
        PER_RESOURCE_CALLS.append(("kms", "get-key-policy", "KeyId", kid))

    key("dealer-crm-key-public", {"Sid": "Anyone", "Effect": "Allow", "Principal": {"AWS": "*"},
                                  "Action": "kms:Decrypt", "Resource": "*"})
    expose("aws-kms-key-public-policy", "dealer-crm-key-public")
    key("dealer-backup-key", {"Sid": "Account", "Effect": "Allow", "Principal": {"AWS": "*"},
                              "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*",
                              "Condition": {"StringEquals": {"kms:CallerAccount": ACCOUNT}}})
    key("dealer-default-key")

    ecr = c("ecr")

    def repo(name, statement):
        arn = ecr.create_repository(repositoryName=name)["repository"]["repositoryArn"]
        if statement:
            ecr.set_repository_policy(repositoryName=name, policyText=policy(statement))
        resource(name, name, arn)
        PER_RESOURCE_CALLS.append(("ecr", "get-repository-policy", "repositoryName", name))

    repo("dealer-dms-api", {"Sid": "Pull", "Effect": "Allow", "Principal": "*",
                            "Action": ["ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]})
    expose("aws-ecr-repository-public-policy", "dealer-dms-api")
    repo("dealer-dms-worker", {"Sid": "Partner", "Effect": "Allow",
                               "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
                               "Action": ["ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]})
    repo("dealer-dms-web", None)

    sm = c("secretsmanager")

    def secret(name, statement):
        arn = sm.create_secret(Name=name, SecretString="do-not-read-me")["ARN"]
        if statement:
            statement["Resource"] = "*"
            sm.put_resource_policy(SecretId=name, ResourcePolicy=policy(statement))
        resource(name, name, arn)
        PER_RESOURCE_CALLS.append(("secretsmanager", "get-resource-policy", "SecretId", name))

    secret("dealer/dms/api-key", {"Effect": "Allow", "Principal": {"AWS": "*"},
                                  "Action": "secretsmanager:GetSecretValue"})
    expose("aws-secretsmanager-secret-public-policy", "dealer/dms/api-key")
    secret("dealer/crm/db-password", {"Effect": "Allow", "Principal": {"AWS": "*"},
                                      "Action": "secretsmanager:GetSecretValue",
                                      "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}})
    secret("dealer/website/smtp", None)


def seed_opensearch(c):
    os_ = c("opensearch")

    def domain(name, statement):
        arn = f"arn:aws:es:{REGION}:{ACCOUNT}:domain/{name}"
        statement["Resource"] = f"{arn}/*"
        os_.create_domain(DomainName=name, EngineVersion="OpenSearch_2.11", AccessPolicies=policy(statement))
        resource(name, name, arn)

    domain("dealer-search", {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "es:*"})
    expose("aws-opensearch-domain-public", "dealer-search")
    domain("dealer-logs", {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "es:ESHttp*",
                           "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}})


def seed(endpoint):
    c = clients(endpoint)
    seed_s3(c)
    crm_db_sg = seed_ec2(c)
    seed_rds(c, crm_db_sg)
    seed_redshift(c)
    seed_sqs_sns(c)
    seed_iam_lambda(c)
    seed_kms_ecr_secrets(c)
    seed_opensearch(c)


if __name__ == "__main__":
    seed(sys.argv[1])
    for pair in sorted(EXPECTED):
        print(*pair)
