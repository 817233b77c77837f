#!/usr/bin/env python3
"""Reads the seeded organization back from the emulators, the way the scanner will, and checks
that every hardened setting and every planted misconfiguration is what seed.py meant.

    localstack/.venv-moto/bin/python localstack/verify.py      # after start.sh and seed.py

POSTURE_LOCALSTACK_URL, POSTURE_MOTO_URL and POSTURE_STATE_DIR point it at another emulator
pair, as for seed.py (defaults http://127.0.0.1:4566, http://127.0.0.1:5000, localstack/.state).

Member accounts are reached as the scanner reaches them: sts:AssumeRole of
OrganizationAccountAccessRole with the management credentials, against moto's STS. The session's
ASIA... key acts in the member account in moto and in LocalStack (started with
PARITY_AWS_ACCESS_KEY_ID=1); the management account uses its 12-digit key id in both.
Rows marked LIMIT are emulator limitations (README.md): they are expected to read back the
"wrong" way and do not make the script fail. Exit status 1 when any other row is unexpected.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
from botocore.exceptions import ClientError

# The caller's AWS configuration (profiles, session tokens, IMDS) must not leak into the
# emulator clients: every client below gets explicit endpoint, region and keys.
for _var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
    os.environ.pop(_var, None)
os.environ.update(AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
                  AWS_EC2_METADATA_DISABLED="true")

LOCALSTACK = os.environ.get("POSTURE_LOCALSTACK_URL", "http://127.0.0.1:4566")
MOTO = os.environ.get("POSTURE_MOTO_URL", "http://127.0.0.1:5000")
STATE = Path(os.environ.get("POSTURE_STATE_DIR") or Path(__file__).resolve().parent / ".state")
MGMT = "123456789012"
OUTSIDE = "333333333333"  # the partner / vendor account outside the organization (seed.py)

rows: list[tuple[str, str, str, str]] = []  # status, account, what, detail


def check(account: str, what: str, ok: bool, detail: object = "", limit: bool = False) -> None:
    status = "ok" if ok else ("LIMIT" if limit else "FAIL")
    rows.append((status, account, what, str(detail)))


def err(fn, *a, **kw) -> str | None:
    """Calls fn; returns the error code, or None when it succeeded."""
    try:
        fn(*a, **kw)
        return None
    except ClientError as e:
        return f"{e.response['Error']['Code']} (HTTP {e.response['ResponseMetadata']['HTTPStatusCode']})"


def _strip_account_prefix(request, **_kw):
    request.url = re.sub(r"^(https?://)\d{12}\.", r"\1", request.url)


class Account:
    """Clients for one account, with AssumeRole credentials from moto's STS (as the scanner)."""

    def __init__(self, account_id: str):
        self.id = account_id
        sts = boto3.client("sts", endpoint_url=MOTO, region_name="us-east-1",
                           aws_access_key_id=MGMT, aws_secret_access_key="test")
        if account_id == MGMT:
            self.creds = {"aws_access_key_id": MGMT, "aws_secret_access_key": "test"}
        else:
            c = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
                                RoleSessionName="posture-verify")["Credentials"]
            self.creds = {"aws_access_key_id": c["AccessKeyId"], "aws_secret_access_key": c["SecretAccessKey"],
                          "aws_session_token": c["SessionToken"]}

    def client(self, service: str, region: str = "us-east-1", endpoint: str = LOCALSTACK):
        c = boto3.client(service, endpoint_url=endpoint, region_name=region, **self.creds)
        if service == "s3control":
            c.meta.events.register("before-sign.s3-control.*", _strip_account_prefix)
        return c

    def moto(self, service: str, region: str = "us-east-1"):
        return self.client(service, region, MOTO)


def statements(doc: str) -> list[dict]:
    st = json.loads(doc).get("Statement", [])
    return st if isinstance(st, list) else [st]


def public_allows(doc: str, write_only: bool = False) -> list[dict]:
    pinning = {"aws:sourcevpce", "aws:sourcevpc", "aws:principalorgid", "aws:sourceaccount", "aws:sourcearn"}
    out = []
    for s in statements(doc):
        p = s.get("Principal")
        wildcard = p == "*" or (isinstance(p, dict) and p.get("AWS") in ("*", ["*"]))
        keys = {k.lower() for cond in (s.get("Condition") or {}).values() for k in cond}
        if s.get("Effect") == "Allow" and wildcard and not (keys & pinning):
            actions = s.get("Action")
            actions = actions if isinstance(actions, list) else [actions]
            if not write_only or any(a in ("s3:*", "*") or a.startswith(("s3:Put", "s3:Delete")) for a in actions):
                out.append(s)
    return out


