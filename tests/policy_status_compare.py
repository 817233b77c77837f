#!/usr/bin/env python3
"""Compare the corpus's `public` verdicts with moto's GetBucketPolicyStatus.

For every `kind = "bucket"` case of tests/policy-corpus.toml whose `valid` verdict is true, this
script creates a fresh bucket `corpus-<n>` (n = the case's 1-based position in the corpus) on a
running moto server, puts the case's policy on it with `example-bucket` replaced by the bucket's
name, asks moto for the bucket's policy status and compares `IsPublic` with the corpus.

    localstack/.venv-moto/bin/python tests/policy_status_compare.py \
        --endpoint http://127.0.0.1:5000 tests/policy-corpus.toml --json report.json

Output: `DISAGREE <case> corpus=<bool> moto=<bool>` per disagreement, `REJECTED <case> <error>` per
policy moto refused (or whose status it could not report), then
`policy-status: N compared, D disagreements, R rejected by moto`.

Exit status: 0 when the comparison ran (disagreements are findings, not failures), 1 when moto
cannot be reached, 2 on a usage error (bad arguments, unreadable corpus).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    try:
        import tomli as tomllib  # type: ignore[no-redef]
    except ModuleNotFoundError:
        tomllib = None  # type: ignore[assignment]

ACCOUNT = "123456789012"
REGION = "us-east-1"
PLACEHOLDER = "example-bucket"


class Unreachable(Exception):
    """moto stopped answering (connection refused, timeout)."""


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Compare corpus `public` verdicts of bucket cases with moto's GetBucketPolicyStatus."
    )
    parser.add_argument("corpus", type=Path, help="path of tests/policy-corpus.toml")
    parser.add_argument(
        "--endpoint",
        required=True,
        help="URL of a running moto server, e.g. http://127.0.0.1:5000",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the per-case report here")
    return parser.parse_args(argv)


def load_cases(path: Path) -> list[tuple[int, dict]]:
    """(position, case) of every valid bucket case; exits 2 when the corpus cannot be used."""
    if tomllib is None:
        print("error: needs Python 3.11+ (tomllib) or the tomli package", file=sys.stderr)
        sys.exit(2)
    try:
        with path.open("rb") as fh:
            corpus = tomllib.load(fh)
    except OSError as err:
        print(f"error: cannot read corpus {path}: {err}", file=sys.stderr)
        sys.exit(2)
    except tomllib.TOMLDecodeError as err:
        print(f"error: corpus {path} is not valid TOML: {err}", file=sys.stderr)
        sys.exit(2)
    cases = corpus.get("case")
    if not isinstance(cases, list):
        print(f"error: corpus {path} has no [[case]] entries", file=sys.stderr)
        sys.exit(2)
    selected = []
    for position, case in enumerate(cases, start=1):
        expect = case.get("expect", {})
        if case.get("kind") != "bucket" or expect.get("valid") is not True:
            continue
        if not isinstance(expect.get("public"), bool) or not isinstance(case.get("policy"), str):
            print(f"error: case {case.get('name')!r} lacks a policy or a public verdict", file=sys.stderr)
            sys.exit(2)
        selected.append((position, case))
    return selected


def make_client(endpoint: str):
    import boto3
    from botocore.config import Config

    config = Config(
        region_name=REGION,
        s3={"addressing_style": "path"},
        connect_timeout=5,
        read_timeout=30,
        retries={"max_attempts": 1, "mode": "standard"},
    )
    session = boto3.session.Session(
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name=REGION,
    )
    return session.client("s3", endpoint_url=endpoint, config=config), session.client(
        "sts", endpoint_url=endpoint, config=config
    )


def call(fn, **kwargs):
    """Run one API call; connection failures become Unreachable, API errors are returned."""
    from botocore.exceptions import ClientError, ConnectionError as BotoConnectionError
    from botocore.exceptions import ReadTimeoutError

    try:
        return fn(**kwargs), None
    except ClientError as err:
        error = err.response.get("Error", {})
        return None, f"{error.get('Code', 'Error')}: {error.get('Message', '')}".strip()
    except (BotoConnectionError, ReadTimeoutError) as err:
        raise Unreachable(str(err)) from err


def fresh_bucket(s3, name: str) -> str | None:
    """Create `name` empty and without policy or public access block; returns an error or None."""
    _, err = call(s3.head_bucket, Bucket=name)
    if err is None:  # left over from an earlier run against the same server
        listing, _ = call(s3.list_object_versions, Bucket=name)
        for key in ("Versions", "DeleteMarkers"):
            for item in (listing or {}).get(key, []):
                call(s3.delete_object, Bucket=name, Key=item["Key"], VersionId=item["VersionId"])
        call(s3.delete_bucket_policy, Bucket=name)
        _, err = call(s3.delete_bucket, Bucket=name)
        if err:
            return f"cannot recreate bucket: {err}"
    _, err = call(s3.create_bucket, Bucket=name)
    if err:
        return f"CreateBucket failed: {err}"
    # AWS turns Block Public Access on for new buckets, which would refuse public policies;
    # moto does not, but clear it anyway so the only thing under test is the policy status.
    call(s3.delete_public_access_block, Bucket=name)
    return None


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    cases = load_cases(args.corpus)
    try:
        s3, sts = make_client(args.endpoint)
    except ValueError as err:  # malformed endpoint URL
        print(f"error: bad --endpoint {args.endpoint!r}: {err}", file=sys.stderr)
        return 2

    try:
        identity, err = call(sts.get_caller_identity)
    except Unreachable as err:
        print(f"error: moto at {args.endpoint} is unreachable: {err}", file=sys.stderr)
        return 1
    if err:
        print(f"error: moto at {args.endpoint} did not answer GetCallerIdentity: {err}", file=sys.stderr)
        return 1
    if identity.get("Account") != ACCOUNT:
        print(
            f"warning: moto reports account {identity.get('Account')}, expected {ACCOUNT}",
            file=sys.stderr,
        )

    report = []
    disagreements, rejections = [], []
    try:
        for position, case in cases:
            name = case["name"]
            bucket = f"corpus-{position}"
            corpus_public = case["expect"]["public"]
            row = {"case": name, "corpus_public": corpus_public, "moto_public": None, "moto_error": None}
            report.append(row)

            err = fresh_bucket(s3, bucket)
            if err is None:
                policy = case["policy"].replace(PLACEHOLDER, bucket)
                _, err = call(s3.put_bucket_policy, Bucket=bucket, Policy=policy)
                if err:
                    err = f"PutBucketPolicy rejected: {err}"
            if err is None:
                status, err = call(s3.get_bucket_policy_status, Bucket=bucket)
                if err:
                    err = f"GetBucketPolicyStatus failed: {err}"
                else:
                    row["moto_public"] = bool(status["PolicyStatus"]["IsPublic"])
            if err is not None:
                row["moto_error"] = err
                rejections.append(row)
            elif row["moto_public"] != corpus_public:
                disagreements.append(row)
    except Unreachable as err:
        print(f"error: moto at {args.endpoint} stopped answering: {err}", file=sys.stderr)
        return 1

    def text(value: bool) -> str:
        return "true" if value else "false"

    for row in disagreements:
        print(f"DISAGREE {row['case']} corpus={text(row['corpus_public'])} moto={text(row['moto_public'])}")
    for row in rejections:
        print(f"REJECTED {row['case']} {row['moto_error']}")
    compared = len(report) - len(rejections)
    print(
        f"policy-status: {compared} compared, {len(disagreements)} disagreements, "
        f"{len(rejections)} rejected by moto"
    )

    if args.json:
        try:
            args.json.write_text(json.dumps(report, indent=2) + "\n")
        except OSError as err:
            print(f"error: cannot write {args.json}: {err}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
