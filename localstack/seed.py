#!/usr/bin/env python3
"""Seeds the emulated AWS Organization used by the posture demo scan and integration test.

Run with the moto venv's python after start.sh (it assumes empty emulators):

    localstack/.venv-moto/bin/python localstack/seed.py

Organizations, STS and the security services (CloudTrail, Config, GuardDuty, Security Hub,
Inspector, Macie, Account) live in moto (127.0.0.1:5000); everything else in LocalStack
(127.0.0.1:4566), where a 12-digit access key id selects the account. In moto, each member account
is reached through its own session from moto's STS (AssumeRole of OrganizationAccountAccessRole:
moto maps a request to an account only through credentials it issued itself). Management account:
123456789012 in both (moto's default account).
What is planted where, and which check must fail for it, is in manifest.toml; README.md says
what the emulators cannot represent. Writes localstack/.state/org.json.

POSTURE_LOCALSTACK_URL, POSTURE_MOTO_URL and POSTURE_STATE_DIR point it at another emulator
pair (defaults http://127.0.0.1:4566, http://127.0.0.1:5000 and localstack/.state).
"""

from __future__ import annotations

import datetime
import json
import os
import re
import sys
import time
import urllib.request
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

# The caller's AWS configuration (profiles, session tokens, IMDS) must not leak into the
# emulator clients: every client below gets explicit endpoint, region and keys.
for _var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
    os.environ.pop(_var, None)
os.environ.update(AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
                  AWS_EC2_METADATA_DISABLED="true")

# Overrides for a second emulator pair (other ports, other state directory); the defaults are
# what start.sh starts and what the integration test reads.
LOCALSTACK = os.environ.get("POSTURE_LOCALSTACK_URL", "http://127.0.0.1:4566")
MOTO = os.environ.get("POSTURE_MOTO_URL", "http://127.0.0.1:5000")
STATE = Path(os.environ.get("POSTURE_STATE_DIR") or Path(__file__).resolve().parent / ".state")
MANAGEMENT = "123456789012"
HOME = "us-east-1"
SECOND = "eu-west-1"
REGIONS = [HOME, SECOND]
# An AWS account outside the organization (a partner / vendor): the cross-account plantings
# grant to it. seed_organization() checks that moto did not hand this id to a member account.
OUTSIDE = "333333333333"

OUS = {"Security": ["security-tooling", "log-archive"],
       "Infrastructure": ["network"],
       "Workloads": ["app-hardened", "app-misconfigured"]}
# moto 5.2 accepts a delegated administrator only for guardduty, access-analyzer, macie,
# config-multiaccountsetup, servicecatalog and ssm: Security Hub, Inspector, CloudTrail and Config
# (config.amazonaws.com) are refused ("unrecognized service principal"). Their service access is
# still enabled, and each service's own "organization admin" API names security-tooling
# (seed_backbone).
DELEGATED_SERVICES = ["guardduty.amazonaws.com", "access-analyzer.amazonaws.com", "macie.amazonaws.com",
                      "config-multiaccountsetup.amazonaws.com"]
SERVICE_ACCESS_ONLY = ["securityhub.amazonaws.com", "inspector2.amazonaws.com", "cloudtrail.amazonaws.com",
                       "config.amazonaws.com"]

CLIENT_CONFIG = Config(retries={"total_max_attempts": 2, "mode": "standard"},
                       connect_timeout=5, read_timeout=30)

_step = "start"
_calls = 0
resources: dict[str, str] = {}  # logical name -> id/ARN, written to org.json for humans and tests


def step(name: str) -> None:
    global _step
    _step = name


def _count(**_kw) -> None:
    global _calls
    _calls += 1


def _strip_account_prefix(request, **_kw) -> None:
    # S3 Control endpoints are {AccountId}.<endpoint host>, which does not resolve for
    # 127.0.0.1. LocalStack accepts the same request on the plain host (it reads the
    # x-amz-account-id header), so drop the prefix before signing.
    request.url = re.sub(r"^(https?://)\d{12}\.", r"\1", request.url)


_clients: dict[tuple, object] = {}


def ls(service: str, account: str, region: str = HOME):
    """A LocalStack client acting as `account` (the access key id selects the account)."""
    key = ("ls", service, account, region)
    if key not in _clients:
        c = boto3.client(service, endpoint_url=LOCALSTACK, region_name=region,
                         aws_access_key_id=account, aws_secret_access_key="test",
                         config=CLIENT_CONFIG)
        c.meta.events.register("before-call", _count)
        if service == "s3control":
            c.meta.events.register("before-sign.s3-control.*", _strip_account_prefix)
        _clients[key] = c
    return _clients[key]


_moto_creds: dict[str, dict] = {}


def moto_creds(account: str) -> dict:
    """Credentials that act as `account` in moto: the management account by its 12-digit key id
    (moto's default account is 123456789012); a member through moto's own STS, as the scanner
    reaches it (moto ignores any key it did not issue and would act in its default account)."""
    if account == MANAGEMENT:
        return {"aws_access_key_id": MANAGEMENT, "aws_secret_access_key": "test"}
    if account not in _moto_creds:
        step(f"sts (moto): AssumeRole OrganizationAccountAccessRole in {account}")
        sts = boto3.client("sts", endpoint_url=MOTO, region_name=HOME, aws_access_key_id=MANAGEMENT,
                           aws_secret_access_key="test", config=CLIENT_CONFIG)
        sts.meta.events.register("before-call", _count)
        c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                            RoleSessionName="posture-seed")["Credentials"]
        _moto_creds[account] = {"aws_access_key_id": c["AccessKeyId"], "aws_secret_access_key": c["SecretAccessKey"],
                                "aws_session_token": c["SessionToken"]}
    return _moto_creds[account]


def moto(service: str, account: str, region: str = HOME):
    """A moto client acting as `account` (see moto_creds)."""
    key = ("moto", service, account, region)
    if key not in _clients:
        c = boto3.client(service, endpoint_url=MOTO, region_name=region, config=CLIENT_CONFIG,
                         **moto_creds(account))
        c.meta.events.register("before-call", _count)
        _clients[key] = c
    return _clients[key]


def org_client():
    key = ("moto", "organizations")
    if key not in _clients:
        c = boto3.client("organizations", endpoint_url=MOTO, region_name=HOME,
                         aws_access_key_id=MANAGEMENT, aws_secret_access_key="test",
                         config=CLIENT_CONFIG)
        c.meta.events.register("before-call", _count)
        _clients[key] = c
    return _clients[key]


def policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def bucket_arns(name: str) -> list[str]:
    return [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"]


def deny_insecure_transport(name: str) -> dict:
    return {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*",
            "Action": "s3:*", "Resource": bucket_arns(name),
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def deny_outside_endpoint(name: str, vpce: str) -> dict:
    """The SRA data-perimeter statement for a workload data bucket: object access only through
    the workload's S3 gateway endpoint. It covers the objects, not the bucket, so the account's
    administrators can still manage the bucket (policy, settings) from outside the VPC."""
    return {"Sid": "DenyObjectAccessOutsideTheEndpoint", "Effect": "Deny", "Principal": "*",
            "Action": "s3:*", "Resource": f"arn:aws:s3:::{name}/*",
            "Condition": {"StringNotEquals": {"aws:SourceVpce": vpce}}}


def org_endpoint_policy(*buckets: str, org_id: str) -> str:
    """An S3 gateway endpoint policy that names the workload's buckets (no wildcard) and lets only
    the organization's principals use the endpoint."""
    return policy({
        "Sid": "OnlyOrganizationDataBuckets", "Effect": "Allow", "Principal": "*",
        "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
        "Resource": [arn for b in buckets for arn in bucket_arns(b)],
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": org_id}}})


ALL_BPA = {"BlockPublicAcls": True, "IgnorePublicAcls": True,
           "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
NO_BPA = {k: False for k in ALL_BPA}


# ----------------------------------------------------------------------------------------------
# Organization (moto)
# ----------------------------------------------------------------------------------------------

SCP_GUARDRAILS = policy(
    {"Sid": "DenyLeavingTheOrganization", "Effect": "Deny",
     "Action": "organizations:LeaveOrganization", "Resource": "*"},
    {"Sid": "DenyDisablingGuardDuty", "Effect": "Deny",
     "Action": ["guardduty:DeleteDetector", "guardduty:DisassociateFromAdministratorAccount",
                "guardduty:DisassociateFromMasterAccount", "guardduty:StopMonitoringMembers",
                "guardduty:UpdateDetector"],
     "Resource": "*"},
    {"Sid": "DenyDisablingCloudTrail", "Effect": "Deny",
     "Action": ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail",
                "cloudtrail:PutEventSelectors"],
     "Resource": "*"},
    {"Sid": "DenyDisablingSecurityHub", "Effect": "Deny",
     "Action": ["securityhub:DisableSecurityHub", "securityhub:DisassociateFromAdministratorAccount"],
     "Resource": "*"},
)


def seed_organization() -> dict:
    org = org_client()
    step("organizations: check that moto is fresh")
    try:
        org.describe_organization()
        raise SystemExit("seed: moto already has an organization; run localstack/start.sh first "
                         "(it restarts both emulators with empty state)")
    except ClientError as e:
        if e.response["Error"]["Code"] != "AWSOrganizationsNotInUseException":
            raise

    step("organizations: CreateOrganization")
    o = org.create_organization(FeatureSet="ALL")["Organization"]
    if o["MasterAccountId"] != MANAGEMENT:
        raise SystemExit(f"seed: moto made {o['MasterAccountId']} the management account, expected {MANAGEMENT}")
    root = org.list_roots()["Roots"][0]

    accounts: dict[str, str] = {}
    ou_ids: dict[str, str] = {}
    for ou_name, names in OUS.items():
        step(f"organizations: CreateOrganizationalUnit {ou_name}")
        ou = org.create_organizational_unit(ParentId=root["Id"], Name=ou_name)["OrganizationalUnit"]
        ou_ids[ou_name] = ou["Id"]
        for name in names:
            step(f"organizations: CreateAccount {name}")
            st = org.create_account(Email=f"aws+{name}@example.com", AccountName=name)["CreateAccountStatus"]
            for _ in range(50):
                if st["State"] != "IN_PROGRESS":
                    break
                time.sleep(0.1)
                st = org.describe_create_account_status(CreateAccountRequestId=st["Id"])["CreateAccountStatus"]
            if st["State"] != "SUCCEEDED":
                raise SystemExit(f"seed: CreateAccount {name} ended in {st}")
            if st["AccountId"] in (MANAGEMENT, OUTSIDE):
                raise SystemExit(f"seed: moto gave {name} the reserved account id {st['AccountId']}")
            accounts[name] = st["AccountId"]
            step(f"organizations: MoveAccount {name} -> {ou_name}")
            org.move_account(AccountId=st["AccountId"], SourceParentId=root["Id"],
                             DestinationParentId=ou["Id"])

    step("organizations: EnablePolicyType SERVICE_CONTROL_POLICY")
    enabled = {p["Type"] for p in root.get("PolicyTypes", []) if p.get("Status") == "ENABLED"}
    if "SERVICE_CONTROL_POLICY" not in enabled:
        org.enable_policy_type(RootId=root["Id"], PolicyType="SERVICE_CONTROL_POLICY")
    step("organizations: CreatePolicy / AttachPolicy guardrails SCP")
    scp = org.create_policy(Name="sra-guardrails", Type="SERVICE_CONTROL_POLICY",
                            Description="Deny leaving the organization and disabling GuardDuty, CloudTrail, Security Hub",
                            Content=SCP_GUARDRAILS)["Policy"]["PolicySummary"]
    org.attach_policy(PolicyId=scp["Id"], TargetId=root["Id"])
    resources["scp-guardrails"] = scp["Arn"]

    # A data-perimeter resource control policy (moto supports RCPs; AWS attaches the managed
    # RCPFullAWSAccess everywhere): on app-misconfigured, confining one bucket whose policy grants
    # s3:GetObject to `*` to the organization's principals (and AWS services). posture must pass
    # that bucket's exposure checks and name the RCP; the account's other public buckets stay
    # failures (the RCP names only this bucket).
    step("organizations: EnablePolicyType RESOURCE_CONTROL_POLICY")
    if "RESOURCE_CONTROL_POLICY" not in enabled:
        org.enable_policy_type(RootId=root["Id"], PolicyType="RESOURCE_CONTROL_POLICY")
    confined = confined_bucket(accounts["app-misconfigured"])
    step("organizations: CreatePolicy / AttachPolicy data-perimeter RCP")
    rcp = org.create_policy(Name="data-perimeter", Type="RESOURCE_CONTROL_POLICY",
                            Description="Only the organization's principals and AWS services reach the confined bucket",
                            Content=policy({
                                "Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*",
                                "Action": "s3:*", "Resource": bucket_arns(confined),
                                "Condition": {
                                    "StringNotEqualsIfExists": {"aws:PrincipalOrgID": o["Id"]},
                                    "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}))["Policy"]["PolicySummary"]
    org.attach_policy(PolicyId=rcp["Id"], TargetId=accounts["app-misconfigured"])
    resources["rcp-data-perimeter"] = rcp["Arn"]

    for principal in DELEGATED_SERVICES:
        step(f"organizations: EnableAWSServiceAccess / RegisterDelegatedAdministrator {principal}")
        org.enable_aws_service_access(ServicePrincipal=principal)
        org.register_delegated_administrator(AccountId=accounts["security-tooling"],
                                             ServicePrincipal=principal)
    for principal in SERVICE_ACCESS_ONLY:
        step(f"organizations: EnableAWSServiceAccess {principal}")
        org.enable_aws_service_access(ServicePrincipal=principal)
    return {"organization_id": o["Id"], "root_id": root["Id"], "ous": ou_ids, "accounts": accounts}


# ----------------------------------------------------------------------------------------------
# Every account (LocalStack)
# ----------------------------------------------------------------------------------------------

def org_access_role(account: str) -> None:
    step(f"iam: OrganizationAccountAccessRole in {account}")
    iam = ls("iam", account)
    iam.create_role(RoleName="OrganizationAccountAccessRole",
                    Description="Assumed from the management account (created by Organizations on AWS)",
                    AssumeRolePolicyDocument=policy({"Effect": "Allow",
                                                     "Principal": {"AWS": f"arn:aws:iam::{MANAGEMENT}:root"},
                                                     "Action": "sts:AssumeRole"}))
    iam.attach_role_policy(RoleName="OrganizationAccountAccessRole",
                           PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")


def account_baseline(account: str) -> None:
    """Password policy and account-level S3 Block Public Access (the SRA every-account basics)."""
    step(f"iam: UpdateAccountPasswordPolicy in {account}")
    ls("iam", account).update_account_password_policy(
        MinimumPasswordLength=14, RequireSymbols=True, RequireNumbers=True,
        RequireUppercaseCharacters=True, RequireLowercaseCharacters=True,
        AllowUsersToChangePassword=True, MaxPasswordAge=90, PasswordReusePrevention=24)
    step(f"s3control: PutPublicAccessBlock (account) in {account}")
    ls("s3control", account).put_public_access_block(AccountId=account,
                                                     PublicAccessBlockConfiguration=ALL_BPA)


# ----------------------------------------------------------------------------------------------
# Buckets
# ----------------------------------------------------------------------------------------------

def create_bucket(account: str, name: str, region: str = HOME) -> None:
    step(f"s3: CreateBucket {name} ({region}) in {account}")
    s3 = ls("s3", account, region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    resources[name] = f"arn:aws:s3:::{name}"


def harden_bucket(account: str, name: str, bucket_policy: str, log_target: str, log_prefix: str,
                  region: str = HOME) -> None:
    """Everything the s3-bucket-* checks look at, set to passing values."""
    s3 = ls("s3", account, region)
    step(f"s3: harden {name}: PutPublicAccessBlock")
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=ALL_BPA)
    step(f"s3: harden {name}: PutBucketOwnershipControls BucketOwnerEnforced")
    s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    step(f"s3: harden {name}: PutBucketEncryption")
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}]})
    step(f"s3: harden {name}: PutBucketVersioning")
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    step(f"s3: harden {name}: PutBucketLogging -> {log_target}/{log_prefix}")
    s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": log_target, "TargetPrefix": log_prefix}})
    step(f"s3: harden {name}: PutBucketPolicy")
    s3.put_bucket_policy(Bucket=name, Policy=bucket_policy)


def log_bucket_policy(name: str, account: str) -> str:
    return policy(
        deny_insecure_transport(name),
        {"Sid": "AllowS3ServerAccessLogs", "Effect": "Allow",
         "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{name}/*",
         "Condition": {"StringEquals": {"aws:SourceAccount": account}}})


# ----------------------------------------------------------------------------------------------
# Certificates
# ----------------------------------------------------------------------------------------------

def self_signed(cn: str, bits: int, days_left: int) -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "posture demo")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=days_left))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(cn)]), critical=False)
            .sign(key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                              serialization.NoEncryption()))


