#!/usr/bin/env python3
"""Seeds an emulated AWS Organization of N member accounts for the posture benchmark.

Run with the moto venv's python against EMPTY emulators (benches/emulators.sh start):

    localstack/.venv-moto/bin/python benches/seed_org.py --accounts 10 \
        --localstack http://127.0.0.1:4610 --moto http://127.0.0.1:5010 --out /tmp/posture-bench/org.json

moto serves Organizations: CreateOrganization, a Workloads OU, CreateAccount N times, each
account moved under Workloads. LocalStack serves everything else; the seed acts as each account
with the access key id = its 12-digit account id (LocalStack selects the account from it), as
localstack/seed.py does. Every member account gets the same realistic small-workload footprint
in one region (PER_ACCOUNT below); the management account gets only a password policy,
account-level Block Public Access and one break-glass IAM user.

Accounts are seeded in parallel by a bounded pool of threads (--workers, default 4): LocalStack,
not the client, is the bottleneck on a 2-core machine. Prints what was created and how long it
took, and writes --out (account ids, counts) for run.sh.
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
OUTSIDE = "333333333333"  # a partner account outside the organization (cross-account bucket grants)
CLIENT_CONFIG = Config(retries={"total_max_attempts": 3, "mode": "standard"},
                       connect_timeout=5, read_timeout=60, max_pool_connections=4)

# What every member account gets (the names of the counters printed at the end).
PER_ACCOUNT = {
    "iam_roles": 1,            # OrganizationAccountAccessRole (AdministratorAccess, trusts the management account)
    "iam_users": 5,            # 2 with console passwords, 2 with an access key
    "iam_access_keys": 2,
    "buckets": 10,             # each with a bucket policy (7 TLS-only, 2 partner read, 1 public read)
    "bucket_policies": 10,
    "vpcs": 1,                 # plus LocalStack's default VPC
    "subnets": 2,              # plus the default VPC's subnets
    "vpc_endpoints": 1,        # S3 gateway endpoint on the private route table
    "instances": 5,            # 3 IMDSv2-only, 2 IMDSv1-allowed
    "launch_templates": 2,     # 1 IMDSv2-only, 1 not
    "acm_certificates": 2,     # RequestCertificate (AMAZON_ISSUED)
    "rest_apis": 1,            # 3 resources, 3 methods (1 open, 2 IAM), a deployment and a stage
    "rest_api_resources": 3,
    "rest_api_methods": 3,
    "rest_api_stages": 1,
}


class Seeder:
    def __init__(self, localstack: str, moto: str, region: str):
        self.localstack, self.moto, self.region = localstack, moto, region
        self.local = threading.local()
        self.lock = threading.Lock()
        self.calls = 0
        self.ami: str | None = None

    # --- clients ---------------------------------------------------------------------------
    def _count(self, **_kw) -> None:
        with self.lock:
            self.calls += 1

    @staticmethod
    def _strip_account_prefix(request, **_kw) -> None:
        # S3 Control endpoints are {AccountId}.<endpoint host>, which does not resolve for
        # 127.0.0.1; LocalStack accepts the request on the plain host (x-amz-account-id header).
        request.url = re.sub(r"^(https?://)\d{12}\.", r"\1", request.url)

    def client(self, service: str, account: str, endpoint: str | None = None):
        """A client acting as `account`. One boto3 Session per thread (sessions are not
        thread-safe; clients are), so the service models are loaded once per thread."""
        if not hasattr(self.local, "session"):
            self.local.session = boto3.session.Session()
        c = self.local.session.client(service, endpoint_url=endpoint or self.localstack, region_name=self.region,
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

    def member(self, account: str) -> None:
        r = self.region
        iam = self.client("iam", account)
        iam.create_role(RoleName="OrganizationAccountAccessRole", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{MANAGEMENT}:root"},
                                                    "Action": "sts:AssumeRole"}]}))
        iam.attach_role_policy(RoleName="OrganizationAccountAccessRole",
                               PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        self.account_baseline(account)
        for i in range(PER_ACCOUNT["iam_users"]):
            user = f"user-{i}"
            iam.create_user(UserName=user)
            if i < 2:
                iam.create_login_profile(UserName=user, Password="Correct-Horse-Battery-9", PasswordResetRequired=False)
            if i >= 3:
                iam.create_access_key(UserName=user)

        s3 = self.client("s3", account)
        for i in range(PER_ACCOUNT["buckets"]):
            name = f"bench-{account}-{i:02d}"
            s3.create_bucket(Bucket=name)
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

        ec2 = self.client("ec2", account)
        vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{k}.0/24", AvailabilityZone=f"{r}{az}")["Subnet"]["SubnetId"]
                   for k, az in ((1, "a"), (2, "b"))]
        rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        for s in subnets:
            ec2.associate_route_table(RouteTableId=rt, SubnetId=s)
        ec2.create_vpc_endpoint(VpcId=vpc, VpcEndpointType="Gateway", ServiceName=f"com.amazonaws.{r}.s3",
                                RouteTableIds=[rt])
        for count, tokens in ((3, "required"), (2, "optional")):
            ec2.run_instances(ImageId=self.ami, InstanceType="t3.micro", MinCount=count, MaxCount=count,
                              SubnetId=subnets[0],
                              MetadataOptions={"HttpTokens": tokens, "HttpEndpoint": "enabled", "HttpPutResponseHopLimit": 1})
        for name, tokens in (("app-imdsv2", "required"), ("legacy-imdsv1", "optional")):
            ec2.create_launch_template(LaunchTemplateName=name, LaunchTemplateData={
                "ImageId": self.ami, "InstanceType": "t3.micro",
                "MetadataOptions": {"HttpTokens": tokens, "HttpEndpoint": "enabled", "HttpPutResponseHopLimit": 1}})

        acm = self.client("acm", account)
        for host in ("api", "www"):
            acm.request_certificate(DomainName=f"{host}.a{account}.example.com", ValidationMethod="DNS")

        apigw = self.client("apigateway", account)
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


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--accounts", type=int, default=10, help="member accounts to create (default 10)")
    p.add_argument("--localstack", default="http://127.0.0.1:4610")
    p.add_argument("--moto", default="http://127.0.0.1:5010")
    p.add_argument("--region", default="us-east-1")
    p.add_argument("--workers", type=int, default=4, help="accounts seeded at once (default 4, max 16)")
    p.add_argument("--out", type=Path, help="write account ids and counts here (JSON)")
    a = p.parse_args()
    if not 1 <= a.accounts <= 1000:
        p.error("--accounts must be 1..1000")
    a.workers = max(1, min(a.workers, 16))
    for url in (a.localstack + "/_localstack/health", a.moto + "/moto-api/"):
        try:
            urllib.request.urlopen(url, timeout=3).read()
        except OSError as e:
            print(f"seed_org: {url} does not answer ({e}); run benches/emulators.sh start first", file=sys.stderr)
            return 1

    s = Seeder(a.localstack, a.moto, a.region)
    started = time.monotonic()
    org = s.organization(a.accounts, a.workers)
    t_org = time.monotonic() - started

    # benches/emulators.sh starts LocalStack with MOTO_EC2_LOAD_DEFAULT_AMIS=false: moto's default
    # AMI catalogue comes with ~1,200 backing snapshots that DescribeSnapshots(OwnerIds=self)
    # returns in EVERY account (moto ignores OwnerIds), which no real account has and which a
    # scanner that inspects snapshots (Prowler does, whatever checks are selected) would then
    # visit one by one. Without the catalogue, RunInstances accepts any well-formed image id
    # (moto validates AMIs only with MOTO_ENABLE_AMI_VALIDATION).
    ec2 = s.client("ec2", MANAGEMENT)
    images = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": ["amzn*hvm*x86_64*"]}])["Images"]
    s.ami = sorted(images, key=lambda i: i["ImageId"])[0]["ImageId"] if images else "ami-0be0c4f1e5a7b9d21"
    snapshots = len(ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"])
    s.account_baseline(MANAGEMENT)
    # One break-glass user in the management account. Without any IAM user, LocalStack answers
    # GenerateCredentialReport with HTTP 500 (InternalError) in that account, and a scanner's
    # retries with backoff would dominate the measured wall time (see benches/README.md).
    mgmt_iam = s.client("iam", MANAGEMENT)
    mgmt_iam.create_user(UserName="break-glass")
    mgmt_iam.create_login_profile(UserName="break-glass", Password="Correct-Horse-Battery-9", PasswordResetRequired=False)

    done = 0
    with ThreadPoolExecutor(max_workers=a.workers) as pool:
        futures = {pool.submit(s.member, acct): acct for acct in org["accounts"]}
        for f in as_completed(futures):
            try:
                f.result()
            except (ClientError, BotoCoreError) as e:
                for other in futures:
                    other.cancel()
                raise SystemExit(f"seed_org: account {futures[f]} failed: {e}")
            done += 1
            if done % 25 == 0 and done < a.accounts:
                print(f"seed_org: {done}/{a.accounts} accounts seeded ({time.monotonic() - started:.0f}s)", flush=True)
    elapsed = time.monotonic() - started

    totals = {k: v * a.accounts for k, v in PER_ACCOUNT.items()}
    print(f"seed_org: organization {org['organization_id']}: {a.accounts} member accounts in OU Workloads "
          f"+ management {MANAGEMENT}; {s.calls} API calls in {elapsed:.1f}s "
          f"(organization {t_org:.1f}s, {s.calls / elapsed:.0f} calls/s, {a.workers} workers)")
    if snapshots:
        print(f"seed_org: note: the emulator lists {snapshots} EBS snapshots in every account (moto's default AMI "
              "catalogue; start LocalStack with MOTO_EC2_LOAD_DEFAULT_AMIS=false as benches/emulators.sh does)")
    print("seed_org: per member account: " + ", ".join(f"{v} {k}" for k, v in PER_ACCOUNT.items()))
    print("seed_org: total: " + ", ".join(f"{v} {k}" for k, v in totals.items()))
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(json.dumps({
            "management_account_id": MANAGEMENT, "region": a.region, **org,
            "per_account": PER_ACCOUNT, "totals": totals, "emulator_snapshots_per_account": snapshots, "seed_calls": s.calls,
            "seed_seconds": round(elapsed, 2)}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (ClientError, BotoCoreError) as e:
        print(f"seed_org: FAILED: {e}", file=sys.stderr)
        sys.exit(1)