def tls_denied(doc: str, bucket: str) -> bool:
    for s in statements(doc):
        cond = (s.get("Condition") or {}).get("Bool", {})
        res = s.get("Resource")
        res = res if isinstance(res, list) else [res]
        if (s.get("Effect") == "Deny" and str(cond.get("aws:SecureTransport")).lower() == "false"
                and s.get("Action") in ("s3:*", ["s3:*"])
                and {f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"} <= set(res)):
            return True
    return False


def valid_iam_policy(doc: str) -> bool:
    try:
        d = json.loads(doc)
    except ValueError:
        return False
    st = d.get("Statement") if isinstance(d, dict) else None
    st = st if isinstance(st, list) else [st]
    return bool(st) and all(isinstance(s, dict) and s.get("Effect") in ("Allow", "Deny")
                            and ("Action" in s or "NotAction" in s) for s in st)


def bucket_facts(s3, name: str) -> dict:
    f = {}
    try:
        f["bpa"] = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
    except ClientError:
        f["bpa"] = None
    f["ownership"] = s3.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]["Rules"][0]["ObjectOwnership"]
    f["encryption"] = s3.get_bucket_encryption(Bucket=name).get("ServerSideEncryptionConfiguration", {}).get("Rules")
    f["versioning"] = s3.get_bucket_versioning(Bucket=name).get("Status")
    f["logging"] = s3.get_bucket_logging(Bucket=name).get("LoggingEnabled")
    try:
        f["policy"] = s3.get_bucket_policy(Bucket=name)["Policy"]
    except ClientError:
        f["policy"] = None
    f["acl"] = [g["Grantee"].get("URI", "") for g in s3.get_bucket_acl(Bucket=name)["Grants"]]
    return f


# --- The organization boundary (the rules of the *-outside-org, iam-role-trust-* and sra-app-*
# checks, re-implemented independently to confirm that the seed plants what it means to) -------

class Boundary:
    def __init__(self, org_json: dict):
        self.org_id = org_json["organization_id"]
        self.accounts = set(org_json["accounts"].values()) | {MGMT}


def as_list(v) -> list:
    return v if isinstance(v, list) else ([] if v is None else [v])


def conditions(st: dict) -> list[tuple[str, str, list]]:
    """(operator, lower-case key, values) for every condition of a statement."""
    return [(op, k.lower(), as_list(v)) for op, cond in (st.get("Condition") or {}).items() for k, v in cond.items()]


def arn_account(v: str) -> str | None:
    if re.fullmatch(r"\d{12}", v):
        return v
    parts = v.split(":")
    return parts[4] if len(parts) > 4 and re.fullmatch(r"\d{12}", parts[4]) else None


def pin(op: str, key: str, values: list, b: Boundary) -> str | set | None:
    """What a positive pinning condition leaves open: "inside", a set of accounts, or None."""
    if op not in ("StringEquals", "StringEqualsIgnoreCase", "ArnEquals", "ArnLike", "StringLike"):
        return None
    if key == "aws:principalorgid":
        return "inside" if values and all(v == b.org_id for v in values) else None
    if key in ("aws:sourcevpce", "aws:sourcevpc"):
        return "inside"
    if key in ("aws:principalaccount", "aws:sourceaccount"):
        return set(values)
    if key in ("aws:principalarn", "aws:sourcearn"):
        accts = {arn_account(v) for v in values}
        return None if None in accts else accts
    return None


def outside_principals(doc: str, b: Boundary, restrict_public: bool = False) -> list[str]:
    """Accounts outside the boundary (or "*") that an Allow of a resource policy lets in, after
    pinning conditions and a Deny-unless-{SourceVpce,SourceVpc,PrincipalOrgID} on everyone."""
    sts = statements(doc)
    deny_open = None  # what a "Deny everyone s3:* unless ..." leaves open
    for d in sts:
        conds = conditions(d)
        if (d.get("Effect") == "Deny" and d.get("Principal") in ("*", {"AWS": "*"}) and "s3:*" in as_list(d.get("Action"))
                and conds and all(op == "StringNotEquals" and k in ("aws:sourcevpce", "aws:sourcevpc", "aws:principalorgid") for op, k, _ in conds)):
            deny_open = "inside" if all(pin("StringEquals", k, v, b) == "inside" for _, k, v in conds) else deny_open
    out = set()
    for st in sts:
        if st.get("Effect") != "Allow":
            continue
        p = st.get("Principal")
        if p == "*":
            who = {"*"}
        elif isinstance(p, dict) and "AWS" in p:
            who = {"*" if v == "*" else (arn_account(v) or "*") for v in as_list(p["AWS"])}
        else:
            continue  # services, federated
        for op, k, v in conditions(st):
            open_ = pin(op, k, v, b)
            if open_ == "inside":
                who = {w for w in who if w != "*" and w in b.accounts}
            elif isinstance(open_, set):
                who = {w for w in who if w in open_} | (open_ if "*" in who else set())
                who.discard("*")
        if deny_open == "inside":
            who = {w for w in who if w != "*" and w in b.accounts}
        if restrict_public:
            who.discard("*")
        out |= {w for w in who if w == "*" or w not in b.accounts}
    return sorted(out)


def trust_problems(doc: str, b: Boundary) -> dict:
    """iam-role-trust-public / iam-role-trust-external-without-external-id, for one trust policy."""
    public, external = [], []
    for st in statements(doc):
        if st.get("Effect") != "Allow" or not any(a in ("sts:AssumeRole", "sts:*", "*") for a in as_list(st.get("Action"))):
            continue
        p = st.get("Principal")
        aws = ["*"] if p == "*" else as_list(p.get("AWS")) if isinstance(p, dict) else []
        conds = conditions(st)
        pinned = any(pin(op, k, v, b) is not None for op, k, v in conds)
        external_id = any(k == "sts:externalid" and op in ("StringEquals", "StringEqualsIgnoreCase", "StringLike")
                          and v and "*" not in v for op, k, v in conds)
        if "*" in aws and not pinned:
            public.append(st.get("Sid") or "Statement")
        for v in aws:
            a = arn_account(v)
            if a and a not in b.accounts and not external_id:
                external.append(a)
    return {"public": public, "external_without_external_id": external}


def bucket_of(resource: str) -> str | None:
    if resource == "*":
        return "*"
    if not resource.startswith("arn:aws:s3:::"):
        return None
    return resource[len("arn:aws:s3:::"):].split("/")[0]


def endpoint_problems(doc: str, b: Boundary) -> list[str]:
    """vpc-endpoint-policy-outside-org for an S3 endpoint policy."""
    problems = []
    who = outside_principals(doc, b)
    if who:
        problems.append(f"principals outside the organization: {who}")
    for st in statements(doc):
        if st.get("Effect") != "Allow":
            continue
        wild = [r for r in as_list(st.get("Resource", "*")) if "*" in (bucket_of(r) or "") or "?" in (bucket_of(r) or "")]
        resource_pinned = any(op in ("StringEquals", "StringEqualsIgnoreCase")
                              and ((k == "aws:resourceorgid" and v == [b.org_id])
                                   or (k in ("s3:resourceaccount", "aws:resourceaccount") and v and set(v) <= b.accounts))
                              for op, k, v in conditions(st))
        if wild and not resource_pinned:
            problems.append(f"wildcard buckets {wild} without aws:ResourceOrgID / s3:ResourceAccount")
    return problems


def named_buckets(doc: str) -> set[str]:
    """Buckets an endpoint policy's Allow statements name explicitly (no wildcard)."""
    return {bk for st in statements(doc) if st.get("Effect") == "Allow"
            for r in as_list(st.get("Resource")) if (bk := bucket_of(r)) and "*" not in bk and "?" not in bk}


def restricted_to_private_path(doc: str | None, bucket: str) -> str | None:
    """sra-app-data-bucket-restricted for one bucket: the deciding statement, or None."""
    if not doc:
        return None
    keys = ("aws:sourcevpce", "aws:sourcevpc", "aws:principalorgid")
    for st in statements(doc):
        res = as_list(st.get("Resource"))
        if (st.get("Effect") == "Deny" and st.get("Principal") in ("*", {"AWS": "*"}) and "s3:*" in as_list(st.get("Action"))
                and any(r in ("*", f"arn:aws:s3:::{bucket}/*", f"arn:aws:s3:::{bucket}*") for r in res)
                and conditions(st) and all(op == "StringNotEquals" and k in keys for op, k, _ in conditions(st))):
            return f"Deny {st.get('Sid')}"
    allows = [st for st in statements(doc) if st.get("Effect") == "Allow"]
    if allows and all(any(op == "StringEquals" and k in keys for op, k, _ in conditions(st)) for st in allows):
        return "every Allow pinned"
    return None


def subnet_s3_paths(ec2) -> dict[str, tuple[str, str]]:
    """sra-app-private-subnet-s3-path: subnet id -> (status, chain)."""
    tables = ec2.describe_route_tables()["RouteTables"]
    endpoints = [e for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]
                 if e["ServiceName"].endswith(".s3") and e["VpcEndpointType"] == "Gateway"]
    out = {}
    for s in ec2.describe_subnets()["Subnets"]:
        sid = s["SubnetId"]
        rt = next((t for t in tables if any(a.get("SubnetId") == sid for a in t["Associations"])), None)
        rt = rt or next((t for t in tables if t["VpcId"] == s["VpcId"] and any(a.get("Main") for a in t["Associations"])), None)
        if rt is None:
            out[sid] = ("not_assessed", "no route table")
            continue
        targets = {r.get("GatewayId") or r.get("NatGatewayId") or "?": r.get("DestinationCidrBlock") or r.get("DestinationPrefixListId")
                   for r in rt["Routes"]}
        chain = f"{sid} -> {rt['RouteTableId']} ({'main' if not any(a.get('SubnetId') == sid for a in rt['Associations']) else 'explicit'}) {targets}"
        if any(t.startswith("igw-") for t in targets):
            out[sid] = ("not_applicable", "public: " + chain)
        elif any(rt["RouteTableId"] in e.get("RouteTableIds", []) for e in endpoints) or any(
                t.startswith("vpce-") and (d or "").startswith("pl-") for t, d in targets.items()):
            out[sid] = ("pass", chain)
        elif any(d in ("0.0.0.0/0", "::/0") and t.startswith(("nat-", "igw-")) for t, d in targets.items()):
            out[sid] = ("fail", chain)
        else:
            out[sid] = ("not_applicable", "no route to S3: " + chain)
    return out


