#!/usr/bin/env python3
"""Seeds an emulated AWS Organization of N member accounts for the posture benchmark.

Run with the moto venv's python against EMPTY emulators (benches/emulators.sh start):

    localstack/.venv-moto/bin/python benches/seed_org.py --accounts 10 \
        --regions us-east-1,eu-west-1 --localstack http://127.0.0.1:4610 --moto http://127.0.0.1:5010 \
        --out /tmp/posture-bench/org.json

moto serves Organizations: CreateOrganization, a Workloads OU, CreateAccount N times, each
account moved under Workloads. LocalStack serves everything else; the seed acts as each account
with the access key id = its 12-digit account id (LocalStack selects the account from it), as
localstack/seed.py does. Every member account gets the same realistic small-workload footprint:
the global part once (GLOBAL_PER_ACCOUNT below: IAM, and 10 S3 buckets spread round-robin over
the --regions with a LocationConstraint) and the regional part in EVERY region of --regions
(PER_REGION: VPC, subnets, route table, S3 gateway endpoint, instances, launch templates, ACM
certificates, a REST API). The management account gets only a password policy, account-level
Block Public Access and one break-glass IAM user.

Work is seeded in parallel by a bounded pool of threads (--workers, default 4), one unit per
(account, global part) and per (account, region): LocalStack, not the client, is the bottleneck on
a 2-core machine. Prints what was created (per region and in total) and how long it took, and
writes --out (account ids, regions, counts) for run.sh.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

for _var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
             "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ORGANIZATIONS"):
    os.environ.pop(_var, None)
os.environ.update(AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
                  AWS_EC2_METADATA_DISABLED="true")

MANAGEMENT = "123456789012"
OUTSIDE = "333333333333"
QUOTA_ACCOUNT = "444455556666"  # the API Gateway quota benchmark's account (benches/README.md)  # a partner account outside the organization (cross-account bucket grants)
CLIENT_CONFIG = Config(retries={"total_max_attempts": 3, "mode": "standard"},
                       connect_timeout=5, read_timeout=60, max_pool_connections=4)

# What every member account gets once (the names of the counters printed at the end).
GLOBAL_PER_ACCOUNT = {
    "iam_roles": 1,            # OrganizationAccountAccessRole (AdministratorAccess, trusts the management account)
    "iam_users": 5,            # 2 with console passwords, 2 with an access key
    "iam_access_keys": 2,
    "buckets": 10,             # each with a bucket policy (7 TLS-only, 2 partner read, 1 public read);
    "bucket_policies": 10,     # bucket i is created in region i mod len(--regions)
}
# What every member account gets in EACH region of --regions.
PER_REGION = {
    "vpcs": 1,                 # plus LocalStack's default VPC
    "subnets": 2,              # plus the default VPC's subnets
    "route_tables": 1,         # plus the VPCs' main route tables
    "vpc_endpoints": 1,        # S3 gateway endpoint on the private route table
    "instances": 5,            # 3 IMDSv2-only, 2 IMDSv1-allowed
    "launch_templates": 2,     # 1 IMDSv2-only, 1 not
    "acm_certificates": 2,     # RequestCertificate (AMAZON_ISSUED)
    "rest_apis": 1,            # 3 resources, 3 methods (1 open, 2 IAM), a deployment and a stage
    "rest_api_resources": 3,
    "rest_api_methods": 3,
    "rest_api_stages": 1,
}
MAX_REGIONS = 32
REGION_RE = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")


def bucket_regions(regions: list[str]) -> list[str]:
    """The region of each member-account bucket: round-robin over the seeded regions."""
    return [regions[i % len(regions)] for i in range(GLOBAL_PER_ACCOUNT["buckets"])]


class Seeder:
    def __init__(self, localstack: str, moto: str, regions: list[str]):
        self.localstack, self.moto, self.regions = localstack, moto, regions
        self.region = regions[0]  # Organizations, IAM, S3 Control and ListBuckets are global
        self.local = threading.local()
        self.lock = threading.Lock()
        self.calls = 0
        self.ami: dict[str, str] = {}  # region -> image id

    # --- clients ---------------------------------------------------------------------------
    def _count(self, **_kw) -> None:
        with self.lock:
            self.calls += 1

    @staticmethod
    def _strip_account_prefix(request, **_kw) -> None:
        # S3 Control endpoints are {AccountId}.<endpoint host>, which does not resolve for
        # 127.0.0.1; LocalStack accepts the request on the plain host (x-amz-account-id header).
        request.url = re.sub(r"^(https?://)\d{12}\.", r"\1", request.url)

    def client(self, service: str, account: str, endpoint: str | None = None, region: str | None = None):
        """A client acting as `account` in `region` (default: the first region). One boto3 Session
        per thread (sessions are not thread-safe; clients are), so the service models are loaded
        once per thread."""
        if not hasattr(self.local, "session"):
            self.local.session = boto3.session.Session()
        c = self.local.session.client(service, endpoint_url=endpoint or self.localstack, region_name=region or self.region,
                                      aws_access_key_id=account, aws_secret_access_key="test",
                                      config=CLIENT_CONFIG)
        c.meta.events.register("before-call", self._count)
        if service == "s3control":
            c.meta.events.register("before-sign.s3-control.*", self._strip_account_prefix)
        return c

    # --- organization (moto) ------------------------------------------------------------------
    def organization(self, n: int, workers: int) -> dict:
        org = self.client("organizations", MANAGEMENT, self.moto)
        try:
            org.describe_organization()
            raise SystemExit("seed_org: moto already has an organization; start the emulators afresh "
                             "(benches/emulators.sh start)")
        except ClientError as e:
            if e.response["Error"]["Code"] != "AWSOrganizationsNotInUseException":
                raise
        o = org.create_organization(FeatureSet="ALL")["Organization"]
        if o["MasterAccountId"] != MANAGEMENT:
            raise SystemExit(f"seed_org: moto made {o['MasterAccountId']} the management account")
        root = org.list_roots()["Roots"][0]["Id"]
        ou = org.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]

        def create(i: int) -> str:
            c = self.client("organizations", MANAGEMENT, self.moto)
            name = f"workload-{i:04d}"
            st = c.create_account(Email=f"aws+{name}@example.com", AccountName=name)["CreateAccountStatus"]
            for _ in range(50):  # moto answers SUCCEEDED at once; bounded anyway
                if st["State"] != "IN_PROGRESS":
                    break
                time.sleep(0.1)
                st = c.describe_create_account_status(CreateAccountRequestId=st["Id"])["CreateAccountStatus"]
            if st["State"] != "SUCCEEDED":
                raise SystemExit(f"seed_org: CreateAccount {name} ended in {st}")
            acct = st["AccountId"]
            if acct in (MANAGEMENT, OUTSIDE):
                raise SystemExit(f"seed_org: moto gave {name} the reserved id {acct}")
            c.move_account(AccountId=acct, SourceParentId=root, DestinationParentId=ou)
            return acct

        with ThreadPoolExecutor(max_workers=workers) as pool:
            accounts = list(pool.map(create, range(1, n + 1)))
        if len(set(accounts)) != n:
            raise SystemExit("seed_org: moto returned duplicate account ids")
        return {"organization_id": o["Id"], "root_id": root, "workloads_ou": ou, "accounts": accounts}

    # --- one member account (LocalStack) --------------------------------------------------------
    def account_baseline(self, account: str) -> None:
        self.client("iam", account).update_account_password_policy(
            MinimumPasswordLength=14, RequireSymbols=True, RequireNumbers=True,
            RequireUppercaseCharacters=True, RequireLowercaseCharacters=True,
            AllowUsersToChangePassword=True, MaxPasswordAge=90, PasswordReusePrevention=24)
        self.client("s3control", account).put_public_access_block(AccountId=account, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})

    def member_global(self, account: str) -> None:
        """IAM and the account's 10 buckets (spread over the regions): once per account."""
        iam = self.client("iam", account)
        iam.create_role(RoleName="OrganizationAccountAccessRole", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{MANAGEMENT}:root"},
                                                    "Action": "sts:AssumeRole"}]}))
        iam.attach_role_policy(RoleName="OrganizationAccountAccessRole",
                               PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        self.account_baseline(account)
        for i in range(GLOBAL_PER_ACCOUNT["iam_users"]):
            user = f"user-{i}"
            iam.create_user(UserName=user)
            if i < 2:
                iam.create_login_profile(UserName=user, Password="Correct-Horse-Battery-9", PasswordResetRequired=False)
            if i >= 3:
                iam.create_access_key(UserName=user)

        s3_by_region: dict[str, object] = {}
        for i, region in enumerate(bucket_regions(self.regions)):
            if region not in s3_by_region:
                s3_by_region[region] = self.client("s3", account, region=region)
            s3 = s3_by_region[region]
            name = f"bench-{account}-{i:02d}"
            if region == "us-east-1":
                s3.create_bucket(Bucket=name)
            else:
                s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
            arns = [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"]
            statements = [{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                           "Resource": arns, "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
            if i in (7, 8):
                statements.append({"Sid": "PartnerRead", "Effect": "Allow",
                                   "Principal": {"AWS": f"arn:aws:iam::{OUTSIDE}:root"},
                                   "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": arns})
            if i == 9:  # a public website bucket: its own BPA off, but the account-level BPA is on
                s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
                    "BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
                    "RestrictPublicBuckets": False})
                statements = [{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                               "Resource": f"arn:aws:s3:::{name}/*"}]
            s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": statements}))

    def member_region(self, account: str, r: str) -> None:
        """The regional workload (PER_REGION) of one account in region r."""
        ec2 = self.client("ec2", account, region=r)
        vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{k}.0/24", AvailabilityZone=f"{r}{az}")["Subnet"]["SubnetId"]
                   for k, az in ((1, "a"), (2, "b"))]
        rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        for s in subnets:
            ec2.associate_route_table(RouteTableId=rt, SubnetId=s)
        ec2.create_vpc_endpoint(VpcId=vpc, VpcEndpointType="Gateway", ServiceName=f"com.amazonaws.{r}.s3",
                                RouteTableIds=[rt])
        for count, tokens in ((3, "required"), (2, "optional")):
            ec2.run_instances(ImageId=self.ami[r], InstanceType="t3.micro", MinCount=count, MaxCount=count,
                              SubnetId=subnets[0],
                              MetadataOptions={"HttpTokens": tokens, "HttpEndpoint": "enabled", "HttpPutResponseHopLimit": 1})
        for name, tokens in (("app-imdsv2", "required"), ("legacy-imdsv1", "optional")):
            ec2.create_launch_template(LaunchTemplateName=name, LaunchTemplateData={
                "ImageId": self.ami[r], "InstanceType": "t3.micro",
                "MetadataOptions": {"HttpTokens": tokens, "HttpEndpoint": "enabled", "HttpPutResponseHopLimit": 1}})

        acm = self.client("acm", account, region=r)
        for host in ("api", "www"):
            acm.request_certificate(DomainName=f"{host}.a{account}.example.com", ValidationMethod="DNS")

        apigw = self.client("apigateway", account, region=r)
        api = apigw.create_rest_api(name="orders-api", description="benchmark REST API",
                                    endpointConfiguration={"types": ["REGIONAL"]})["id"]
        root = next(x["id"] for x in apigw.get_resources(restApiId=api)["items"] if x["path"] == "/")
        orders = apigw.create_resource(restApiId=api, parentId=root, pathPart="orders")["id"]
        order = apigw.create_resource(restApiId=api, parentId=orders, pathPart="{orderId}")["id"]
        health = apigw.create_resource(restApiId=api, parentId=root, pathPart="health")["id"]
        for res, verb, auth in ((orders, "GET", "AWS_IAM"), (order, "DELETE", "AWS_IAM"), (health, "GET", "NONE")):
            apigw.put_method(restApiId=api, resourceId=res, httpMethod=verb, authorizationType=auth)
            apigw.put_integration(restApiId=api, resourceId=res, httpMethod=verb, type="MOCK",
                                  requestTemplates={"application/json": '{"statusCode": 200}'})
        dep = apigw.create_deployment(restApiId=api, description="initial")["id"]
        apigw.create_stage(restApiId=api, stageName="prod", deploymentId=dep)


    def quota_account(self, account: str, r: str, apis: int, per_api: int) -> int:
        """The API Gateway quota benchmark's account (outside the organization, scanned on its
        own): `apis` REST APIs of `per_api` resources each (the root "/" and per_api - 1 more),
        no methods, stages or authorizers; one IAM user (without any, LocalStack answers
        GenerateCredentialReport with HTTP 500 and a scanner's retries would dominate the wall
        time). Returns the resources created, roots included."""
        self.client("iam", account).create_user(UserName="quota-bench")
        apigw = self.client("apigateway", account, region=r)
        total = 0
        for i in range(apis):
            api = apigw.create_rest_api(name=f"quota-api-{i:03d}", endpointConfiguration={"types": ["REGIONAL"]})["id"]
            root = next(x["id"] for x in apigw.get_resources(restApiId=api)["items"] if x["path"] == "/")
            for j in range(per_api - 1):
                apigw.create_resource(restApiId=api, parentId=root, pathPart=f"r{j:03d}")
            total += per_api
        return total


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--accounts", type=int, default=10, help="member accounts to create (default 10)")
    p.add_argument("--localstack", default="http://127.0.0.1:4610")
    p.add_argument("--moto", default="http://127.0.0.1:5010")
    p.add_argument("--regions", "--region", dest="regions", default="us-east-1",
                   help="comma-separated regions; the regional workload is seeded in every one (default us-east-1)")
    p.add_argument("--workers", type=int, default=4, help="accounts seeded at once (default 4, max 16)")
    p.add_argument("--out", type=Path, help="write account ids and counts here (JSON)")
    p.add_argument("--quota-account", default=QUOTA_ACCOUNT,
                   help=f"account of the API Gateway quota benchmark, outside the organization (default {QUOTA_ACCOUNT})")
    p.add_argument("--quota-apis", type=int, default=0,
                   help="REST APIs in that account, in the first region (default 0: no quota account)")
    p.add_argument("--quota-resources", type=int, default=10,
                   help="resources per REST API there, its root included (default 10)")
    a = p.parse_args()
    if not 1 <= a.accounts <= 1000:
        p.error("--accounts must be 1..1000")
    a.workers = max(1, min(a.workers, 16))
    regions = list(dict.fromkeys(r.strip() for r in a.regions.split(",") if r.strip()))
    bad = [r for r in regions if not REGION_RE.match(r)]
    if not regions or bad:
        p.error(f"--regions: not a region name: {', '.join(bad) or repr(a.regions)}")
    if len(regions) > MAX_REGIONS:
        p.error(f"--regions: at most {MAX_REGIONS} regions")
    for url in (a.localstack + "/_localstack/health", a.moto + "/moto-api/"):
        try:
            urllib.request.urlopen(url, timeout=3).read()
        except OSError as e:
            print(f"seed_org: {url} does not answer ({e}); run benches/emulators.sh start first", file=sys.stderr)
            return 1

    s = Seeder(a.localstack, a.moto, regions)
    started = time.monotonic()
    org = s.organization(a.accounts, a.workers)
    t_org = time.monotonic() - started

    # benches/emulators.sh starts LocalStack with MOTO_EC2_LOAD_DEFAULT_AMIS=false: moto's default
    # AMI catalogue comes with ~1,200 backing snapshots that DescribeSnapshots(OwnerIds=self)
    # returns in EVERY account (moto ignores OwnerIds), which no real account has and which a
    # scanner that inspects snapshots (Prowler does, whatever checks are selected) would then
    # visit one by one. Without the catalogue, RunInstances accepts any well-formed image id
    # (moto validates AMIs only with MOTO_ENABLE_AMI_VALIDATION).
    snapshots = 0
    for region in regions:
        ec2 = s.client("ec2", MANAGEMENT, region=region)
        images = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": ["amzn*hvm*x86_64*"]}])["Images"]
        s.ami[region] = sorted(images, key=lambda i: i["ImageId"])[0]["ImageId"] if images else "ami-0be0c4f1e5a7b9d21"
        snapshots = max(snapshots, len(ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]))
    s.account_baseline(MANAGEMENT)
    # One break-glass user in the management account. Without any IAM user, LocalStack answers
    # GenerateCredentialReport with HTTP 500 (InternalError) in that account, and a scanner's
    # retries with backoff would dominate the measured wall time (see benches/README.md).
    mgmt_iam = s.client("iam", MANAGEMENT)
    mgmt_iam.create_user(UserName="break-glass")
    mgmt_iam.create_login_profile(UserName="break-glass", Password="Correct-Horse-Battery-9", PasswordResetRequired=False)

    # One unit of work per (account, global part) and per (account, region), all in one bounded
    # pool: the units are independent of each other.
    units = [(acct, None) for acct in org["accounts"]] + [(acct, r) for acct in org["accounts"] for r in regions]
    step = max(25, len(units) // 10)  # progress lines for large runs only
    done = 0
    with ThreadPoolExecutor(max_workers=a.workers) as pool:
        futures = {(pool.submit(s.member_global, acct) if r is None else pool.submit(s.member_region, acct, r)): (acct, r)
                   for acct, r in units}
        for f in as_completed(futures):
            try:
                f.result()
            except (ClientError, BotoCoreError) as e:
                for other in futures:
                    other.cancel()
                acct, r = futures[f]
                raise SystemExit(f"seed_org: account {acct} ({r or 'global part'}) failed: {e}")
            done += 1
            if done % step == 0 and done < len(units):
                print(f"seed_org: {done}/{len(units)} units seeded (account x global part / region; "
                      f"{time.monotonic() - started:.0f}s)", flush=True)
    quota = None
    if a.quota_apis > 0:
        if not re.fullmatch(r"\d{12}", a.quota_account) or a.quota_account in org["accounts"] + [MANAGEMENT, OUTSIDE]:
            p.error("--quota-account: a 12-digit account id outside the organization")
        if not 1 <= a.quota_resources <= 300 or a.quota_apis > 600:
            p.error("--quota-resources 1..300 (AWS's maximum per API), --quota-apis 0..600")
        t0 = time.monotonic()
        made = s.quota_account(a.quota_account, regions[0], a.quota_apis, a.quota_resources)
        quota = {"account": a.quota_account, "region": regions[0], "rest_apis": a.quota_apis,
                 "resources_per_api": a.quota_resources, "resources": made}
        print(f"seed_org: quota account {a.quota_account}: {a.quota_apis} REST APIs x {a.quota_resources} resources "
              f"= {made} API Gateway resources in {regions[0]} ({time.monotonic() - t0:.1f}s)", flush=True)
    elapsed = time.monotonic() - started

    n, nr = a.accounts, len(regions)
    layout = bucket_regions(regions)
    per_account = {**GLOBAL_PER_ACCOUNT, **{k: v * nr for k, v in PER_REGION.items()}}
    per_region = {}  # region -> totals over all member accounts in that region (buckets by location)
    for r in regions:
        in_r = layout.count(r)
        per_region[r] = {"buckets": in_r * n, "bucket_policies": in_r * n, **{k: v * n for k, v in PER_REGION.items()}}
    totals = {k: v * n for k, v in per_account.items()}
    print(f"seed_org: organization {org['organization_id']}: {n} member accounts in OU Workloads "
          f"+ management {MANAGEMENT}; {nr} region(s) {','.join(regions)}; {s.calls} API calls in {elapsed:.1f}s "
          f"(organization {t_org:.1f}s, {s.calls / elapsed:.0f} calls/s, {a.workers} workers)")
    if snapshots:
        print(f"seed_org: note: the emulator lists {snapshots} EBS snapshots in every account (moto's default AMI "
              "catalogue; start LocalStack with MOTO_EC2_LOAD_DEFAULT_AMIS=false as benches/emulators.sh does)")
    print("seed_org: per member account, global: " + ", ".join(f"{v} {k}" for k, v in GLOBAL_PER_ACCOUNT.items())
          + (f" (buckets round-robin over the {nr} regions)" if nr > 1 else ""))
    print("seed_org: per member account and region: " + ", ".join(f"{v} {k}" for k, v in PER_REGION.items()))
    for r, counts in per_region.items():
        print(f"seed_org: region {r}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    print("seed_org: total: " + ", ".join(f"{v} {k}" for k, v in totals.items()))
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(json.dumps({
            "management_account_id": MANAGEMENT, "region": regions[0], "regions": regions, **org,
            "per_account": per_account, "global_per_account": GLOBAL_PER_ACCOUNT, "per_region_per_account": PER_REGION,
            "bucket_regions": layout, "per_region": per_region, "totals": totals,
            "emulator_snapshots_per_account": snapshots, "seed_calls": s.calls, "quota_account": quota,
            "seed_seconds": round(elapsed, 2)}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (ClientError, BotoCoreError) as e:
        print(f"seed_org: FAILED: {e}", file=sys.stderr)
        sys.exit(1)