def import_cert(account: str, region: str, cn: str, bits: int, days_left: int, label: str) -> str:
    step(f"acm: ImportCertificate {cn} (RSA {bits}, {days_left} days) in {account}/{region}")
    pem, key = self_signed(cn, bits, days_left)
    arn = ls("acm", account, region).import_certificate(
        Certificate=pem, PrivateKey=key, Tags=[{"Key": "Name", "Value": label}])["CertificateArn"]
    resources[label] = arn
    return arn


def request_cert(account: str, cn: str, label: str) -> str:
    step(f"acm: RequestCertificate {cn} in {account}")
    acm = ls("acm", account)
    arn = acm.request_certificate(DomainName=cn, ValidationMethod="DNS", KeyAlgorithm="RSA_2048",
                                  Tags=[{"Key": "Name", "Value": label}])["CertificateArn"]
    # LocalStack issues it once MOTO_ACM_VALIDATION_WAIT (0 via start.sh, at most 10 s) has passed.
    # The API domain built on it must pass sra-app-api-domain-certificate at once: ISSUED,
    # AMAZON_ISSUED and a NotAfter (PENDING_VALIDATION certificates have none) > 30 days away.
    deadline = time.monotonic() + 15
    while True:
        cert = acm.describe_certificate(CertificateArn=arn)["Certificate"]
        if cert["Status"] == "ISSUED":
            break
        if time.monotonic() > deadline:
            raise SystemExit(f"seed: certificate {cn} still {cert['Status']} after 15 s")
        time.sleep(0.5)
    left = cert["NotAfter"] - datetime.datetime.now(datetime.timezone.utc) if cert.get("NotAfter") else None
    if cert.get("Type") != "AMAZON_ISSUED" or left is None or left.days <= 30:
        raise SystemExit(f"seed: certificate {cn} is ISSUED but {cert.get('Type')} with NotAfter {cert.get('NotAfter')}")
    resources[label] = arn
    return arn


# ----------------------------------------------------------------------------------------------
# Application account patterns
# ----------------------------------------------------------------------------------------------

_ami: dict[str, str] = {}


def first_amazon_linux(ec2) -> str:
    region = ec2.meta.region_name
    if region in _ami:  # public images are the same for every account; the call is slow
        return _ami[region]
    images = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": ["amzn*hvm*x86_64*"]}])["Images"]
    if not images:
        raise SystemExit("seed: no Amazon Linux image in the emulator's AMI catalogue")
    _ami[region] = sorted(images, key=lambda i: i["ImageId"])[0]["ImageId"]
    return _ami[region]


def ec2_tags(resource_type: str, name: str) -> list[dict]:
    return [{"ResourceType": resource_type, "Tags": [{"Key": "Name", "Value": name}]}]