def domain_certificates(apigw, acct: "Account") -> dict[str, tuple[list[str], str]]:
    """sra-app-api-domain-certificate: domain -> (problems, certificate facts)."""
    out = {}
    for d in apigw.get_domain_names()["items"]:
        arn = d.get("regionalCertificateArn") or d.get("certificateArn")
        if not arn:
            out[d["domainName"]] = (["no certificate"], "")
            continue
        acm = acct.client("acm", arn.split(":")[3])
        try:
            c = acm.describe_certificate(CertificateArn=arn)["Certificate"]
        except ClientError as e:
            out[d["domainName"]] = ([f"not in ACM ({e.response['Error']['Code']})"], arn)
            continue
        listed = arn in [x["CertificateArn"] for x in acm.list_certificates()["CertificateSummaryList"]]
        problems = []
        if c["Status"] != "ISSUED":
            problems.append(f"status {c['Status']}")
        left = (c["NotAfter"] - datetime.now(timezone.utc)).days if c.get("NotAfter") else None
        if left is None:
            problems.append("no NotAfter")
        elif left < 30:
            problems.append(f"{left} days left")
        if c.get("Type") == "IMPORTED":
            problems.append("IMPORTED")
        if not listed:
            problems.append("missing from ListCertificates")
        out[d["domainName"]] = (problems, f"{c['Status']} {c.get('Type')} NotAfter={c.get('NotAfter')} ({left} days)")
    return out


def verify_org(org_json: dict) -> None:
    org = boto3.client("organizations", endpoint_url=MOTO, region_name="us-east-1",
                       aws_access_key_id=MGMT, aws_secret_access_key="test")
    o = org.describe_organization()["Organization"]
    check("org", "feature set ALL, management 123456789012", o["FeatureSet"] == "ALL" and o["MasterAccountId"] == MGMT, o["Id"])
    accounts = {a["Name"]: a["Id"] for a in org.list_accounts()["Accounts"]}
    for name, aid in org_json["accounts"].items():
        check("org", f"account {name}", accounts.get(name) == aid, aid)
    root = org.list_roots()["Roots"][0]
    ous = {ou["Name"]: ou["Id"] for ou in org.list_organizational_units_for_parent(ParentId=root["Id"])["OrganizationalUnits"]}
    check("org", "OUs Security, Infrastructure, Workloads under the root", {"Security", "Infrastructure", "Workloads"} <= set(ous), sorted(ous))
    for ou, names in {"Security": ["security-tooling", "log-archive"], "Infrastructure": ["network"],
                      "Workloads": ["app-hardened", "app-misconfigured"]}.items():
        inside = {a["Name"] for a in org.list_accounts_for_parent(ParentId=ous[ou])["Accounts"]}
        check("org", f"{ou} OU holds {', '.join(names)}", set(names) == inside, sorted(inside))
    pols = org.list_policies_for_target(TargetId=root["Id"], Filter="SERVICE_CONTROL_POLICY")["Policies"]
    names = [p["Name"] for p in pols]
    check("org", "SCP other than FullAWSAccess on the root", any(n != "FullAWSAccess" for n in names), names)
    mis = org_json["accounts"]["app-misconfigured"]
    rcps = org.list_policies_for_target(TargetId=mis, Filter="RESOURCE_CONTROL_POLICY")["Policies"]
    names = [p["Name"] for p in rcps]
    check("org", "data-perimeter RCP attached to app-misconfigured", "data-perimeter" in names, names)
    for p in rcps:
        if p["Name"] == "data-perimeter":
            doc = json.loads(org.describe_policy(PolicyId=p["Id"])["Policy"]["Content"])
            st = doc["Statement"][0]
            check("org", "data-perimeter RCP denies s3:* on the confined bucket outside the organization",
                  st["Effect"] == "Deny" and st["Principal"] == "*"
                  and f"arn:aws:s3:::misconfigured-confined-{mis}" in st["Resource"]
                  and st["Condition"]["StringNotEqualsIfExists"]["aws:PrincipalOrgID"] == org_json["organization_id"], st)
    admins = org.list_delegated_administrators()["DelegatedAdministrators"]
    st = org_json["accounts"]["security-tooling"]
    services = [s["ServicePrincipal"] for s in org.list_delegated_services_for_account(AccountId=st)["DelegatedServices"]]
    check("org", "security-tooling is delegated admin for security services",
          [a["Id"] for a in admins] == [st] and "guardduty.amazonaws.com" in services, services)
    check("org", "Security Hub delegated admin (moto refuses the principal)",
          "securityhub.amazonaws.com" in services, services, limit=True)


def verify_sts(acct: Account, name: str) -> None:
    ident = acct.moto("sts").get_caller_identity()
    check(name, "AssumeRole OrganizationAccountAccessRole (moto STS) -> GetCallerIdentity", ident["Account"] == acct.id, ident["Arn"])
    ident = acct.client("sts").get_caller_identity()
    check(name, "the moto session acts in the same account in LocalStack (PARITY_AWS_ACCESS_KEY_ID=1)",
          ident["Account"] == acct.id, ident["Arn"])


def verify_common(acct: Account, name: str, hardened: bool) -> None:
    iam, s3c = acct.client("iam"), acct.client("s3control")
    try:
        pp = iam.get_account_password_policy()["PasswordPolicy"]
    except ClientError:
        pp = None
    if hardened:
        check(name, "password policy length >= 14, reuse 24", pp and pp["MinimumPasswordLength"] >= 14 and pp.get("PasswordReusePrevention", 0) >= 24, pp)
    else:
        check(name, "no password policy (planted)", pp is None, pp)
    try:
        bpa = s3c.get_public_access_block(AccountId=acct.id)["PublicAccessBlockConfiguration"]
    except ClientError as e:
        bpa = e.response["Error"]["Code"]
    if hardened:
        check(name, "account S3 Block Public Access all on", isinstance(bpa, dict) and all(bpa.values()), bpa)
    else:
        check(name, "account S3 Block Public Access absent (planted)", bpa == "NoSuchPublicAccessBlockConfiguration", bpa)
    code = err(acct.client("ec2").get_instance_metadata_defaults)
    check(name, "GetInstanceMetadataDefaults not implemented (ec2-account-imdsv2-default not assessed)", False, code, limit=True)
    ec2 = acct.client("ec2")
    for op, method, check_id in [
        ("DescribeVpcBlockPublicAccessOptions", ec2.describe_vpc_block_public_access_options, "vpc-block-public-access"),
        ("GetSnapshotBlockPublicAccessState", ec2.get_snapshot_block_public_access_state, "ec2-snapshot-block-public-access"),
        ("GetImageBlockPublicAccessState", ec2.get_image_block_public_access_state, "ec2-image-block-public-access"),
    ]:
        code = err(method)
        check(name, f"{op} not implemented ({check_id} not assessed)", False, code, limit=True)


def credential_report(iam) -> tuple[str | None, list[dict]]:
    try:
        for _ in range(10):
            if iam.generate_credential_report()["State"] == "COMPLETE":
                break
            time.sleep(0.2)
        content = iam.get_credential_report()["Content"].decode()
    except ClientError as e:
        return f"{e.response['Error']['Code']}: {e.response['Error']['Message']}", []
    return None, list(csv.DictReader(io.StringIO(content)))


