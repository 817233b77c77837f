#!/usr/bin/env python3
"""Small operations on the emulated organization for the end-to-end test (boto3, LocalStack).

Usage (run with localstack/.venv-moto/bin/python):
  emulator_ops.py change ACCOUNT_ID      fix one planted misconfiguration and plant a new one
  emulator_ops.py bucket NAME [REGION]   create a report bucket in the management account
  emulator_ops.py findings REGION        print moto's Security Hub findings (GetFindings, every
                                         page) as JSON: Id, AwsAccountId, RecordState, workflow
  emulator_ops.py objects BUCKET PREFIX  print the objects under PREFIX as JSON (key, size, SSE)
"""
import json
import os
import sys

import boto3
from botocore.config import Config

ENDPOINT = os.environ.get("POSTURE_LOCALSTACK_URL", "http://127.0.0.1:4566")


MOTO = os.environ.get("POSTURE_MOTO_URL", "http://127.0.0.1:5000")


def s3(account, region="us-east-1"):
    return boto3.client(
        "s3",
        endpoint_url=ENDPOINT,
        region_name=region,
        aws_access_key_id=account,
        aws_secret_access_key="test",
        config=Config(s3={"addressing_style": "path"}),
    )


def change(account):
    c = s3(account)
    # Resolved: the public data bucket gets versioning.
    c.put_bucket_versioning(Bucket=f"misconfigured-public-data-{account}", VersioningConfiguration={"Status": "Enabled"})
    # New: another public bucket.
    name = f"misconfigured-new-public-{account}"
    c.create_bucket(Bucket=name)
    c.delete_public_access_block(Bucket=name)
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{name}/*"}],
    }
    c.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))
    print(json.dumps({"resolved_bucket": f"misconfigured-public-data-{account}", "new_bucket": name}))


def bucket(name, region="us-east-1"):
    extra = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3("123456789012", region).create_bucket(Bucket=name, **extra)


def findings(region):
    hub = boto3.client("securityhub", endpoint_url=MOTO, region_name=region,
                       aws_access_key_id="123456789012", aws_secret_access_key="test")
    out = []
    for page in hub.get_paginator("get_findings").paginate():
        for f in page["Findings"]:
            out.append({"Id": f["Id"], "AwsAccountId": f["AwsAccountId"], "RecordState": f.get("RecordState"),
                        "Workflow": (f.get("Workflow") or {}).get("Status"),
                        "Compliance": (f.get("Compliance") or {}).get("Status"), "ProductArn": f["ProductArn"]})
    print(json.dumps(out))


def objects(name, prefix):
    c = s3("123456789012")
    out = []
    for o in c.list_objects_v2(Bucket=name, Prefix=prefix).get("Contents", []):
        h = c.head_object(Bucket=name, Key=o["Key"])
        out.append({"key": o["Key"], "size": o["Size"], "sse": h.get("ServerSideEncryption"), "content_type": h.get("ContentType")})
    print(json.dumps(out))


def main():
    args = sys.argv[1:]
    if args[:1] == ["change"] and len(args) == 2:
        change(args[1])
    elif args[:1] == ["bucket"] and len(args) in (2, 3):
        bucket(*args[1:])
    elif args[:1] == ["findings"] and len(args) == 2:
        findings(args[1])
    elif args[:1] == ["objects"] and len(args) == 3:
        objects(args[1], args[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