def private_network(account: str, prefix: str, region: str, cidr: str, endpoint_policy: str | None) -> dict:
    """VPC, private subnet whose route table has no internet gateway route, S3 gateway endpoint."""
    ec2 = ls("ec2", account, region)
    step(f"ec2: VPC/subnet/route table {prefix} in {account}/{region}")
    vpc = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=ec2_tags("vpc", f"{prefix}-vpc"))["Vpc"]["VpcId"]
    subnet_cidr = cidr.replace(".0.0/16", ".1.0/24")
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=subnet_cidr, AvailabilityZone=f"{region}a",
                               TagSpecifications=ec2_tags("subnet", f"{prefix}-private-a"))["Subnet"]["SubnetId"]
    rt = ec2.create_route_table(VpcId=vpc, TagSpecifications=ec2_tags("route-table", f"{prefix}-private-rt"))["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=rt, SubnetId=subnet)
    step(f"ec2: CreateVpcEndpoint S3 gateway {prefix} in {account}/{region}")
    kw = {"PolicyDocument": endpoint_policy} if endpoint_policy is not None else {}
    vpce = ec2.create_vpc_endpoint(VpcId=vpc, VpcEndpointType="Gateway", ServiceName=f"com.amazonaws.{region}.s3",
                                   RouteTableIds=[rt], TagSpecifications=ec2_tags("vpc-endpoint", f"{prefix}-s3-endpoint"),
                                   **kw)["VpcEndpoint"]["VpcEndpointId"]
    resources[f"{prefix}-vpc"] = vpc
    resources[f"{prefix}-private-a"] = subnet
    resources[f"{prefix}-s3-endpoint"] = vpce
    return {"vpc": vpc, "subnet": subnet, "route_table": rt, "vpce": vpce}


def nat_egress(account: str, prefix: str, region: str, vpc: str, public_cidr: str, private_cidr: str) -> dict:
    """Internet gateway, public subnet with a NAT gateway, and a private subnet whose only way
    out (S3 included) is the default route to that NAT gateway: no S3 gateway endpoint."""
    ec2 = ls("ec2", account, region)
    step(f"ec2: internet gateway + public subnet {prefix} in {account}/{region}")
    igw = ec2.create_internet_gateway(TagSpecifications=ec2_tags("internet-gateway", f"{prefix}-igw"))["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public = ec2.create_subnet(VpcId=vpc, CidrBlock=public_cidr, AvailabilityZone=f"{region}a",
                               TagSpecifications=ec2_tags("subnet", f"{prefix}-public-a"))["Subnet"]["SubnetId"]
    public_rt = ec2.create_route_table(VpcId=vpc, TagSpecifications=ec2_tags("route-table", f"{prefix}-public-rt"))["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=public_rt, SubnetId=public)
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    step(f"ec2: AllocateAddress + CreateNatGateway {prefix} in {account}/{region}")
    eip = ec2.allocate_address(Domain="vpc", TagSpecifications=ec2_tags("elastic-ip", f"{prefix}-nat-eip"))["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=public, AllocationId=eip,
                                 TagSpecifications=ec2_tags("natgateway", f"{prefix}-nat"))["NatGateway"]["NatGatewayId"]
    step(f"ec2: private subnet {prefix} with 0.0.0.0/0 -> {nat} in {account}/{region}")
    private = ec2.create_subnet(VpcId=vpc, CidrBlock=private_cidr, AvailabilityZone=f"{region}a",
                                TagSpecifications=ec2_tags("subnet", f"{prefix}-private-nat-b"))["Subnet"]["SubnetId"]
    private_rt = ec2.create_route_table(VpcId=vpc, TagSpecifications=ec2_tags("route-table", f"{prefix}-private-nat-rt"))["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=private_rt, SubnetId=private)
    ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    out = {"igw": igw, "public_subnet": public, "public_route_table": public_rt, "nat": nat,
           "private_subnet": private, "private_route_table": private_rt}
    resources.update({f"{prefix}-igw": igw, f"{prefix}-public-a": public, f"{prefix}-nat": nat,
                      f"{prefix}-private-nat-b": private, f"{prefix}-private-nat-rt": private_rt})
    return out


def trusted_role(account: str, name: str, description: str, trust: dict, managed_policy: str) -> str:
    step(f"iam: role {name} in {account}")
    iam = ls("iam", account)
    iam.create_role(RoleName=name, Description=description, AssumeRolePolicyDocument=policy(trust))
    iam.attach_role_policy(RoleName=name, PolicyArn=f"arn:aws:iam::aws:policy/{managed_policy}")
    arn = f"arn:aws:iam::{account}:role/{name}"
    resources[name] = arn
    return arn


def instance_role(account: str, prefix: str, data_bucket: str) -> str:
    step(f"iam: instance role/profile {prefix} in {account}")
    iam = ls("iam", account)
    role = f"{prefix}-app-instance-role"
    iam.create_role(RoleName=role, Description="EC2 application role (temporary credentials via IMDS)",
                    AssumeRolePolicyDocument=policy({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                                     "Action": "sts:AssumeRole"}))
    iam.put_role_policy(RoleName=role, PolicyName="data-bucket-access", PolicyDocument=policy(
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"arn:aws:s3:::{data_bucket}/*"},
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{data_bucket}"}))
    profile = f"{prefix}-app-instance-profile"
    iam.create_instance_profile(InstanceProfileName=profile)
    iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
    resources[role] = f"arn:aws:iam::{account}:role/{role}"
    return profile


def launch_template(account: str, region: str, name: str, http_tokens: str, profile: str | None) -> str:
    step(f"ec2: CreateLaunchTemplate {name} (HttpTokens={http_tokens}) in {account}/{region}")
    ec2 = ls("ec2", account, region)
    data = {"ImageId": first_amazon_linux(ec2), "InstanceType": "t3.micro",
            "MetadataOptions": {"HttpTokens": http_tokens, "HttpEndpoint": "enabled", "HttpPutResponseHopLimit": 1}}
    if profile:
        data["IamInstanceProfile"] = {"Name": profile}
    lt = ec2.create_launch_template(LaunchTemplateName=name, LaunchTemplateData=data,
                                    TagSpecifications=ec2_tags("launch-template", name))["LaunchTemplate"]
    resources[name] = lt["LaunchTemplateId"]
    return lt["LaunchTemplateId"]


def run_instance(account: str, name: str, subnet: str, profile: str, http_tokens: str) -> str:
    step(f"ec2: RunInstances {name} (HttpTokens={http_tokens}) in {account}")
    ec2 = ls("ec2", account)
    # No IamInstanceProfile here: LocalStack's EC2 looks instance profiles up in moto's IAM
    # backend, which its own IAM provider does not fill, so RunInstances (and
    # AssociateIamInstanceProfile) answer NoSuchEntity. The role and profile exist in IAM and the
    # launch template names the profile; the instance is tagged with it.
    inst = ec2.run_instances(ImageId=first_amazon_linux(ec2), InstanceType="t3.micro", MinCount=1, MaxCount=1,
                             SubnetId=subnet,
                             MetadataOptions={"HttpTokens": http_tokens, "HttpEndpoint": "enabled",
                                              "HttpPutResponseHopLimit": 1},
                             TagSpecifications=[{"ResourceType": "instance", "Tags": [
                                 {"Key": "Name", "Value": name}, {"Key": "intended-instance-profile", "Value": profile}]}],
                             )["Instances"][0]["InstanceId"]
    # RunInstances honours MetadataOptions in LocalStack; ModifyInstanceMetadataOptions makes it
    # explicit either way (LocalStack needs HttpPutResponseHopLimit there, or it fails with a 500).
    ec2.modify_instance_metadata_options(InstanceId=inst, HttpTokens=http_tokens, HttpEndpoint="enabled",
                                         HttpPutResponseHopLimit=1)
    resources[name] = inst
    return inst


def rest_api(account: str, api_id: str, name: str, description: str) -> tuple[str, str]:
    """A REST API with a fixed id (LocalStack's `_custom_id_` tag) so results name it readably."""
    step(f"apigateway: CreateRestApi {name} in {account}")
    apigw = ls("apigateway", account)
    api = apigw.create_rest_api(name=name, description=description, endpointConfiguration={"types": ["REGIONAL"]},
                                tags={"_custom_id_": api_id, "Name": name})
    if api["id"] != api_id:
        raise SystemExit(f"seed: LocalStack ignored the custom REST API id {api_id} (got {api['id']})")
    root = next(r["id"] for r in apigw.get_resources(restApiId=api_id)["items"] if r["path"] == "/")
    resources[name] = f"arn:aws:apigateway:{HOME}::/restapis/{api_id}"
    return api_id, root


def method(apigw, api: str, resource: str, verb: str, auth: str, authorizer: str | None = None,
           integration: dict | None = None) -> None:
    step(f"apigateway: PutMethod {verb} {auth} on {api}/{resource}")
    kw = {"authorizerId": authorizer} if authorizer else {}
    apigw.put_method(restApiId=api, resourceId=resource, httpMethod=verb, authorizationType=auth, **kw)
    apigw.put_integration(restApiId=api, resourceId=resource, httpMethod=verb,
                          **(integration or {"type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 200}'}}))


def seed_hardened(account: str, org_id: str) -> None:
    p = "hardened"
    data, logs = f"{p}-data-{account}", f"{p}-logs-{account}"
    # --- Pattern A: EC2 -> S3 privately -------------------------------------------------------
    net = private_network(account, p, HOME, "10.20.0.0/16", org_endpoint_policy(data, org_id=org_id))
    profile = instance_role(account, p, data)
    run_instance(account, f"{p}-app-instance", net["subnet"], profile, "required")
    launch_template(account, HOME, f"{p}-app-lt", "required", profile)
    launch_template(account, SECOND, f"{p}-app-lt-eu", "required", None)

    create_bucket(account, logs)
    create_bucket(account, data)
    harden_bucket(account, logs, log_bucket_policy(logs, account), logs, "self/")
    role_arn = f"arn:aws:iam::{account}:role/{p}-app-instance-role"
    harden_bucket(account, data, policy(
        deny_insecure_transport(data),
        deny_outside_endpoint(data, net["vpce"]),
        {"Sid": "AppRoleThroughTheEndpointOnly", "Effect": "Allow", "Principal": {"AWS": role_arn},
         "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"arn:aws:s3:::{data}/*",
         "Condition": {"StringEquals": {"aws:SourceVpce": net["vpce"], "aws:PrincipalOrgID": org_id}}},
        {"Sid": "AppRoleListThroughTheEndpointOnly", "Effect": "Allow", "Principal": {"AWS": role_arn},
         "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{data}",
         "Condition": {"StringEquals": {"aws:SourceVpce": net["vpce"], "aws:PrincipalOrgID": org_id}}},
    ), logs, "data/")

    # --- Pattern B: API Gateway + ACM ---------------------------------------------------------
    domain = "api.hardened.example.com"
    cert = request_cert(account, domain, f"{p}-api-cert")
    apigw = ls("apigateway", account)
    step(f"logs: CreateLogGroup for {p} API access logs")
    log_group = f"/aws/apigateway/{p}-orders-api-access"
    ls("logs", account).create_log_group(logGroupName=log_group)
    log_group_arn = f"arn:aws:logs:{HOME}:{account}:log-group:{log_group}"

    step(f"iam: API Gateway S3 integration role in {account}")
    iam = ls("iam", account)
    integ_role = f"{p}-apigw-s3-read-role"
    iam.create_role(RoleName=integ_role, AssumeRolePolicyDocument=policy(
        {"Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}, "Action": "sts:AssumeRole"}))
    iam.put_role_policy(RoleName=integ_role, PolicyName="read-orders", PolicyDocument=policy(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{data}/orders/*"}))

    api, root = rest_api(account, f"{p}-orders", f"{p}-orders-api", "Orders API behind IAM and a Lambda authorizer")
    step(f"apigateway: CreateAuthorizer on {api}")
    authorizer = apigw.create_authorizer(
        restApiId=api, name=f"{p}-token-authorizer", type="TOKEN",
        authorizerUri=(f"arn:aws:apigateway:{HOME}:lambda:path/2015-03-31/functions/"
                       f"arn:aws:lambda:{HOME}:{account}:function:{p}-authorizer/invocations"),
        identitySource="method.request.header.Authorization")["id"]
    step(f"apigateway: CreateResource /orders, /orders/{{orderId}} on {api}")
    orders = apigw.create_resource(restApiId=api, parentId=root, pathPart="orders")["id"]
    order = apigw.create_resource(restApiId=api, parentId=orders, pathPart="{orderId}")["id"]
    method(apigw, api, orders, "GET", "AWS_IAM", integration={
        "type": "AWS", "integrationHttpMethod": "GET",
        "uri": f"arn:aws:apigateway:{HOME}:s3:path/{data}/orders/index.json",
        "credentials": f"arn:aws:iam::{account}:role/{integ_role}"})
    method(apigw, api, orders, "POST", "AWS_IAM")
    method(apigw, api, orders, "OPTIONS", "NONE")  # CORS pre-flight: exempt from the check
    method(apigw, api, order, "GET", "CUSTOM", authorizer=authorizer)
    method(apigw, api, order, "DELETE", "AWS_IAM")

    step(f"apigateway: GenerateClientCertificate for {p}")
    client_cert = apigw.generate_client_certificate(description=f"{p}-orders-api back-end authentication")["clientCertificateId"]
    resources[f"{p}-client-certificate"] = client_cert
    step(f"apigateway: CreateDeployment/CreateStage prod on {api}")
    dep = apigw.create_deployment(restApiId=api, description="initial")["id"]
    apigw.create_stage(restApiId=api, stageName="prod", deploymentId=dep, tracingEnabled=True,
                       cacheClusterEnabled=True, cacheClusterSize="0.5")
    step(f"apigateway: UpdateStage prod on {api} (logging, access logs, client certificate, cache encryption)")
    apigw.update_stage(restApiId=api, stageName="prod", patchOperations=[
        {"op": "replace", "path": "/*/*/logging/loglevel", "value": "INFO"},
        {"op": "replace", "path": "/*/*/metrics/enabled", "value": "true"},
        {"op": "replace", "path": "/*/*/caching/enabled", "value": "true"},
        {"op": "replace", "path": "/*/*/caching/dataEncrypted", "value": "true"},
        {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": log_group_arn},
        {"op": "replace", "path": "/accessLogSettings/format",
         "value": '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","status":"$context.status"}'},
        # Accepted but never returned by GetStage in LocalStack community (see README).
        {"op": "replace", "path": "/clientCertificateId", "value": client_cert},
    ])
    # No WAF web ACL: LocalStack community has no WAFv2 (501) and UpdateStage rejects /webAclArn
    # (on AWS too: the association is made with wafv2:AssociateWebACL). See README.
    step(f"apigateway: CreateDomainName {domain} TLS_1_2")
    apigw.create_domain_name(domainName=domain, regionalCertificateArn=cert, securityPolicy="TLS_1_2",
                             endpointConfiguration={"types": ["REGIONAL"]})
    apigw.create_base_path_mapping(domainName=domain, restApiId=api, stage="prod", basePath="orders")
    resources[domain] = f"arn:aws:apigateway:{HOME}::/domainnames/{domain}"

    # --- IAM: the baseline password policy and no IAM users (people sign in through SSO) -----
    # A third party's read-only audit role: trusts an account outside the organization, but only
    # with the external id agreed with that vendor (confused-deputy protection).
    trusted_role(account, f"{p}-vendor-audit-role", "Third-party security auditor (external id required)",
                 {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OUTSIDE}:root"}, "Action": "sts:AssumeRole",
                  "Condition": {"StringEquals": {"sts:ExternalId": "posture-demo-auditor-7f3a9c"}}},
                 "SecurityAudit")


def confined_bucket(account: str) -> str:
    """The app-misconfigured bucket the data-perimeter RCP confines."""
    return f"misconfigured-confined-{account}"


def seed_misconfigured(account: str, org_id: str) -> None:
    p = "misconfigured"
    public_data = f"{p}-public-data-{account}"
    upload = f"{p}-public-upload-{account}"
    broken = f"{p}-broken-policy-{account}"
    noenc = f"{p}-noenc-{account}"
    eu = f"{p}-eu-{account}"
    partner = f"{p}-partner-share-{account}"
    workload_data = f"{p}-workload-data-{account}"

    # --- Pattern A ---------------------------------------------------------------------------
    net = private_network(account, p, HOME, "10.30.0.0/16", None)  # no policy: default full access
    # A second private subnet in the same VPC reaches S3 (and everything else) through a NAT
    # gateway: no S3 gateway endpoint on its route table.
    nat_egress(account, p, HOME, net["vpc"], "10.30.0.0/24", "10.30.2.0/24")
    # A second workload VPC done right at the network layer (its endpoint policy names the data
    # bucket and admits only the organization), but the data bucket behind it is not restricted
    # to the endpoint: the role's credentials work from anywhere.
    private_network(account, f"{p}-workload", HOME, "10.32.0.0/16", org_endpoint_policy(workload_data, org_id=org_id))
    profile = instance_role(account, p, public_data)
    run_instance(account, f"{p}-app-instance", net["subnet"], profile, "optional")
    launch_template(account, HOME, f"{p}-app-lt", "optional", profile)
    # eu-west-1: an endpoint whose policy is not JSON (LocalStack EC2 stores it as given) and an
    # IMDSv1 launch template. The broken document must not contain '"Version":' - LocalStack's
    # DescribeVpcEndpoints json-parses such policies to drop Version, and would then fail with a
    # 500 for every endpoint of the region.
    private_network(account, f"{p}-eu", SECOND, "10.31.0.0/16", '{"Statement": [ {"Effect": "Allow", "Principal": "*",')
    launch_template(account, SECOND, f"{p}-app-lt-eu", "optional", None)

    s3 = ls("s3", account)
    # Data bucket: public-read policy, AllUsers ACL, no TLS deny, no versioning, no logging.
    create_bucket(account, public_data)
    step(f"s3: misconfigure {public_data}")
    s3.put_public_access_block(Bucket=public_data, PublicAccessBlockConfiguration=NO_BPA)
    s3.put_bucket_ownership_controls(Bucket=public_data, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    s3.put_bucket_acl(Bucket=public_data, ACL="public-read")
    s3.put_bucket_policy(Bucket=public_data, Policy=policy(
        {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": f"arn:aws:s3:::{public_data}/*"}))

    # Public by its policy, confined by the organization's data-perimeter RCP (seed_organization).
    confined = confined_bucket(account)
    create_bucket(account, confined)
    step(f"s3: public policy on {confined}, confined by the RCP")
    s3.put_public_access_block(Bucket=confined, PublicAccessBlockConfiguration=NO_BPA)
    s3.put_bucket_policy(Bucket=confined, Policy=policy(
        {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": f"arn:aws:s3:::{confined}/*"}))

    # Upload bucket: anyone may write.
    create_bucket(account, upload)
    step(f"s3: misconfigure {upload}")
    s3.put_public_access_block(Bucket=upload, PublicAccessBlockConfiguration=NO_BPA)
    s3.put_bucket_policy(Bucket=upload, Policy=policy(
        {"Sid": "AnyoneCanUpload", "Effect": "Allow", "Principal": "*", "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{upload}/*"}))

    # Broken policy: LocalStack rejects non-JSON (MalformedPolicy) but stores any JSON object
    # with a Statement, so the document is JSON but not a valid IAM policy.
    create_bucket(account, broken)
    step(f"s3: misconfigure {broken}")
    s3.put_bucket_policy(Bucket=broken, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "NotAnEffect", "Effect": "Permit", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{broken}/*"}]}))

    # No default encryption: impossible on AWS since 2023, but LocalStack lets DeleteBucketEncryption
    # remove it (GetBucketEncryption then answers 200 with an empty body).
    create_bucket(account, noenc)
    step(f"s3: misconfigure {noenc}")
    s3.delete_bucket_encryption(Bucket=noenc)

    # eu-west-1 bucket: ACL half of Block Public Access off, no versioning.
    create_bucket(account, eu, SECOND)
    step(f"s3: misconfigure {eu}")
    ls("s3", account, SECOND).put_public_access_block(Bucket=eu, PublicAccessBlockConfiguration={
        "BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    # Account-level S3 Block Public Access: deliberately absent.

    # Partner bucket: otherwise hardened, but its policy lets an account outside the
    # organization read the objects (not public: a fixed principal, so Block Public Access on).
    create_bucket(account, partner)
    harden_bucket(account, partner, policy(
        deny_insecure_transport(partner),
        {"Sid": "PartnerRead", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OUTSIDE}:root"},
         "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": bucket_arns(partner)},
    ), partner, "self/")

    # Workload data bucket (named by the misconfigured-workload S3 endpoint policy): otherwise
    # hardened, but the role's grant has no aws:SourceVpce / aws:SourceVpc / aws:PrincipalOrgID
    # pin and there is no Deny outside the endpoint.
    create_bucket(account, workload_data)
    role_arn = f"arn:aws:iam::{account}:role/{p}-app-instance-role"
    harden_bucket(account, workload_data, policy(
        deny_insecure_transport(workload_data),
        {"Sid": "AppRoleFromAnywhere", "Effect": "Allow", "Principal": {"AWS": role_arn},
         "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"arn:aws:s3:::{workload_data}/*"},
    ), workload_data, "self/")

    # --- Pattern B ---------------------------------------------------------------------------
    domain = "api.misconfigured.example.com"
    weak = import_cert(account, HOME, domain, 1024, 10, f"{p}-api-cert-rsa1024")
    import_cert(account, HOME, "legacy.misconfigured.example.com", 2048, 45, f"{p}-legacy-cert-45d")
    import_cert(account, SECOND, "eu.misconfigured.example.com", 2048, 20, f"{p}-eu-cert-20d")

    apigw = ls("apigateway", account)
    api, root = rest_api(account, f"{p}-orders", f"{p}-orders-api", "Orders API with open methods")
    step(f"apigateway: CreateResource on {api}")
    orders = apigw.create_resource(restApiId=api, parentId=root, pathPart="orders")["id"]
    order = apigw.create_resource(restApiId=api, parentId=orders, pathPart="{orderId}")["id"]
    method(apigw, api, orders, "GET", "NONE")
    method(apigw, api, orders, "POST", "AWS_IAM")
    method(apigw, api, order, "DELETE", "NONE")
    step(f"apigateway: CreateDeployment/CreateStage prod on {api}")
    dep = apigw.create_deployment(restApiId=api, description="initial")["id"]
    apigw.create_stage(restApiId=api, stageName="prod", deploymentId=dep, tracingEnabled=False,
                       cacheClusterEnabled=True, cacheClusterSize="0.5")
    step(f"apigateway: UpdateStage prod on {api} (cache unencrypted)")
    apigw.update_stage(restApiId=api, stageName="prod", patchOperations=[
        {"op": "replace", "path": "/*/*/caching/enabled", "value": "true"},
        {"op": "replace", "path": "/*/*/caching/dataEncrypted", "value": "false"}])
    step(f"apigateway: CreateDomainName {domain} requesting TLS_1_0")
    apigw.create_domain_name(domainName=domain, regionalCertificateArn=weak, securityPolicy="TLS_1_0",
                             endpointConfiguration={"types": ["REGIONAL"]})
    apigw.create_base_path_mapping(domainName=domain, restApiId=api, stage="prod", basePath="orders")
    resources[domain] = f"arn:aws:apigateway:{HOME}::/domainnames/{domain}"

    # --- IAM roles: one anyone can assume, one a vendor account can assume without external id -
    trusted_role(account, f"{p}-open-trust-role", "Trust policy open to any AWS principal",
                 {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}, "ReadOnlyAccess")
    trusted_role(account, f"{p}-vendor-role", "Third-party vendor access without an external id",
                 {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OUTSIDE}:root"}, "Action": "sts:AssumeRole"},
                 "ReadOnlyAccess")

    # --- IAM: no password policy; users with console passwords and long-lived keys ------------
    iam = ls("iam", account)
    step(f"iam: users in {account}")
    u = f"{p}-console-nomfa"
    iam.create_user(UserName=u)
    iam.create_login_profile(UserName=u, Password="Correct-Horse-Battery-9", PasswordResetRequired=False)
    u = f"{p}-two-keys"
    iam.create_user(UserName=u)
    iam.create_access_key(UserName=u)
    iam.create_access_key(UserName=u)
    u = f"{p}-console-initial-key"
    iam.create_user(UserName=u)
    iam.create_login_profile(UserName=u, Password="Correct-Horse-Battery-9", PasswordResetRequired=False)
    iam.create_access_key(UserName=u)
    for u in (f"{p}-console-nomfa", f"{p}-two-keys", f"{p}-console-initial-key"):
        resources[u] = f"arn:aws:iam::{account}:user/{u}"

    # --- KMS: a customer-managed key any principal may use, never rotated ----------------------
    # (KMS is an RCP service, but the data-perimeter RCP on this account names only the confined
    # bucket, so nothing confines the key.)
    step(f"kms: CreateKey {p}-public-key in {account}")
    key = ls("kms", account).create_key(Description=f"{p}-public-key", Policy=policy(
        {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "AnyoneDecrypts", "Effect": "Allow", "Principal": "*",
         "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*"},
    ))["KeyMetadata"]
    resources[f"{p}-public-key"] = key["Arn"]


def seed_log_archive(account: str) -> None:
    """The Log Archive account's organization trail bucket (hardened; no trail: LocalStack has no CloudTrail)."""
    name = f"log-archive-org-trail-{account}"
    access = f"log-archive-access-logs-{account}"
    create_bucket(account, access)
    create_bucket(account, name)
    harden_bucket(account, access, log_bucket_policy(access, account), access, "self/")
    harden_bucket(account, name, policy(
        deny_insecure_transport(name),
        {"Sid": "CloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{name}"},
        {"Sid": "CloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{name}/AWSLogs/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}},
    ), access, "org-trail/")


# ----------------------------------------------------------------------------------------------
# The security-services backbone (moto; per-account sessions from moto's STS). The hardened side:
# every account and Region runs GuardDuty, Security Hub, Config, Inspector and Macie,
# administered from security-tooling; an organization trail from the management account logs
# every Region into log-archive. The misconfigured side: app-misconfigured's gaps, each in
# manifest.toml with the check that must find it.
# ----------------------------------------------------------------------------------------------

GUARDDUTY_FEATURES = ["S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS",
                      "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING"]
INSPECTOR_TYPES = ["EC2", "ECR", "LAMBDA"]


def org_trail_arn() -> str:
    return f"arn:aws:cloudtrail:{HOME}:{MANAGEMENT}:trail/org-trail"


def seed_log_archive_backbone(la: str, org_id: str) -> dict:
    """Log Archive: the organization trail's KMS key and the Config delivery bucket (LocalStack,
    where posture reads KMS and S3), and the trail bucket's twin in moto's S3 (moto's CreateTrail
    requires the bucket in its own S3; posture reads buckets from LocalStack)."""
    access = f"log-archive-access-logs-{la}"
    config_bucket = f"log-archive-config-{la}"
    create_bucket(la, config_bucket)
    harden_bucket(la, config_bucket, policy(
        deny_insecure_transport(config_bucket),
        {"Sid": "ConfigAclCheck", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
         "Action": ["s3:GetBucketAcl", "s3:ListBucket"], "Resource": f"arn:aws:s3:::{config_bucket}",
         "Condition": {"StringEquals": {"aws:SourceOrgID": org_id}}},
        {"Sid": "ConfigWrite", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{config_bucket}/AWSLogs/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceOrgID": org_id}}},
    ), access, "config/")

    step(f"kms: CreateKey org-trail key in {la}")
    kms = ls("kms", la)
    key = kms.create_key(Description="Organization trail log files", Policy=policy(
        {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{la}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "CloudTrailEncryptsTheOrganizationTrail", "Effect": "Allow",
         "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:GenerateDataKey*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceArn": org_trail_arn()},
                       "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{MANAGEMENT}:trail/*"}}},
        {"Sid": "CloudTrailDescribesTheKey", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "kms:DescribeKey", "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceArn": org_trail_arn()}}},
    ))["KeyMetadata"]
    kms.enable_key_rotation(KeyId=key["KeyId"])
    resources["org-trail-kms-key"] = key["Arn"]
    resources[config_bucket] = f"arn:aws:s3:::{config_bucket}"

    trail_bucket = f"log-archive-org-trail-{la}"
    step(f"s3 (moto): CreateBucket {trail_bucket} for moto's CreateTrail, owned by {la}")
    moto("s3", la).create_bucket(Bucket=trail_bucket)
    return {"trail_bucket": trail_bucket, "config_bucket": config_bucket, "kms_key": key["Arn"]}


def seed_org_trail(la_out: dict) -> None:
    """The organization trail, from the management account: multi-Region, global service
    events, log file validation, KMS, CloudWatch Logs, into the Log Archive bucket; logging."""
    step("logs/iam: CloudWatch Logs group and delivery role for the organization trail (management)")
    group = "/aws/cloudtrail/org-trail"
    ls("logs", MANAGEMENT).create_log_group(logGroupName=group)
    role = "cloudtrail-cloudwatch-logs"
    iam = ls("iam", MANAGEMENT)
    iam.create_role(RoleName=role, Description="CloudTrail delivers the organization trail to CloudWatch Logs",
                    AssumeRolePolicyDocument=policy({"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                                                     "Action": "sts:AssumeRole",
                                                     "Condition": {"StringEquals": {"aws:SourceArn": org_trail_arn()}}}))
    iam.put_role_policy(RoleName=role, PolicyName="deliver", PolicyDocument=policy(
        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": f"arn:aws:logs:{HOME}:{MANAGEMENT}:log-group:{group}:*"}))
    step("cloudtrail (moto): CreateTrail org-trail (organization, multi-Region, validation, KMS) + StartLogging")
    ct = moto("cloudtrail", MANAGEMENT)
    t = ct.create_trail(Name="org-trail", S3BucketName=la_out["trail_bucket"], IsMultiRegionTrail=True,
                        IncludeGlobalServiceEvents=True, EnableLogFileValidation=True, IsOrganizationTrail=True,
                        KmsKeyId=la_out["kms_key"],
                        CloudWatchLogsLogGroupArn=f"arn:aws:logs:{HOME}:{MANAGEMENT}:log-group:{group}:*",
                        CloudWatchLogsRoleArn=f"arn:aws:iam::{MANAGEMENT}:role/{role}")
    if t["TrailARN"] != org_trail_arn():
        raise SystemExit(f"seed: moto named the organization trail {t['TrailARN']}, expected {org_trail_arn()}")
    ct.start_logging(Name="org-trail")
    resources["org-trail"] = t["TrailARN"]


def seed_guardduty(accounts: dict) -> None:
    st = accounts["security-tooling"]
    mis = accounts["app-misconfigured"]
    for account in [MANAGEMENT, *accounts.values()]:
        for region in REGIONS:
            if account == mis and region == SECOND:
                continue  # planted: no detector in eu-west-1
            step(f"guardduty (moto): CreateDetector in {account}/{region}")
            off = account == mis  # planted: S3 protection (and every other plan) off
            features = [{"Name": f, "Status": "DISABLED" if off else "ENABLED"} for f in GUARDDUTY_FEATURES]
            d = moto("guardduty", account, region).create_detector(
                Enable=True, FindingPublishingFrequency="FIFTEEN_MINUTES",
                DataSources={"S3Logs": {"Enable": not off}}, Features=features)["DetectorId"]
            resources[f"guardduty-detector-{account}-{region}"] = d
    for region in REGIONS:
        step(f"guardduty (moto): EnableOrganizationAdminAccount security-tooling in {region}")
        moto("guardduty", MANAGEMENT, region).enable_organization_admin_account(AdminAccountId=st)


def seed_securityhub(accounts: dict) -> None:
    st = accounts["security-tooling"]
    mis = accounts["app-misconfigured"]
    members = [a for a in [MANAGEMENT, *accounts.values()] if a not in (st, mis)]
    for region in REGIONS:
        for account in [MANAGEMENT, *accounts.values()]:
            if account == mis:
                continue  # planted: app-misconfigured is outside Security Hub
            step(f"securityhub (moto): EnableSecurityHub in {account}/{region}")
            moto("securityhub", account, region).enable_security_hub(EnableDefaultStandards=True)
        step(f"securityhub (moto): EnableOrganizationAdminAccount security-tooling in {region}")
        moto("securityhub", MANAGEMENT, region).enable_organization_admin_account(AdminAccountId=st)
        hub = moto("securityhub", st, region)
        step(f"securityhub (moto): UpdateOrganizationConfiguration AutoEnable + CreateMembers in {st}/{region}")
        hub.update_organization_configuration(AutoEnable=True)
        hub.create_members(AccountDetails=[{"AccountId": a} for a in members])


def seed_config(accounts: dict, la_out: dict) -> None:
    st = accounts["security-tooling"]
    mis = accounts["app-misconfigured"]
    for account in [MANAGEMENT, *accounts.values()]:
        for region in REGIONS:
            cfg = moto("config", account, region)
            group = {"allSupported": True, "includeGlobalResourceTypes": region == HOME}
            bucket, start = la_out["config_bucket"], True
            if account == mis and region == HOME:
                bucket, start = f"misconfigured-config-{mis}", False  # planted: stopped, delivers locally
            if account == mis and region == SECOND:
                group = {"allSupported": False, "includeGlobalResourceTypes": False,
                         "resourceTypes": ["AWS::S3::Bucket", "AWS::EC2::Instance"]}  # planted: two types only
            step(f"config (moto): recorder + delivery channel in {account}/{region}")
            cfg.put_configuration_recorder(ConfigurationRecorder={
                "name": "default", "recordingGroup": group,
                "roleARN": f"arn:aws:iam::{account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"})
            cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": bucket,
                                                      "configSnapshotDeliveryProperties": {"deliveryFrequency": "TwentyFour_Hours"}})
            if start:
                cfg.start_configuration_recorder(ConfigurationRecorderName="default")
    step(f"config (moto): organization aggregator over all Regions in {st}")
    agg = moto("config", st).put_configuration_aggregator(
        ConfigurationAggregatorName="organization",
        OrganizationAggregationSource={"RoleArn": f"arn:aws:iam::{st}:role/config-aggregator", "AllAwsRegions": True})
    resources["config-organization-aggregator"] = agg["ConfigurationAggregator"]["ConfigurationAggregatorArn"]
    # The misconfigured recorder's bucket, in app-misconfigured itself (LocalStack, where posture
    # looks for the owner of a delivery bucket): not the Log Archive account.
    create_bucket(mis, f"misconfigured-config-{mis}")


def seed_inspector(accounts: dict) -> None:
    st = accounts["security-tooling"]
    mis = accounts["app-misconfigured"]
    for account in [MANAGEMENT, *accounts.values()]:
        for region in REGIONS:
            insp = moto("inspector2", account, region)
            step(f"inspector2 (moto): Enable in {account}/{region}")
            if account == mis and region == HOME:
                insp.enable(accountIds=[account], resourceTypes=["EC2"])  # planted: ECR and Lambda off
            elif account == mis:
                # planted: off in eu-west-1. moto leaves a never-enabled account out of
                # BatchGetAccountStatus (AWS answers DISABLED), so enable, then disable.
                insp.enable(accountIds=[account], resourceTypes=INSPECTOR_TYPES)
                insp.disable(accountIds=[account], resourceTypes=INSPECTOR_TYPES)
            else:
                insp.enable(accountIds=[account], resourceTypes=INSPECTOR_TYPES)
    for region in REGIONS:
        step(f"inspector2 (moto): EnableDelegatedAdminAccount security-tooling, auto-enable, members in {region}")
        moto("inspector2", MANAGEMENT, region).enable_delegated_admin_account(delegatedAdminAccountId=st)
        insp = moto("inspector2", st, region)
        insp.update_organization_configuration(autoEnable={"ec2": True, "ecr": True, "lambda": True})
        for account in [MANAGEMENT, *accounts.values()]:
            if account != st:
                insp.associate_member(accountId=account)


def seed_macie(accounts: dict) -> None:
    st = accounts["security-tooling"]
    mis = accounts["app-misconfigured"]
    for account in [MANAGEMENT, *accounts.values()]:
        for region in REGIONS:
            # moto answers GetMacieSession with ENABLED for an account that never enabled Macie;
            # the seed enables it explicitly anyway, as on AWS. UpdateMacieSession is not
            # implemented, so the paused session is created paused.
            status = "PAUSED" if account == mis and region == SECOND else "ENABLED"  # planted
            step(f"macie2 (moto): EnableMacie {status} in {account}/{region}")
            moto("macie2", account, region).enable_macie(status=status, findingPublishingFrequency="FIFTEEN_MINUTES")
    for region in REGIONS:
        step(f"macie2 (moto): EnableOrganizationAdminAccount security-tooling in {region}")
        moto("macie2", MANAGEMENT, region).enable_organization_admin_account(adminAccountId=st)


def seed_account_basics(accounts: dict) -> None:
    """EBS encryption by default (LocalStack EC2) and the security alternate contact (moto's
    Account API) in every account but app-misconfigured (planted: neither)."""
    mis = accounts["app-misconfigured"]
    for account in [MANAGEMENT, *accounts.values()]:
        if account == mis:
            continue
        for region in REGIONS:
            step(f"ec2: EnableEbsEncryptionByDefault in {account}/{region}")
            ls("ec2", account, region).enable_ebs_encryption_by_default()
        step(f"account (moto): PutAlternateContact SECURITY in {account}")
        moto("account", account).put_alternate_contact(
            AlternateContactType="SECURITY", Name="Security Operations", Title="Security team",
            EmailAddress=f"security+{account}@example.com", PhoneNumber="+1-555-0100")


def seed_misconfigured_trails(mis: str) -> None:
    """app-misconfigured's own trails: a single-Region trail in us-east-1 without log file
    validation, KMS, CloudWatch Logs or global service events (logging), and a trail in
    eu-west-1 that was never started. Their bucket exists in moto's S3 only (CreateTrail
    requires it there; nothing in posture reads it)."""
    bucket = f"misconfigured-trail-{mis}"
    step(f"s3 (moto): CreateBucket {bucket} in {mis}")
    moto("s3", mis).create_bucket(Bucket=bucket)
    step(f"cloudtrail (moto): CreateTrail misconfigured-local-trail + StartLogging in {mis}/{HOME}")
    ct = moto("cloudtrail", mis)
    t = ct.create_trail(Name="misconfigured-local-trail", S3BucketName=bucket, IsMultiRegionTrail=False,
                        IncludeGlobalServiceEvents=False, EnableLogFileValidation=False)
    ct.start_logging(Name="misconfigured-local-trail")
    resources["misconfigured-local-trail"] = t["TrailARN"]
    step(f"cloudtrail (moto): CreateTrail misconfigured-stopped-trail (never started) in {mis}/{SECOND}")
    t = moto("cloudtrail", mis, SECOND).create_trail(Name="misconfigured-stopped-trail", S3BucketName=bucket,
                                                      IsMultiRegionTrail=False, EnableLogFileValidation=True)
    resources["misconfigured-stopped-trail"] = t["TrailARN"]


def seed_backbone(accounts: dict, org_id: str) -> None:
    la_out = seed_log_archive_backbone(accounts["log-archive"], org_id)
    seed_org_trail(la_out)
    seed_misconfigured_trails(accounts["app-misconfigured"])
    seed_guardduty(accounts)
    seed_securityhub(accounts)
    seed_config(accounts, la_out)
    seed_inspector(accounts)
    seed_macie(accounts)
    seed_account_basics(accounts)


def main() -> int:
    started = time.monotonic()
    step("connect")
    for url in (LOCALSTACK + "/_localstack/health", MOTO + "/moto-api/"):
        try:
            urllib.request.urlopen(url, timeout=3).read()
        except OSError as e:
            print(f"seed: {url} does not answer ({e}); run localstack/start.sh first", file=sys.stderr)
            return 1

    org = seed_organization()
    accounts = org["accounts"]
    for account in accounts.values():
        org_access_role(account)
    for name in ("security-tooling", "log-archive", "network", "app-hardened"):
        account_baseline(accounts[name])
    account_baseline(MANAGEMENT)
    seed_log_archive(accounts["log-archive"])
    seed_hardened(accounts["app-hardened"], org["organization_id"])
    seed_misconfigured(accounts["app-misconfigured"], org["organization_id"])
    seed_backbone(accounts, org["organization_id"])

    step("write org.json")
    STATE.mkdir(parents=True, exist_ok=True)
    out = {"management_account_id": MANAGEMENT, "organization_id": org["organization_id"],
           "root_id": org["root_id"], "ous": org["ous"], "accounts": accounts, "regions": REGIONS,
           "resources": resources}
    (STATE / "org.json").write_text(json.dumps(out, indent=2) + "\n")

    elapsed = time.monotonic() - started
    print(f"seed: organization {org['organization_id']} (management {MANAGEMENT}), {_calls} API calls in {elapsed:.1f}s")
    for ou, names in OUS.items():
        print(f"seed:   {ou:<15} " + ", ".join(f"{n} {accounts[n]}" for n in names))
    print(f"seed:   SCP sra-guardrails on the root; delegated admin {accounts['security-tooling']} for "
          + ", ".join(s.split('.')[0] for s in DELEGATED_SERVICES))
    print(f"seed:   app-hardened {accounts['app-hardened']}: both SRA patterns, nothing planted")
    print(f"seed:   backbone (moto): organization trail -> log-archive; GuardDuty, Security Hub, Config, Inspector, "
          f"Macie in every account and Region, administered from security-tooling")
    print(f"seed:   app-misconfigured {accounts['app-misconfigured']}: planted misconfigurations, see manifest.toml")
    print(f"seed: wrote {STATE / 'org.json'}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (ClientError, BotoCoreError) as e:
        print(f"seed: FAILED during [{_step}]: {e}", file=sys.stderr)
        sys.exit(1)
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001 - any surprise is fatal, with the step it happened in
        print(f"seed: FAILED during [{_step}]: {type(e).__name__}: {e}", file=sys.stderr)
        raise
