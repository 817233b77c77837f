#!/usr/bin/env python3
"""Small operations on the emulated organization for the end-to-end test (boto3, LocalStack).

Usage (run with localstack/.venv-moto/bin/python):
  emulator_ops.py change ACCOUNT_ID      fix one planted misconfiguration and plant a new one
  emulator_ops.py bucket NAME            create a report bucket in the management account
  emulator_ops.py objects BUCKET PREFIX  print the objects under PREFIX as JSON (key, size, SSE)
"""
import json
import os
import sys

import boto3
from botocore.config import Config

ENDPOINT = os.environ.get("POSTURE_LOCALSTACK_URL", "http://127.0.0.1:4566")


def s3(account):
    return boto3.client(
        "s3",
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
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


def bucket(name):
    s3("123456789012").create_bucket(Bucket=name)


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
    elif args[:1] == ["bucket"] and len(args) == 2:
        bucket(args[1])
    elif args[:1] == ["objects"] and len(args) == 3:
        objects(args[1], args[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