def verify_hardened(acct: Account, name: str, org_json: dict) -> None:
    res = org_json["resources"]
    iam, s3, ec2 = acct.client("iam"), acct.client("s3"), acct.client("ec2")
    check(name, "no IAM users", iam.list_users()["Users"] == [], [u["UserName"] for u in iam.list_users()["Users"]])
    error, report = credential_report(iam)
    check(name, "credential report <root_account> row", False,
          error or [(r["user"], "mfa_active=" + r["mfa_active"]) for r in report], limit=True)

    buckets = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    check(name, "buckets visible with AssumeRole credentials", len(buckets) == 2, buckets)
    for b in buckets:
        f = bucket_facts(s3, b)
        ok = (f["bpa"] and all(f["bpa"].values()) and f["ownership"] == "BucketOwnerEnforced" and f["encryption"]
              and f["versioning"] == "Enabled" and f["logging"] and f["policy"] and tls_denied(f["policy"], b)
              and not public_allows(f["policy"]) and valid_iam_policy(f["policy"])
              and not any("AllUsers" in g or "AuthenticatedUsers" in g for g in f["acl"]))
        check(name, f"bucket {b} passes every s3 check", ok, {k: v for k, v in f.items() if k != "policy"})
        if "data" in b:
            conds = [s.get("Condition", {}) for s in statements(f["policy"]) if s["Effect"] == "Allow"]
            check(name, f"bucket {b} allows only via aws:SourceVpce + aws:PrincipalOrgID",
                  all(c.get("StringEquals", {}).get("aws:SourceVpce") == res["hardened-s3-endpoint"]
                      and c["StringEquals"].get("aws:PrincipalOrgID") == org_json["organization_id"] for c in conds), conds)

    for r in ec2.describe_instances()["Reservations"]:
        for i in r["Instances"]:
            check(name, f"instance {i['InstanceId']} HttpTokens=required", i["MetadataOptions"]["HttpTokens"] == "required", i["MetadataOptions"])
            check(name, f"instance {i['InstanceId']} in subnet {i.get('SubnetId')}", i.get("SubnetId") == res["hardened-private-a"], i.get("SubnetId"))
            check(name, "instance has the instance profile (LocalStack EC2 cannot see IAM instance profiles)",
                  "IamInstanceProfile" in i, i.get("IamInstanceProfile"), limit=True)
    for region in ("us-east-1", "eu-west-1"):
        e = acct.client("ec2", region)
        for lt in e.describe_launch_templates()["LaunchTemplates"]:
            v = e.describe_launch_template_versions(LaunchTemplateId=lt["LaunchTemplateId"], Versions=["$Default"])["LaunchTemplateVersions"][0]
            mo = v["LaunchTemplateData"].get("MetadataOptions", {})
            check(name, f"launch template {lt['LaunchTemplateName']} ({region}) HttpTokens=required", mo.get("HttpTokens") == "required", mo)
    rt = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [res["hardened-private-a"]]}])["RouteTables"][0]
    check(name, "private subnet route table has no internet gateway route",
          not any(str(r.get("GatewayId", "")).startswith("igw-") for r in rt["Routes"]), [r.get("GatewayId") for r in rt["Routes"]])
    ep = ec2.describe_vpc_endpoints(VpcEndpointIds=[res["hardened-s3-endpoint"]])["VpcEndpoints"][0]
    check(name, "S3 gateway endpoint on the private route table", rt["RouteTableId"] in ep["RouteTableIds"], ep["RouteTableIds"])
    check(name, "S3 gateway endpoint policy restricted (not full access)", valid_iam_policy(ep["PolicyDocument"])
          and json.loads(ep["PolicyDocument"])["Statement"][0]["Resource"] != "*", ep["PolicyDocument"])

    acm = acct.client("acm")
    for c in acm.list_certificates()["CertificateSummaryList"]:
        d = acm.describe_certificate(CertificateArn=c["CertificateArn"])["Certificate"]
        left = (d["NotAfter"] - datetime.now(timezone.utc)).days if d.get("NotAfter") else None
        check(name, f"certificate {d['DomainName']}: ISSUED, AMAZON_ISSUED, RSA 2048, > 30 days left",
              d["Status"] == "ISSUED" and d["Type"] == "AMAZON_ISSUED" and d["KeyAlgorithm"] in ("RSA-2048", "RSA_2048") and left and left > 30,
              f"{d['Status']} {d['Type']} {d['KeyAlgorithm']} NotAfter={d.get('NotAfter')} ({left} days) RenewalEligibility={d.get('RenewalEligibility')}")
    verify_apis(acct, name, hardened=True)
    verify_boundary_hardened(acct, name, org_json)


def roles_and_trust(acct: Account) -> dict[str, str]:
    iam = acct.client("iam")
    return {r["RoleName"]: json.dumps(r["AssumeRolePolicyDocument"]) for r in iam.list_roles()["Roles"]}


def s3_endpoints(ec2) -> list[dict]:
    return [e for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]
            if e["ServiceName"].endswith(".s3") and e["VpcEndpointType"] == "Gateway"]


def verify_boundary_hardened(acct: Account, name: str, org_json: dict) -> None:
    """The organization-boundary and SRA-chain checks: everything in app-hardened passes."""
    b = Boundary(org_json)
    res = org_json["resources"]
    roles = roles_and_trust(acct)
    check(name, "roles: OrganizationAccountAccessRole, instance role, API Gateway role, vendor audit role",
          set(roles) == {"OrganizationAccountAccessRole", "hardened-app-instance-role", "hardened-apigw-s3-read-role",
                         "hardened-vendor-audit-role"}, sorted(roles))
    for role, doc in sorted(roles.items()):
        t = trust_problems(doc, b)
        check(name, f"role {role}: trust not public, no outside account without sts:ExternalId",
              not t["public"] and not t["external_without_external_id"], doc)

    s3 = acct.client("s3")
    for bk in [x["Name"] for x in s3.list_buckets()["Buckets"]]:
        doc = s3.get_bucket_policy(Bucket=bk)["Policy"]
        who = outside_principals(doc, b)
        check(name, f"bucket {bk}: policy grants nothing outside the organization (even without RestrictPublicBuckets)", not who, who)

    ec2 = acct.client("ec2")
    for region in ("us-east-1", "eu-west-1"):
        e = acct.client("ec2", region)
        for ep in s3_endpoints(e):
            doc = ep["PolicyDocument"]
            check(name, f"S3 endpoint {ep['VpcEndpointId']} ({region}) policy as read back: principals pinned to the org, named buckets only",
                  valid_iam_policy(doc) and not endpoint_problems(doc, b), endpoint_problems(doc, b) or doc)
            buckets = named_buckets(doc)
            check(name, f"S3 endpoint {ep['VpcEndpointId']} names the data bucket", buckets == {f"hardened-data-{acct.id}"}, sorted(buckets))
            for bk in sorted(buckets):
                pol = s3.get_bucket_policy(Bucket=bk)["Policy"]
                deny = [st for st in statements(pol) if st.get("Effect") == "Deny"
                        and (st.get("Condition") or {}).get("StringNotEquals", {}).get("aws:SourceVpce") == ep["VpcEndpointId"]]
                check(name, f"bucket {bk} (named by the endpoint): Deny s3:* on objects unless aws:SourceVpce = the endpoint",
                      bool(deny) and restricted_to_private_path(pol, bk) is not None, restricted_to_private_path(pol, bk))
        paths = subnet_s3_paths(e)
        bad = {k: v for k, v in paths.items() if v[0] not in ("pass", "not_applicable")}
        check(name, f"every private subnet ({region}) reaches S3 through the gateway endpoint (or has no route to S3)", not bad,
              bad or sorted({v[0] for v in paths.values()}))
    rts = ec2.describe_route_tables()["RouteTables"]
    own = next(t for t in rts if any(a.get("SubnetId") == res["hardened-private-a"] for a in t["Associations"]))
    check(name, "route table associations read back (SubnetId on the private table, Main on each VPC's main table)",
          own["RouteTableId"] in s3_endpoints(ec2)[0]["RouteTableIds"]
          and all(any(a.get("Main") for t in rts if t["VpcId"] == v["VpcId"] for a in t["Associations"]) for v in ec2.describe_vpcs()["Vpcs"]),
          [(t["RouteTableId"], [a.get("SubnetId") or ("main" if a.get("Main") else "?") for a in t["Associations"]]) for t in rts])
    check(name, "private subnet pass is decided by the endpoint's RouteTableIds and its prefix-list route",
          paths_for(ec2, res["hardened-private-a"])[0] == "pass"
          and any(r.get("DestinationPrefixListId") and str(r.get("GatewayId", "")).startswith("vpce-") for r in own["Routes"]),
          own["Routes"])
    default_main = [t for t in rts if t["VpcId"] in {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v.get("IsDefault")}]
    check(name, "default VPC main route table has 0.0.0.0/0 -> internet gateway (as on AWS)",
          any(str(r.get("GatewayId", "")).startswith("igw-") for t in default_main for r in t["Routes"]),
          f"LocalStack: {[r.get('DestinationCidrBlock') for t in default_main for r in t['Routes']]}: default subnets count as private with no route to S3 (not applicable)",
          limit=True)

    for domain, (problems, facts) in domain_certificates(acct.client("apigateway"), acct).items():
        check(name, f"domain {domain} -> certificate ISSUED, AMAZON_ISSUED, > 30 days", not problems, problems or facts)


