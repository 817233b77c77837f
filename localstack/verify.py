#!/usr/bin/env python3
"""Reads the seeded organization back from the emulators, the way the scanner will, and checks
that every hardened setting and every planted misconfiguration is what seed.py meant.

    localstack/.venv-moto/bin/python localstack/verify.py      # after start.sh and seed.py

Member accounts are reached as the scanner reaches them: sts:AssumeRole of
OrganizationAccountAccessRole with the management credentials, against LocalStack STS.
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

LOCALSTACK = "http://127.0.0.1:4566"
MOTO = "http://127.0.0.1:5000"
MGMT = "123456789012"
STATE = Path(__file__).resolve().parent / ".state"

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
    """Clients for one member account, with AssumeRole credentials from LocalStack STS."""

    def __init__(self, account_id: str):
        self.id = account_id
        sts = boto3.client("sts", endpoint_url=LOCALSTACK, region_name="us-east-1",
                           aws_access_key_id=MGMT, aws_secret_access_key="test")
        if account_id == MGMT:
            self.creds = {"aws_access_key_id": MGMT, "aws_secret_access_key": "test"}
        else:
            c = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
                                RoleSessionName="posture-verify")["Credentials"]
            self.creds = {"aws_access_key_id": c["AccessKeyId"], "aws_secret_access_key": c["SecretAccessKey"],
                          "aws_session_token": c["SessionToken"]}

    def client(self, service: str, region: str = "us-east-1"):
        c = boto3.client(service, endpoint_url=LOCALSTACK, region_name=region, **self.creds)
        if service == "s3control":
            c.meta.events.register("before-sign.s3-control.*", _strip_account_prefix)
        return c


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
    admins = org.list_delegated_administrators()["DelegatedAdministrators"]
    st = org_json["accounts"]["security-tooling"]
    services = [s["ServicePrincipal"] for s in org.list_delegated_services_for_account(AccountId=st)["DelegatedServices"]]
    check("org", "security-tooling is delegated admin for security services",
          [a["Id"] for a in admins] == [st] and "guardduty.amazonaws.com" in services, services)
    check("org", "Security Hub delegated admin (moto refuses the principal)",
          "securityhub.amazonaws.com" in services, services, limit=True)


def verify_sts(acct: Account, name: str) -> None:
    ident = acct.client("sts").get_caller_identity()
    check(name, "AssumeRole OrganizationAccountAccessRole -> GetCallerIdentity", ident["Account"] == acct.id, ident["Arn"])


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