def paths_for(ec2, subnet: str) -> tuple[str, str]:
    return subnet_s3_paths(ec2)[subnet]


def verify_boundary_misconfigured(acct: Account, name: str, org_json: dict) -> None:
    """The plantings for the organization-boundary and SRA-chain checks."""
    b = Boundary(org_json)
    res = org_json["resources"]
    a = acct.id
    roles = roles_and_trust(acct)
    t = trust_problems(roles.get("misconfigured-open-trust-role", "{}"), b)
    check(name, "role misconfigured-open-trust-role: sts:AssumeRole to {AWS: *} without condition (planted)", bool(t["public"]),
          roles.get("misconfigured-open-trust-role"))
    t = trust_problems(roles.get("misconfigured-vendor-role", "{}"), b)
    check(name, f"role misconfigured-vendor-role: trusts {OUTSIDE} without sts:ExternalId (planted)",
          t["external_without_external_id"] == [OUTSIDE] and not t["public"], roles.get("misconfigured-vendor-role"))
    for role in sorted(set(roles) - {"misconfigured-open-trust-role", "misconfigured-vendor-role"}):
        t = trust_problems(roles[role], b)
        check(name, f"role {role}: trust passes", not t["public"] and not t["external_without_external_id"], roles[role])

    s3 = acct.client("s3")
    partner = f"misconfigured-partner-share-{a}"
    f = bucket_facts(s3, partner)
    who = outside_principals(f["policy"], b, restrict_public=bool(f["bpa"] and f["bpa"]["RestrictPublicBuckets"]))
    check(name, f"{partner}: policy grants {OUTSIDE} (planted), not public, otherwise hardened",
          who == [OUTSIDE] and not public_allows(f["policy"]) and tls_denied(f["policy"], partner) and f["versioning"] == "Enabled"
          and f["logging"] and all(f["bpa"].values()), who)
    pd = f"misconfigured-public-data-{a}"
    f = bucket_facts(s3, pd)
    who = outside_principals(f["policy"], b, restrict_public=bool(f["bpa"] and f["bpa"]["RestrictPublicBuckets"]))
    check(name, f"{pd}: wildcard grant, RestrictPublicBuckets off -> outside the organization", who == ["*"], who)

    ec2 = acct.client("ec2")
    ep = ec2.describe_vpc_endpoints(VpcEndpointIds=[res["misconfigured-s3-endpoint"]])["VpcEndpoints"][0]
    problems = endpoint_problems(ep["PolicyDocument"], b)
    check(name, "misconfigured-s3-endpoint (default policy): principals and buckets outside the organization (planted)",
          len(problems) == 2, problems)
    wl = ec2.describe_vpc_endpoints(VpcEndpointIds=[res["misconfigured-workload-s3-endpoint"]])["VpcEndpoints"][0]
    doc = wl["PolicyDocument"]
    workload_data = f"misconfigured-workload-data-{a}"
    check(name, "misconfigured-workload-s3-endpoint: org-pinned, names only the workload data bucket (passes the endpoint checks)",
          not endpoint_problems(doc, b) and named_buckets(doc) == {workload_data}
          and json.loads(doc)["Statement"][0]["Resource"] != "*", doc)
    f = bucket_facts(s3, workload_data)
    check(name, f"{workload_data}: no Deny outside the endpoint, Allow not pinned (planted), otherwise hardened",
          restricted_to_private_path(f["policy"], workload_data) is None and not outside_principals(f["policy"], b)
          and tls_denied(f["policy"], workload_data) and f["versioning"] == "Enabled" and all(f["bpa"].values()), f["policy"])
    restricted = {bk: restricted_to_private_path(s3.get_bucket_policy(Bucket=bk)["Policy"], bk)
                  for e in s3_endpoints(ec2) for bk in named_buckets(e["PolicyDocument"])}
    check(name, "the only bucket named by an endpoint policy is the unrestricted workload bucket",
          restricted == {workload_data: None}, restricted)

    paths = subnet_s3_paths(ec2)
    failing = {k: v for k, v in paths.items() if v[0] == "fail"}
    check(name, "us-east-1: the only failing private subnet is misconfigured-private-nat-b (0.0.0.0/0 -> NAT, no S3 endpoint) (planted)",
          list(failing) == [res["misconfigured-private-nat-b"]] and "nat-" in failing[res["misconfigured-private-nat-b"]][1], failing or paths)
    check(name, "public subnet misconfigured-public-a is public (0.0.0.0/0 -> igw)",
          paths[res["misconfigured-public-a"]][0] == "not_applicable" and "igw-" in paths[res["misconfigured-public-a"]][1],
          paths[res["misconfigured-public-a"]])
    nat = ec2.describe_nat_gateways(NatGatewayIds=[res["misconfigured-nat"]])["NatGateways"][0]
    check(name, "NAT gateway available in the public subnet", nat["State"] == "available" and nat["SubnetId"] == res["misconfigured-public-a"],
          (nat["State"], nat["SubnetId"]))
    check(name, "the other private subnets reach S3 through their endpoints",
          paths[res["misconfigured-private-a"]][0] == "pass" and paths[res["misconfigured-workload-private-a"]][0] == "pass",
          (paths[res["misconfigured-private-a"]], paths[res["misconfigured-workload-private-a"]]))
    eu = subnet_s3_paths(acct.client("ec2", "eu-west-1"))
    check(name, "eu-west-1: no failing subnet", not any(v[0] == "fail" for v in eu.values()), sorted({v[0] for v in eu.values()}))
    inst = ec2.describe_instances()["Reservations"][0]["Instances"][0]
    check(name, "instance has an instance profile (sra-app-private-instance-imdsv2 cannot be planted without one)",
          "IamInstanceProfile" in inst, inst.get("IamInstanceProfile"), limit=True)

    domains = domain_certificates(acct.client("apigateway"), acct)
    problems, facts = domains.get("api.misconfigured.example.com", ([], "missing"))
    check(name, "domain api.misconfigured.example.com -> certificate IMPORTED, < 30 days (planted)",
          "IMPORTED" in problems and any("days left" in p for p in problems), f"{problems} {facts}")


def verify_apis(acct: Account, name: str, hardened: bool) -> None:
    apigw = acct.client("apigateway")
    for api in apigw.get_rest_apis()["items"]:
        open_methods = []
        for r in apigw.get_resources(restApiId=api["id"], embed=["methods"])["items"]:
            for verb, m in (r.get("resourceMethods") or {}).items():
                m = apigw.get_method(restApiId=api["id"], resourceId=r["id"], httpMethod=verb)
                if verb != "OPTIONS" and m["authorizationType"] == "NONE" and not m.get("apiKeyRequired"):
                    open_methods.append(f"{verb} {r['path']}")
        if hardened:
            check(name, f"API {api['id']}: every non-OPTIONS method has an authorizer", not open_methods, open_methods)
        else:
            check(name, f"API {api['id']}: methods with authorizationType NONE (planted)", bool(open_methods), open_methods)
        for st in apigw.get_stages(restApiId=api["id"])["item"]:
            ms = st.get("methodSettings", {}).get("*/*", {})
            facts = {"loggingLevel": ms.get("loggingLevel"), "accessLog": (st.get("accessLogSettings") or {}).get("destinationArn"),
                     "tracing": st.get("tracingEnabled"), "cache": st.get("cacheClusterEnabled"),
                     "cacheDataEncrypted": ms.get("cacheDataEncrypted"), "webAclArn": st.get("webAclArn"),
                     "clientCertificateId": st.get("clientCertificateId")}
            if hardened:
                check(name, f"stage {api['id']}/{st['stageName']}: logging INFO, access log, tracing, encrypted cache",
                      facts["loggingLevel"] == "INFO" and facts["accessLog"] and facts["tracing"] and facts["cache"] and facts["cacheDataEncrypted"] is True, facts)
                check(name, f"stage {api['id']}/{st['stageName']}: WAF web ACL", bool(facts["webAclArn"]), facts["webAclArn"], limit=True)
                check(name, f"stage {api['id']}/{st['stageName']}: client certificate", bool(facts["clientCertificateId"]),
                      f"{facts['clientCertificateId']} (client certificates: {[c['clientCertificateId'] for c in apigw.get_client_certificates()['items']]})", limit=True)
            else:
                check(name, f"stage {api['id']}/{st['stageName']}: no logging/access log/tracing/WAF/client cert, cache unencrypted (planted)",
                      facts["loggingLevel"] in (None, "OFF") and not facts["accessLog"] and not facts["tracing"] and not facts["webAclArn"]
                      and not facts["clientCertificateId"] and facts["cache"] and facts["cacheDataEncrypted"] is False, facts)
    for d in apigw.get_domain_names()["items"]:
        if hardened:
            check(name, f"domain {d['domainName']} TLS_1_2", d.get("securityPolicy") == "TLS_1_2", d.get("securityPolicy"))
        else:
            check(name, f"domain {d['domainName']} TLS_1_0 as requested (LocalStack stores TLS_1_2)",
                  d.get("securityPolicy") == "TLS_1_0", d.get("securityPolicy"), limit=True)


def verify_misconfigured(acct: Account, name: str, org_json: dict) -> None:
    res = org_json["resources"]
    a = acct.id
    kms = acct.client("kms")
    key = res.get("misconfigured-public-key", "")
    try:
        doc = kms.get_key_policy(KeyId=key, PolicyName="default")["Policy"]
        rotation = kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"]
    except ClientError as e:
        doc, rotation = "", f"error: {e}"
    check(name, "KMS key misconfigured-public-key: policy lets Principal * decrypt, rotation off",
          any(st.get("Principal") == "*" and "kms:Decrypt" in as_list(st.get("Action")) and not st.get("Condition")
              for st in statements(doc)) and rotation is False, (key, rotation))
    iam, s3, ec2 = acct.client("iam"), acct.client("s3"), acct.client("ec2")
    users = {u["UserName"] for u in iam.list_users()["Users"]}
    check(name, "three IAM users", users == {"misconfigured-console-nomfa", "misconfigured-two-keys", "misconfigured-console-initial-key"}, sorted(users))
    for u in sorted(users):
        try:
            iam.get_login_profile(UserName=u)
            console = True
        except ClientError:
            console = False
        keys = iam.list_access_keys(UserName=u)["AccessKeyMetadata"]
        used = [iam.get_access_key_last_used(AccessKeyId=k["AccessKeyId"])["AccessKeyLastUsed"].get("LastUsedDate") for k in keys]
        mfa = iam.list_mfa_devices(UserName=u)["MFADevices"]
        check(name, f"user {u}: console={console} mfa={bool(mfa)} active keys={sum(k['Status'] == 'Active' for k in keys)} used={used}",
              not mfa and (console or len(keys) == 2) and not any(used), "")
    error, report = credential_report(iam)
    check(name, "credential report lists every user (LocalStack writes only the last one)",
          {r["user"] for r in report} >= users, [r["user"] for r in report] or error, limit=True)
    root = [r for r in report if r["user"] == "<root_account>"]
    check(name, "credential report <root_account> row, mfa_active=false (hard-coded by LocalStack)",
          bool(root) and root[0]["mfa_active"] == "false", root[0] if root else error)

    pd, up, br, ne = (f"misconfigured-public-data-{a}", f"misconfigured-public-upload-{a}",
                      f"misconfigured-broken-policy-{a}", f"misconfigured-noenc-{a}")
    f = bucket_facts(s3, pd)
    check(name, f"{pd}: BPA off, ObjectWriter, AllUsers ACL, public GetObject, no TLS deny, no versioning/logging",
          f["bpa"] and not any(f["bpa"].values()) and f["ownership"] == "ObjectWriter"
          and any("AllUsers" in g for g in f["acl"]) and public_allows(f["policy"]) and not tls_denied(f["policy"], pd)
          and f["versioning"] is None and not f["logging"], {k: v for k, v in f.items()})
    f = bucket_facts(s3, up)
    check(name, f"{up}: policy grants s3:PutObject to *", bool(public_allows(f["policy"], write_only=True)), f["policy"])
    f = bucket_facts(s3, br)
    check(name, f"{br}: stored policy is not a valid IAM policy", not valid_iam_policy(f["policy"]), f["policy"])
    code = err(s3.put_bucket_policy, Bucket=br, Policy='{"Version": "2012-10-17", "Statement": [')
    check(name, "LocalStack rejects a non-JSON bucket policy", code is not None, code)
    f = bucket_facts(s3, ne)
    check(name, f"{ne}: no default encryption", not f["encryption"], f["encryption"])
    eu = f"misconfigured-eu-{a}"
    s3eu = acct.client("s3", "eu-west-1")
    loc = s3eu.get_bucket_location(Bucket=eu)["LocationConstraint"]
    f = bucket_facts(s3eu, eu)
    check(name, f"{eu}: in eu-west-1, BlockPublicAcls/IgnorePublicAcls off, no versioning",
          loc == "eu-west-1" and f["bpa"] and not f["bpa"]["BlockPublicAcls"] and f["versioning"] is None, (loc, f["bpa"]))

    inst = ec2.describe_instances()["Reservations"][0]["Instances"][0]
    check(name, f"instance {inst['InstanceId']} HttpTokens=optional", inst["MetadataOptions"]["HttpTokens"] == "optional", inst["MetadataOptions"])
    for region in ("us-east-1", "eu-west-1"):
        e = acct.client("ec2", region)
        for lt in e.describe_launch_templates()["LaunchTemplates"]:
            v = e.describe_launch_template_versions(LaunchTemplateId=lt["LaunchTemplateId"], Versions=["$Default"])["LaunchTemplateVersions"][0]
            mo = v["LaunchTemplateData"].get("MetadataOptions", {})
            check(name, f"launch template {lt['LaunchTemplateName']} ({region}) HttpTokens=optional", mo.get("HttpTokens") == "optional", mo)
    ep = ec2.describe_vpc_endpoints(VpcEndpointIds=[res["misconfigured-s3-endpoint"]])["VpcEndpoints"][0]
    doc = json.loads(ep["PolicyDocument"])
    check(name, "us-east-1 S3 gateway endpoint has the default full-access policy",
          doc["Statement"] == [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}], ep["PolicyDocument"])
    ep = acct.client("ec2", "eu-west-1").describe_vpc_endpoints(VpcEndpointIds=[res["misconfigured-eu-s3-endpoint"]])["VpcEndpoints"][0]
    check(name, "eu-west-1 S3 gateway endpoint policy is not JSON", not valid_iam_policy(ep["PolicyDocument"]), ep["PolicyDocument"])

    for region in ("us-east-1", "eu-west-1"):
        acm = acct.client("acm", region)
        for c in acm.list_certificates()["CertificateSummaryList"]:
            d = acm.describe_certificate(CertificateArn=c["CertificateArn"])["Certificate"]
            left = (d["NotAfter"] - datetime.now(timezone.utc)).days
            check(name, f"certificate {d['DomainName']} ({region}): {d['Type']} {d['KeyAlgorithm']} {left} days left",
                  d["Type"] == "IMPORTED" and (d["KeyAlgorithm"] == "RSA-1024" or left < 60), d["Status"])
    verify_apis(acct, name, hardened=False)
    verify_boundary_misconfigured(acct, name, org_json)


# --- The security-services backbone (moto, each account through its own moto-STS session) -----

REGIONS = ["us-east-1", "eu-west-1"]


def verify_backbone(org_json: dict) -> None:
    accounts = org_json["accounts"]
    st, la, mis = accounts["security-tooling"], accounts["log-archive"], accounts["app-misconfigured"]
    res = org_json["resources"]
    everyone = {"management": MGMT, **accounts}
    sessions = {name: Account(aid) for name, aid in everyone.items()}

    for name, acct in sessions.items():
        bad = acct.id == mis
        for region in REGIONS:
            where = f"{region}"
            # GuardDuty
            gd = acct.moto("guardduty", region)
            dets = gd.list_detectors()["DetectorIds"]
            if bad and region == "eu-west-1":
                check(name, f"{where}: no GuardDuty detector (planted guardduty-enabled)", dets == [], dets)
            else:
                d = gd.get_detector(DetectorId=dets[0]) if len(dets) == 1 else {}
                s3 = d.get("DataSources", {}).get("S3Logs", {}).get("Status")
                feat = {f["Name"]: f["Status"] for f in d.get("Features", [])}
                if bad:
                    check(name, f"{where}: GuardDuty detector ENABLED with S3 protection off (planted guardduty-protection-plans)",
                          d.get("Status") == "ENABLED" and s3 == "DISABLED" and feat.get("S3_DATA_EVENTS") == "DISABLED", (s3, feat))
                else:
                    check(name, f"{where}: GuardDuty detector ENABLED, S3 protection and every plan on",
                          d.get("Status") == "ENABLED" and s3 == "ENABLED" and set(feat.values()) == {"ENABLED"}, (s3, feat))
            # Security Hub
            code = err(acct.moto("securityhub", region).describe_hub)
            if bad:
                check(name, f"{where}: Security Hub not subscribed (planted securityhub-enabled)",
                      code is not None and code.startswith("InvalidAccessException"), code)
            else:
                check(name, f"{where}: Security Hub enabled (DescribeHub)", code is None, code)
            # Config
            cfg = acct.moto("config", region)
            rec = cfg.describe_configuration_recorders()["ConfigurationRecorders"]
            status = cfg.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]
            chan = cfg.describe_delivery_channels()["DeliveryChannels"]
            group = rec[0]["recordingGroup"] if rec else {}
            recording = bool(status) and status[0].get("recording") is True
            bucket = chan[0]["s3BucketName"] if chan else None
            if bad and region == "us-east-1":
                check(name, f"{where}: Config recorder stopped, delivering to app-misconfigured's own bucket (planted)",
                      rec and not recording and bucket == f"misconfigured-config-{mis}", (status, bucket))
            elif bad:
                check(name, f"{where}: Config recorder recording two resource types only (planted config-recorder-all-resources)",
                      recording and group.get("allSupported") is False and len(group.get("resourceTypes", [])) == 2, group)
            else:
                check(name, f"{where}: Config recorder recording all resources (global types in us-east-1) into log-archive",
                      recording and group.get("allSupported") is True
                      and group.get("includeGlobalResourceTypes") is (region == "us-east-1")
                      and bucket == f"log-archive-config-{la}", (status, group, bucket))
            # Inspector
            st_ = acct.moto("inspector2", region).batch_get_account_status(accountIds=[acct.id])["accounts"]
            rs = {k: v["status"] for k, v in (st_[0]["resourceState"] if st_ else {}).items()}
            want = {"ec2": "ENABLED", "ecr": "ENABLED", "lambda": "ENABLED"}
            if bad and region == "us-east-1":
                check(name, f"{where}: Inspector EC2 only (planted inspector-enabled)",
                      rs.get("ec2") == "ENABLED" and rs.get("ecr") == "DISABLED" and rs.get("lambda") == "DISABLED", rs)
            elif bad:
                check(name, f"{where}: Inspector DISABLED (planted inspector-enabled)",
                      st_ and st_[0]["state"]["status"] == "DISABLED", st_)
            else:
                check(name, f"{where}: Inspector enabled for EC2, ECR and Lambda",
                      st_ and st_[0]["state"]["status"] == "ENABLED" and all(rs.get(k) == v for k, v in want.items()), rs)
            # Macie
            try:
                ms = acct.moto("macie2", region).get_macie_session()["status"]
            except ClientError as e:
                ms = e.response["Error"]["Code"]
            want_ms = "PAUSED" if bad and region == "eu-west-1" else "ENABLED"
            check(name, f"{where}: Macie {want_ms}" + (" (planted macie-enabled)" if want_ms == "PAUSED" else ""), ms == want_ms, ms)
            # EBS encryption by default (LocalStack EC2)
            ebs = acct.client("ec2", region).get_ebs_encryption_by_default()["EbsEncryptionByDefault"]
            check(name, f"{where}: EBS encryption by default {'off (planted)' if bad else 'on'}", ebs is (not bad), ebs)
        # Alternate contact (moto's Account API)
        code = err(acct.moto("account").get_alternate_contact, AlternateContactType="SECURITY")
        if bad:
            check(name, "no SECURITY alternate contact (planted account-security-contact)",
                  code is not None and code.startswith("ResourceNotFoundException"), code)
        else:
            check(name, "SECURITY alternate contact set", code is None, code)

    mgmt = sessions["management"]
    for region in REGIONS:
        admins = [a["AdminAccountId"] for a in mgmt.moto("guardduty", region).list_organization_admin_accounts()["AdminAccounts"]]
        check("org", f"{region}: GuardDuty organization admin is security-tooling", admins == [st], admins)
        admins = [a["accountId"] for a in mgmt.moto("macie2", region).list_organization_admin_accounts()["adminAccounts"]]
        check("org", f"{region}: Macie organization admin is security-tooling", admins == [st], admins)
        admins = [a["accountId"] for a in mgmt.moto("inspector2", region).list_delegated_admin_accounts()["delegatedAdminAccounts"]]
        check("org", f"{region}: Inspector delegated admin is security-tooling", admins == [st], admins)
        code = err(mgmt.moto("securityhub", region).list_organization_admin_accounts)
        check("org", f"{region}: Security Hub ListOrganizationAdminAccounts (moto: 404; EnableOrganizationAdminAccount was accepted)",
              code is None, code, limit=True)
        hub = sessions["security-tooling"].moto("securityhub", region)
        conf = hub.describe_organization_configuration()
        members = {m["AccountId"] for m in hub.list_members(OnlyAssociated=False)["Members"]}
        others = {a for a in everyone.values() if a not in (st, mis)}
        check("org", f"{region}: Security Hub auto-enable on; members all accounts but app-misconfigured (planted)",
              conf.get("AutoEnable") is True and members == others, (conf.get("AutoEnable"), sorted(members)))
        insp = sessions["security-tooling"].moto("inspector2", region)
        auto = insp.describe_organization_configuration()["autoEnable"]
        members = {m["accountId"] for m in insp.list_members()["members"]}
        check("org", f"{region}: Inspector auto-enable EC2/ECR/Lambda, every account a member",
              auto.get("ec2") and auto.get("ecr") and auto.get("lambda") and members == set(everyone.values()) - {st},
              (auto, len(members)))
        gd_st = sessions["security-tooling"].moto("guardduty", region)
        det = gd_st.list_detectors()["DetectorIds"][0]
        code = err(gd_st.describe_organization_configuration, DetectorId=det)
        check("org", f"{region}: GuardDuty DescribeOrganizationConfiguration (moto: 404)", code is None, code, limit=True)
        code = err(gd_st.list_members, DetectorId=det)
        check("org", f"{region}: GuardDuty ListMembers (moto: 404)", code is None, code, limit=True)
        code = err(sessions["security-tooling"].moto("macie2", region).describe_organization_configuration)
        check("org", f"{region}: Macie DescribeOrganizationConfiguration (moto: 404)", code is None, code, limit=True)
        code = err(hub.get_enabled_standards)
        check("org", f"{region}: Security Hub GetEnabledStandards (moto: 404)", code is None, code, limit=True)
        code = err(sessions["security-tooling"].moto("config", region).describe_delivery_channel_status)
        check("org", f"{region}: Config DescribeDeliveryChannelStatus (moto: 500)", code is None, code, limit=True)
        for svc, call in (("accessanalyzer", "list_analyzers"), ("detective", "list_graphs")):
            code = err(getattr(sessions["security-tooling"].client(svc, region), call))
            check("org", f"{region}: {svc} exists in neither emulator (LocalStack 501: not assessed)",
                  code is None, code, limit=True)
    aggs = sessions["security-tooling"].moto("config").describe_configuration_aggregators()["ConfigurationAggregators"]
    src = aggs[0].get("OrganizationAggregationSource", {}) if aggs else {}
    check("org", "Config organization aggregator over all Regions in security-tooling", src.get("AllAwsRegions") is True, src)

    # CloudTrail: the organization trail (management) and app-misconfigured's own trails.
    trails = {t["Name"]: t for t in mgmt.moto("cloudtrail").describe_trails()["trailList"]}
    t = trails.get("org-trail", {})
    logging = mgmt.moto("cloudtrail").get_trail_status(Name="org-trail").get("IsLogging") if t else None
    check("org", "organization trail: multi-Region, global events, validation, KMS key of log-archive, log-archive bucket, logging",
          t.get("IsOrganizationTrail") and t.get("IsMultiRegionTrail") and t.get("IncludeGlobalServiceEvents")
          and t.get("LogFileValidationEnabled") and t.get("KmsKeyId") == res["org-trail-kms-key"]
          and t.get("S3BucketName") == f"log-archive-org-trail-{la}" and t.get("CloudWatchLogsLogGroupArn") and logging,
          {k: t.get(k) for k in ("TrailARN", "KmsKeyId", "S3BucketName")})
    lacct = sessions["log-archive"]
    key = lacct.client("kms").describe_key(KeyId=res["org-trail-kms-key"])["KeyMetadata"]
    rot = lacct.client("kms").get_key_rotation_status(KeyId=res["org-trail-kms-key"])["KeyRotationEnabled"]
    check("log-archive", "organization trail KMS key (LocalStack): enabled, rotation on", key["Enabled"] and rot, key["Arn"])
    ls_buckets = {b["Name"] for b in lacct.client("s3").list_buckets()["Buckets"]}
    moto_buckets = {b["Name"] for b in lacct.moto("s3").list_buckets()["Buckets"]}
    check("log-archive", "organization trail bucket in LocalStack (posture reads it) and in moto's S3 (CreateTrail needs it)",
          f"log-archive-org-trail-{la}" in ls_buckets and f"log-archive-org-trail-{la}" in moto_buckets, "")
    check("log-archive", "Config delivery bucket in LocalStack", f"log-archive-config-{la}" in ls_buckets, "")
    listed = sessions["app-hardened"].moto("cloudtrail").describe_trails()["trailList"]
    check("app-hardened", "DescribeTrails lists the organization trail (moto lists it only in the management account)",
          any(x.get("IsOrganizationTrail") for x in listed), [x["Name"] for x in listed], limit=True)
    m = sessions["app-misconfigured"]
    local = {x["Name"]: x for x in m.moto("cloudtrail").describe_trails()["trailList"]}.get("misconfigured-local-trail", {})
    st_local = m.moto("cloudtrail").get_trail_status(Name="misconfigured-local-trail").get("IsLogging") if local else None
    check("app-misconfigured", "us-east-1 trail: single-Region, no validation, no KMS, no CloudWatch Logs, no global events, logging (planted)",
          local and not local.get("IsMultiRegionTrail") and not local.get("LogFileValidationEnabled")
          and not local.get("KmsKeyId") and not local.get("CloudWatchLogsLogGroupArn")
          and local.get("IncludeGlobalServiceEvents") is False and st_local is True, local)
    eu = m.moto("cloudtrail", "eu-west-1")
    stopped = {x["Name"] for x in eu.describe_trails()["trailList"]}
    st_stopped = eu.get_trail_status(Name="misconfigured-stopped-trail").get("IsLogging") if "misconfigured-stopped-trail" in stopped else None
    check("app-misconfigured", "eu-west-1 trail misconfigured-stopped-trail never started (planted cloudtrail-logging)",
          st_stopped is False, stopped)


def main() -> int:
    org_json = json.loads((STATE / "org.json").read_text())
    accounts = org_json["accounts"]
    verify_org(org_json)
    for name in ("security-tooling", "log-archive", "network", "app-hardened", "app-misconfigured"):
        acct = Account(accounts[name])
        verify_sts(acct, name)
        verify_common(acct, name, hardened=name != "app-misconfigured")
    verify_hardened(Account(accounts["app-hardened"]), "app-hardened", org_json)
    verify_misconfigured(Account(accounts["app-misconfigured"]), "app-misconfigured", org_json)
    verify_backbone(org_json)
    mgmt = Account(MGMT)
    check("management", "runs no instances and no REST APIs",
          not mgmt.client("ec2").describe_instances()["Reservations"] and not mgmt.client("apigateway").get_rest_apis()["items"], "")

    width = max(len(r[2]) for r in rows)
    for status, account, what, detail in rows:
        print(f"{status:<5} {account:<17} {what:<{width}}  {detail}"[:400])
    bad = [r for r in rows if r[0] == "FAIL"]
    print(f"verify: {len(rows) - len(bad)} as intended ({sum(r[0] == 'LIMIT' for r in rows)} emulator limitations), {len(bad)} unexpected")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
