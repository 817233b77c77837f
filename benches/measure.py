#!/usr/bin/env python3
"""The measuring half of benches/run.sh (which starts the emulators and seeds them first).

Runs with the moto venv's python (boto3). Every measurement is repeated --repeat times and the
median is reported; every request loop is bounded. Steps:

  posture     posture scan --org under /usr/bin/time -v: wall time, peak RSS, API calls
              (scan.api_calls in the JSON result), resources (from --save-inventory)
  floor       the emulator's own throughput for cheap calls (sequential and 8 threads), and
              floor = posture's calls / that throughput
  latency     posture through tests/faultproxy.py adding --latency-ms to every LocalStack call,
              compared with calls x latency / concurrency
  quota       the API Gateway quota account (seed_org.py --quota-apis) scanned on its own
              through tests/faultproxy.py --quotas (AWS's published control-plane quotas,
              enforced per account and region), paced (posture's default) and with
              --api-pace off: wall time against the quota floor, throttled responses
  prowler     (--prowler) Prowler, one process per account as its docs prescribe, restricted
              to the checks that correspond to posture's, sequentially and N in parallel;
              with --prowler-sample K on only K member accounts (the first K by account id),
              the report then extrapolating linearly to every account posture scanned

Results go to --state/bench-results.json and a markdown table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
from botocore.config import Config

HERE = Path(__file__).resolve().parent
MANAGEMENT = "123456789012"
OK_EXIT = {0, 3, 4, 5}  # posture: 3/5 = failed findings, 4/5 = something not assessed (emulator gaps)

# Prowler checks that correspond to posture's (matched by what each checks); the ones the
# installed Prowler does not know are dropped (and printed).
PROWLER_CHECKS = [
    # IAM / credential report
    "iam_root_mfa_enabled", "iam_root_hardware_mfa_enabled", "iam_no_root_access_key", "iam_avoid_root_usage",
    "iam_password_policy_minimum_length_14", "iam_password_policy_reuse_24",
    "iam_user_mfa_enabled_console_access", "iam_user_no_setup_initial_access_key",
    "iam_user_accesskey_unused", "iam_user_console_access_unused", "iam_user_two_active_access_key",
    "iam_rotate_access_key_90_days",
    # S3
    "s3_bucket_public_access", "s3_bucket_policy_public_write_access", "s3_bucket_secure_transport_policy",
    "s3_account_level_public_access_blocks", "s3_bucket_level_public_access_block",
    "s3_bucket_cross_account_access", "s3_bucket_acl_prohibited", "s3_bucket_default_encryption",
    "s3_bucket_object_versioning", "s3_bucket_server_access_logging_enabled",
    # VPC endpoints, EC2 IMDS
    "vpc_endpoint_connections_trust_boundaries",
    "ec2_instance_imdsv2_enabled", "ec2_instance_account_imdsv2_enabled", "ec2_launch_template_imdsv2_required",
    # ACM
    "acm_certificates_expiration_check", "acm_certificates_with_secure_key_algorithms",
    # API Gateway REST
    "apigateway_restapi_logging_enabled", "apigateway_restapi_waf_acl_attached",
    "apigateway_restapi_authorizers_enabled", "apigateway_restapi_client_certificate_enabled",
    "apigateway_restapi_tracing_enabled", "apigateway_restapi_cache_encrypted", "apigateway_restapi_public",
    "apigateway_restapi_public_with_authorizer",
]


def log(msg: str) -> None:
    print(f"bench: {msg}", flush=True)


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_SECRET_ACCESS_KEY="test", AWS_EC2_METADATA_DISABLED="true",
               AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
    env.update(extra)
    return env


def parse_cpu(path: Path) -> float | None:
    """user + system CPU seconds from `/usr/bin/time -v -o path`."""
    if not path.exists():
        return None
    text = path.read_text(errors="replace")
    secs = [float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", text)]
    return sum(secs) if secs else None


def parse_gnu_time(path: Path) -> tuple[float | None, int | None]:
    """(wall seconds, peak RSS KiB) from `/usr/bin/time -v -o path`."""
    text = path.read_text(errors="replace")
    wall = rss = None
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text)
    if m:
        parts = [float(p) for p in m.group(1).split(":")]
        wall = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if m:
        rss = int(m.group(1))
    return wall, rss


def timed(cmd: list[str], env: dict, out: Path, timeout: float) -> dict:
    """Runs cmd under /usr/bin/time -v; stdout/stderr to out.{stdout,stderr}."""
    tfile = out.with_suffix(".time")
    t0 = time.monotonic()
    with open(out.with_suffix(".stdout"), "wb") as so, open(out.with_suffix(".stderr"), "wb") as se:
        try:
            p = subprocess.run(["/usr/bin/time", "-v", "-o", str(tfile), *cmd], env=env, stdout=so, stderr=se,
                               timeout=timeout, cwd=out.parent)
            rc = p.returncode
        except subprocess.TimeoutExpired:
            rc = "timeout"
    elapsed = time.monotonic() - t0
    wall, rss = parse_gnu_time(tfile) if tfile.exists() else (None, None)
    return {"rc": rc, "wall": wall if wall is not None else elapsed, "rss_kib": rss, "cpu": parse_cpu(tfile)}


# ------------------------------------------------------------------------------------------------
# Resources in posture's inventory
# ------------------------------------------------------------------------------------------------

def ok(v):
    """Collected<T> is {"ok": T} or {"failed": ...} (serde snake_case of Collected::Failed): T,
    or None when the collection failed."""
    if isinstance(v, dict) and "ok" in v:
        return v["ok"]
    if isinstance(v, dict) and len(v) == 1 and next(iter(v)) in ("failed", "error", "err"):
        return None
    return v


def count_resources(inventory: dict) -> dict:
    """Resources in posture's saved inventory: global ones (IAM, S3) once per account, regional
    ones summed over EVERY region of every account (`regional` is keyed by region). Also
    `by_region`: region -> resources counted there (buckets by their own region), and
    `regions`: the regions found in the inventory."""
    c: dict[str, int] = {}
    by_region: dict[str, dict[str, int]] = {}

    def add(k, items, region=None):
        items = ok(items)
        if isinstance(items, (list, dict)):
            c[k] = c.get(k, 0) + len(items)
            if region:
                rc = by_region.setdefault(region, {})
                rc[k] = rc.get(k, 0) + len(items)

    def add_n(k, n, region):
        c[k] = c.get(k, 0) + n
        rc = by_region.setdefault(region, {})
        rc[k] = rc.get(k, 0) + n

    for a in inventory.get("accounts", []):
        c["accounts"] = c.get("accounts", 0) + 1
        iam = ok(a.get("iam")) or {}
        add("iam_users", iam.get("users"))
        add("iam_roles", iam.get("roles"))
        s3 = ok(a.get("s3")) or {}
        add("s3_buckets", s3.get("buckets"))
        for b in ok(s3.get("buckets")) or []:
            br = ok(b.get("region")) if isinstance(b, dict) else None
            rc = by_region.setdefault(br if isinstance(br, str) else "unknown", {})
            rc["s3_buckets"] = rc.get("s3_buckets", 0) + 1
        for rname, region in (a.get("regional") or {}).items():
            by_region.setdefault(rname, {})
            ec2 = ok(region.get("ec2")) or {}
            for k in ("vpcs", "subnets", "route_tables", "vpc_endpoints", "instances", "launch_templates"):
                add(f"ec2_{k}", ec2.get(k), rname)
            acm = ok(region.get("acm")) or {}
            add("acm_certificates", acm.get("certificates"), rname)
            apigw = ok(region.get("apigateway")) or {}
            add("apigw_rest_apis", apigw.get("rest_apis"), rname)
            add("apigw_domain_names", apigw.get("domain_names"), rname)
            for api in ok(apigw.get("rest_apis")) or []:
                add("apigw_stages", api.get("stages"), rname)
                res = ok(api.get("resources")) or []
                add_n("apigw_resources", len(res), rname)
                add_n("apigw_methods", sum(len(r.get("methods") or []) for r in res), rname)
    c["total"] = sum(v for k, v in c.items() if k != "accounts")
    order = {k: i for i, k in enumerate(c)}  # the global counters' order: buckets first
    for region, rc in by_region.items():
        rc = dict(sorted(rc.items(), key=lambda kv: order.get(kv[0], len(order))))
        rc["total"] = sum(rc.values())
        by_region[region] = rc
    c["by_region"] = dict(sorted(by_region.items()))
    return c


# ------------------------------------------------------------------------------------------------
# posture
# ------------------------------------------------------------------------------------------------

def process_cpu(pidfile: Path):
    """CPU seconds (user + system) used so far by the process in pidfile, or None."""
    try:
        pid = int(pidfile.read_text().strip())
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def posture_once(a, tag: str, endpoint: str) -> dict:
    out = a.state / f"posture-{tag}"
    result, inventory = out.with_suffix(".json"), out.with_suffix(".inventory.json")
    for f in (result, inventory):
        f.unlink(missing_ok=True)
    env = clean_env(AWS_ENDPOINT_URL=endpoint, AWS_ENDPOINT_URL_ORGANIZATIONS=a.moto,
                    AWS_ACCESS_KEY_ID=MANAGEMENT, AWS_REGION=a.regions.split(",")[0])
    cmd = [a.posture, "scan", "--org", "--regions", a.regions, "--format", "json", "-o", str(result),
           "--save-inventory", str(inventory), "--no-progress"]
    ls_pid = a.state / "localstack.pid"
    ls_cpu0 = process_cpu(ls_pid)
    r = timed(cmd, env, out, a.timeout)
    ls_cpu1 = process_cpu(ls_pid)
    # LocalStack is one Python process: near 100 % of one core means it is the bottleneck.
    r["emulator_cpu"] = ls_cpu1 - ls_cpu0 if ls_cpu0 is not None and ls_cpu1 is not None else None
    r["loadavg"] = Path("/proc/loadavg").read_text().split()[0]
    if r["rc"] not in OK_EXIT or not result.exists():
        err = out.with_suffix(".stderr").read_text(errors="replace")[-2000:]
        raise SystemExit(f"bench: posture failed (exit {r['rc']}):\n{err}")
    res = json.loads(result.read_text())
    calls = (res.get("scan") or {}).get("api_calls") or {}
    r["calls"] = calls.get("attempts")
    r["error_responses"] = calls.get("error_responses")
    r["throttled_responses"] = calls.get("throttled_responses")
    r["by_operation"] = calls.get("by_operation") or {}
    r["org_calls"] = sum(v for k, v in r["by_operation"].items() if k.startswith("Organizations:"))
    r["findings"] = len(res.get("findings") or [])
    r["resources"] = count_resources(json.loads(inventory.read_text()))
    return r


def posture_runs(a, tag: str, endpoint: str) -> list[dict]:
    runs = []
    for i in range(a.repeat):
        r = posture_once(a, f"{tag}-{i + 1}", endpoint)
        log(f"posture {tag} run {i + 1}/{a.repeat}: {r['wall']:.2f}s, peak RSS {r['rss_kib'] / 1024:.0f} MiB, "
            f"{r['calls']} calls, {r['resources']['accounts']} accounts, exit {r['rc']}, load {r['loadavg']}")
        runs.append(r)
    return runs


# ------------------------------------------------------------------------------------------------
# API Gateway quotas
# ------------------------------------------------------------------------------------------------

# API Gateway's fixed control-plane quotas (src/aws/quotas.toml, from
# https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html), per account and region.
GET_RESOURCES_RATE, GET_RESOURCES_WINDOW = 5 / 2.0, (5, 2.0)   # 5 requests every 2 seconds
APIGW_RATE, APIGW_BURST = 10.0, 40                              # 10 per second, burst 40
QUOTA_SETTLE_SECONDS = 6.0


def proxy_stats(url: str) -> dict:
    return json.loads(urllib.request.urlopen(url + "/__faultproxy/stats", timeout=5).read())


def quota_floor(get_resources: int, apigw_calls: int) -> dict:
    """The quota floor of n GetResources and m API Gateway calls in one account and region:
    `rate` = calls ÷ quota (the issue's definition: no client can average more than the quota);
    `burst` = the earliest the last call can go when the quota's burst is used at the start (5
    GetResources at once in every 2-second window; 40 calls, then 10 per second)."""
    n, w = GET_RESOURCES_WINDOW
    return {
        "rate": max(get_resources / GET_RESOURCES_RATE, apigw_calls / APIGW_RATE),
        "burst": max(max(0, -(-get_resources // n) - 1) * w, max(0, apigw_calls - APIGW_BURST) / APIGW_RATE),
    }


def quota_once(a, tag: str, pace_args: list[str], binary: str | None = None) -> dict:
    q = a.org["quota_account"]
    out = a.state / f"quota-{tag}"
    result, inventory = out.with_suffix(".json"), out.with_suffix(".inventory.json")
    for f in (result, inventory):
        f.unlink(missing_ok=True)
    env = clean_env(AWS_ENDPOINT_URL=a.quota_proxy, AWS_ACCESS_KEY_ID=q["account"], AWS_REGION=q["region"])
    cmd = [binary or a.posture, "scan", "--regions", q["region"], "--format", "json", "-o", str(result),
           "--save-inventory", str(inventory), "--no-progress", *pace_args]
    # Every run starts with full quotas, as a scheduled scan that overlaps no other would: the
    # proxy's windows and buckets still hold the previous run's calls (API Gateway's total
    # bucket refills 40 in 4 s, EC2's 100 in 5 s), so wait for them to drain (not timed).
    time.sleep(QUOTA_SETTLE_SECONDS)
    before = proxy_stats(a.quota_proxy)
    r = timed(cmd, env, out, a.timeout)
    after = proxy_stats(a.quota_proxy)
    if r["rc"] not in OK_EXIT or not result.exists():
        err = out.with_suffix(".stderr").read_text(errors="replace")[-2000:]
        raise SystemExit(f"bench: posture (quota account) failed (exit {r['rc']}):\n{err}")
    calls = (json.loads(result.read_text()).get("scan") or {}).get("api_calls") or {}
    ops = calls.get("by_operation") or {}
    # Attempts by operation ("API Gateway:GetResources"), retries of throttled calls included.
    r["get_resources_attempts"] = ops.get("API Gateway:GetResources", 0)
    r["apigw_attempts"] = sum(v for k, v in ops.items() if k.startswith("API Gateway:"))
    r["posture_throttled"] = calls.get("throttled_responses")
    r["proxy_throttled"] = after.get("quota_throttled", 0) - before.get("quota_throttled", 0)
    by = after.get("quota_throttled_by") or {}
    r["proxy_throttled_by"] = {k: v - (before.get("quota_throttled_by") or {}).get(k, 0) for k, v in by.items()
                               if v - (before.get("quota_throttled_by") or {}).get(k, 0)}
    # The floor counts the calls the scan needs, not the retries of throttled ones.
    r["get_resources"] = r["get_resources_attempts"] - r["proxy_throttled_by"].get("apigateway:GetResources", 0)
    r["apigw_calls"] = r["apigw_attempts"] - sum(v for k, v in r["proxy_throttled_by"].items() if k.startswith("apigateway:"))
    region = (json.loads(inventory.read_text()).get("accounts") or [{}])[0].get("regional", {}).get(q["region"], {})
    apigw = region.get("apigateway") or {}
    apis = (apigw.get("ok") or {}).get("rest_apis") if isinstance(apigw, dict) else None
    r["apigw_failed"] = "failed" in apigw if isinstance(apigw, dict) else True
    r["resources"] = sum(len(ok(x.get("resources")) or []) for x in apis or [])
    r["resources_failed"] = sum(1 for x in apis or [] if ok(x.get("resources")) is None)
    r["floor"] = quota_floor(r["get_resources"], r["apigw_calls"])
    r["loadavg"] = Path("/proc/loadavg").read_text().split()[0]
    return r


def quota_runs(a) -> dict:
    out = {}
    variants = [("paced", [], None), ("unpaced", ["--api-pace", "off"], None)]
    if a.quota_baseline:
        variants.append(("baseline", [], a.quota_baseline))
    for label, args, binary in variants:
        runs = []
        for i in range(a.repeat):
            r = quota_once(a, f"{label}-{i + 1}", args, binary)
            log(f"quota {label} run {i + 1}/{a.repeat}: {r['wall']:.2f}s, {r['apigw_calls']} API Gateway calls "
                f"({r['get_resources']} GetResources), floor {r['floor']['rate']:.2f}s, "
                f"{r['proxy_throttled']} throttled by the proxy {r['proxy_throttled_by']}, "
                f"{r['resources']} resources collected, {r['resources_failed']} APIs' resources failed, load {r['loadavg']}")
            runs.append(r)
        out[label] = runs
    return out


# ------------------------------------------------------------------------------------------------
# The emulator's floor
# ------------------------------------------------------------------------------------------------

def throughput(a, op: str, threads: int, n: int) -> float:
    """Requests/s for n calls of op (sts or s3) by `threads` threads sharing one boto3 client,
    acting as the first member account."""
    acct = a.org["accounts"][0]
    cfg = Config(retries={"total_max_attempts": 1}, max_pool_connections=max(threads, 1),
                 connect_timeout=5, read_timeout=30)
    session = boto3.session.Session()
    if op == "sts":
        c = session.client("sts", endpoint_url=a.localstack, region_name="us-east-1", aws_access_key_id=acct,
                           aws_secret_access_key="test", config=cfg)
        call = c.get_caller_identity
    else:
        bucket = f"bench-{acct}-00"
        # bucket 00 lives in the first seeded region (seed_org.py spreads buckets over --regions)
        region = (a.org.get("bucket_regions") or ["us-east-1"])[0]
        c = session.client("s3", endpoint_url=a.localstack, region_name=region, aws_access_key_id=acct,
                           aws_secret_access_key="test", config=cfg)
        call = lambda: c.get_bucket_policy(Bucket=bucket)  # noqa: E731
    call()  # warm: connection, service loaded
    per = [n // threads + (1 if i < n % threads else 0) for i in range(threads)]

    def worker(k):
        for _ in range(k):
            call()

    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(worker, per))
    return n / (time.monotonic() - t0)


def floor_runs(a) -> dict:
    out = {}
    for op in ("sts", "s3"):
        for threads in (1, 8):
            xs = [throughput(a, op, threads, a.floor_calls) for _ in range(a.repeat)]
            out[f"{op}-{threads}"] = {"runs": xs, "median": median(xs)}
            log(f"floor: {'sts:GetCallerIdentity' if op == 'sts' else 's3:GetBucketPolicy'} x {a.floor_calls}, "
                f"{threads} thread(s): " + ", ".join(f"{x:.0f}" for x in xs) + " req/s")
    return out


# ------------------------------------------------------------------------------------------------
# Prowler
# ------------------------------------------------------------------------------------------------

SHIM = HERE / "prowler_shim"  # sitecustomize.py: *.127.0.0.1 resolves to loopback, as in posture


def prowler_bin(a) -> Path:
    return a.prowler_venv / "bin" / "prowler"


def prowler_checks(a) -> tuple[list[str], list[str]]:
    p = subprocess.run([str(prowler_bin(a)), "aws", "--list-checks", "--no-banner"], capture_output=True, text=True,
                       timeout=300, env=clean_env(AWS_ACCESS_KEY_ID=MANAGEMENT, AWS_ENDPOINT_URL=a.localstack, PYTHONPATH=str(SHIM),
                                                  AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1"))
    known = set(re.findall(r"^\[([a-z0-9_]+)\]", p.stdout, re.M))
    have = [c for c in PROWLER_CHECKS if c in known]
    missing = [c for c in PROWLER_CHECKS if c not in known]
    if not have:
        raise RuntimeError(f"prowler --list-checks listed none of the checks (exit {p.returncode}): "
                           f"{(p.stderr or p.stdout)[-1500:]}")
    return have, missing


def prowler_one(a, account: str, checks: list[str], tag: str, endpoint: str | None = None) -> dict:
    out = a.state / "prowler" / tag / account
    out.mkdir(parents=True, exist_ok=True)
    env = clean_env(AWS_ACCESS_KEY_ID=account, AWS_ENDPOINT_URL=endpoint or a.localstack, PYTHONPATH=str(SHIM),
                    AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1")
    cmd = [str(prowler_bin(a)), "aws", "--no-banner", "-f", *a.regions.split(","), "-c", *checks,
           "-M", "json-ocsf", "-o", str(out), "-F", "prowler", "--ignore-exit-code-3"]
    r = timed(cmd, env, out / "run", a.prowler_timeout)
    r["account"] = account
    files = list(out.glob("prowler*.ocsf.json"))
    findings = []
    for f in files:
        try:
            findings += json.loads(f.read_text() or "[]")
        except json.JSONDecodeError:
            pass
    r["findings"] = len(findings)
    r["accounts_in_findings"] = sorted({(x.get("cloud") or {}).get("account", {}).get("uid") for x in findings} - {None})
    r["errors"] = sum(1 for line in (out / "run.stderr").read_text(errors="replace").splitlines()
                      if " ERROR " in line or line.startswith("ERROR") or "Error" in line[:80])
    r["ok"] = r["rc"] == 0 and bool(files)
    return r


def prowler_pass(a, accounts, checks, parallel: int, tag: str) -> dict:
    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        runs = list(pool.map(lambda acct: prowler_one(a, acct, checks, tag), accounts))
    wall = time.monotonic() - t0
    return {"wall": wall, "runs": runs, "peak_rss_kib": max((r["rss_kib"] or 0) for r in runs),
            "failed": [r for r in runs if not r["ok"]], "findings": sum(r["findings"] for r in runs)}


def prowler_calls(a, account: str, checks: list[str]) -> dict | None:
    """Prowler's API calls for one account, counted by the fault proxy at 0 ms (started by run.sh)."""
    if not a.count_proxy:
        return None
    before = json.loads(urllib.request.urlopen(a.count_proxy + "/__faultproxy/stats", timeout=5).read())
    r = prowler_one(a, account, checks, "count", endpoint=a.count_proxy)
    after = json.loads(urllib.request.urlopen(a.count_proxy + "/__faultproxy/stats", timeout=5).read())
    by = {k: v - before["by_service"].get(k, 0) for k, v in after["by_service"].items()}
    return {"requests": after["requests"] - before["requests"], "by_service": {k: v for k, v in by.items() if v},
            "rc": r["rc"], "findings": r["findings"]}


def prowler_section(a, accounts: list[str]) -> dict:
    if not prowler_bin(a).exists():
        return {"error": f"{prowler_bin(a)} is missing (install failed; see {a.state}/prowler-install.log)"}
    try:
        checks, missing = prowler_checks(a)
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        return {"error": str(e)}
    log(f"prowler: {len(checks)} checks" + (f" ({len(missing)} unknown to this Prowler, skipped: {', '.join(missing)})" if missing else ""))
    # One account first: if Prowler cannot run against LocalStack, say why and stop there.
    probe = prowler_one(a, accounts[0], checks, "probe")
    if not probe["ok"]:
        err = (a.state / "prowler" / "probe" / accounts[0] / "run.stderr").read_text(errors="replace")
        so = (a.state / "prowler" / "probe" / accounts[0] / "run.stdout").read_text(errors="replace")
        return {"error": f"prowler exited {probe['rc']} for account {accounts[0]}; stderr tail:\n{err[-3000:]}\nstdout tail:\n{so[-1500:]}",
                "checks": checks}
    log(f"prowler: probe on {accounts[0]}: {probe['wall']:.1f}s, {probe['findings']} findings, "
        f"peak RSS {probe['rss_kib'] / 1024:.0f} MiB")
    seq = []
    for i in range(0 if a.prowler_parallel_only else a.prowler_repeat):
        p = prowler_pass(a, accounts, checks, 1, f"seq-{i + 1}")
        log(f"prowler sequential run {i + 1}/{a.prowler_repeat}: {len(accounts)} processes in {p['wall']:.1f}s, "
            f"peak RSS {p['peak_rss_kib'] / 1024:.0f} MiB, {p['findings']} findings, {len(p['failed'])} failed")
        seq.append(p)
    par = []
    if a.prowler_parallel > 1:
        for i in range(a.prowler_repeat):
            p = prowler_pass(a, accounts, checks, a.prowler_parallel, f"par-{i + 1}")
            log(f"prowler {a.prowler_parallel} parallel run {i + 1}/{a.prowler_repeat}: {p['wall']:.1f}s, "
                f"peak RSS per process {p['peak_rss_kib'] / 1024:.0f} MiB, {len(p['failed'])} failed")
            par.append(p)
    calls = prowler_calls(a, accounts[-1], checks)
    if calls:
        log(f"prowler: API calls for one account (through the proxy): {calls['requests']} {calls['by_service']}")

    def strip(p):
        return {"wall": p["wall"], "peak_rss_kib": p["peak_rss_kib"], "findings": p["findings"],
                "processes": len(p["runs"]), "sum_process_wall": sum(r["wall"] for r in p["runs"]),
                "failed": [{"account": r["account"], "rc": r["rc"]} for r in p["failed"]]}
    return {"checks": checks, "missing_checks": missing, "sequential": [strip(p) for p in seq],
            "parallel": [strip(p) for p in par], "parallel_processes": a.prowler_parallel,
            "per_process_wall": median([r["wall"] for p in seq for r in p["runs"]]),
            "calls_one_account": calls}


# ------------------------------------------------------------------------------------------------

def walls(runs, nd):
    return ", ".join(f"{r['wall']:.{nd}f}" for r in runs)


def fmt(x, nd=1):
    return "n/a" if x is None else f"{x:.{nd}f}"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--posture", required=True)
    p.add_argument("--state", type=Path, required=True)
    p.add_argument("--org-json", type=Path, required=True)
    p.add_argument("--localstack", default="http://127.0.0.1:4610")
    p.add_argument("--moto", default="http://127.0.0.1:5010")
    p.add_argument("--proxy", help="fault proxy URL adding --latency-ms (started by run.sh); omit to skip")
    p.add_argument("--count-proxy", help="fault proxy URL at 0 ms, to count Prowler's calls")
    p.add_argument("--quota-proxy", help="fault proxy URL with --quotas (started by run.sh), for --step quota")
    p.add_argument("--quota-baseline", help="another posture binary (e.g. a build of an older commit) for a third "
                                            "column of the quota step, run with its defaults")
    p.add_argument("--latency-ms", type=int, default=50)
    p.add_argument("--regions", default="us-east-1")
    p.add_argument("--build", default="build not stated", help="how the posture binary was built, for the report")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--floor-calls", type=int, default=300)
    p.add_argument("--timeout", type=float, default=1800, help="per posture run, seconds")
    p.add_argument("--step", choices=["posture", "floor", "latency", "quota", "prowler", "report"], required=True)
    p.add_argument("--prowler-venv", type=Path, default=HERE / ".venv-prowler")
    p.add_argument("--prowler-repeat", type=int, default=3)
    p.add_argument("--prowler-parallel", type=int, default=8)
    p.add_argument("--prowler-parallel-only", action="store_true", help="skip the sequential passes")
    p.add_argument("--prowler-sample", type=int, default=0,
                   help="run Prowler on only K member accounts (the first K by account id) and extrapolate "
                        "linearly to every account posture scans (default 0: all accounts, no extrapolation)")
    p.add_argument("--prowler-timeout", type=float, default=900, help="per Prowler process, seconds")
    a = p.parse_args()
    a.repeat = max(1, min(a.repeat, 9))
    a.floor_calls = max(10, min(a.floor_calls, 3000))
    a.org = json.loads(a.org_json.read_text())
    results_file = a.state / "bench-results.json"
    results = json.loads(results_file.read_text()) if results_file.exists() and a.step != "posture" else {}
    results.setdefault("meta", {}).update(accounts=len(a.org["accounts"]), regions=a.regions,
                                          repeat=a.repeat, latency_ms=a.latency_ms, build=a.build, seed=a.org.get("totals"),
                                          seed_seconds=a.org.get("seed_seconds"), seed_calls=a.org.get("seed_calls"))

    if a.step == "posture":
        results["posture"] = posture_runs(a, "direct", a.localstack)
    elif a.step == "floor":
        results["floor"] = floor_runs(a)
    elif a.step == "latency":
        results["latency"] = posture_runs(a, f"latency{a.latency_ms}ms", a.proxy)
        try:
            results["latency_proxy_stats"] = json.loads(urllib.request.urlopen(a.proxy + "/__faultproxy/stats", timeout=5).read())
        except OSError:
            pass
    elif a.step == "quota":
        if not a.org.get("quota_account") or not a.quota_proxy:
            raise SystemExit("bench: --step quota needs a quota account (seed_org.py --quota-apis) and --quota-proxy")
        results["quota"] = quota_runs(a)
        results["quota_account"] = a.org["quota_account"]
        results["quota_baseline"] = a.quota_baseline
    elif a.step == "prowler":
        all_accounts = [MANAGEMENT] + a.org["accounts"]
        k = max(0, a.prowler_sample)
        if k >= len(a.org["accounts"]):
            log(f"prowler: --prowler-sample {k} >= {len(a.org['accounts'])} member accounts: "
                "Prowler runs on every account, nothing is extrapolated")
            k = 0
        # Deterministic sample: the first K member accounts by account id (the management account,
        # which holds almost nothing, is never in it, so the sample is a member workload).
        accounts = sorted(a.org["accounts"])[:k] if k else all_accounts
        if k:
            log(f"prowler: sampling {k} of {len(all_accounts)} accounts (first {k} member accounts by id: "
                f"{', '.join(accounts[:10])}{', ...' if k > 10 else ''}); the report extrapolates linearly")
            if a.prowler_parallel > 1 and k < a.prowler_parallel:
                log(f"prowler: note: --prowler-sample {k} < --prowler-parallel {a.prowler_parallel}: the parallel "
                    f"pass can only run {k} processes at once, its extrapolation is an upper bound")
        results["prowler"] = prowler_section(a, accounts)
        results["prowler"].update(sample=k, accounts_run=len(accounts), accounts_total=len(all_accounts),
                                  sampled_accounts=accounts if k else None)
        if "error" in results["prowler"]:
            log("prowler: COULD NOT RUN: " + results["prowler"]["error"])
    elif a.step == "report":
        for key, tag in (("posture", "direct"), ("latency", f"latency{a.latency_ms}ms")):
            for i, r in enumerate(results.get(key) or []):
                if r.get("cpu") is None:
                    r["cpu"] = parse_cpu(a.state / f"posture-{tag}-{i + 1}.time")
        report(results)
        return 0
    results_file.write_text(json.dumps(results, indent=1, default=str) + "\n")
    return 0


def report_prowler_sample(pr: dict, k: int, n: int, wall: float) -> None:
    """Prowler rows for --prowler-sample K: what was measured on K accounts, and a linear
    extrapolation to the n accounts posture scanned. Prowler runs one independent process per
    account, so a sequential pass over n accounts takes the sum of n per-account times
    (≈ mean measured per-account time × n); a parallel pass at the same process count takes
    ≈ measured wall × n / K."""
    label = f"extrapolated from {k} of {n} accounts"
    checks = len(pr["checks"])
    seq, par = pr.get("sequential") or [], pr.get("parallel") or []
    if seq:
        sw = median([x["wall"] for x in seq])
        srss = max(x["peak_rss_kib"] for x in seq) / 1024
        ext = median([x["sum_process_wall"] / x["processes"] * n for x in seq if x.get("processes")])
        print(f"| Prowler, {k} sampled member account(s) of {n}, one process after another ({checks} checks), "
              f"measured | {sw:.1f} s ({walls(seq, 1)}); {pr['per_process_wall']:.1f} s per process |")
        print(f"| Prowler peak RSS (largest process) | {srss:.0f} MiB |")
        if ext:
            print(f"| Prowler, all {n} accounts one after another, **{label}** (mean per-account time × {n}) "
                  f"| ≈ {ext:.1f} s (not measured) |")
            print(f"| posture speed-up vs Prowler sequential ({label}) | ≈ {ext / wall:.1f}× |")
    if par:
        pw = median([x["wall"] for x in par])
        prss = max(x["peak_rss_kib"] for x in par) / 1024
        procs = pr["parallel_processes"]
        at_once = min(procs, k)
        ext = pw * n / k
        print(f"| Prowler, {k} sampled member account(s) of {n}, {procs} processes in parallel, measured | {pw:.1f} s "
              f"({walls(par, 1)}; up to {at_once} × {prss:.0f} MiB resident at once) |")
        caveat = (f"; only {k} process(es) could run at once in the sample, so this is an upper bound"
                  if k < procs else "")
        print(f"| Prowler, all {n} accounts {procs} in parallel, **{label}** (measured wall × {n}/{k}) "
              f"| ≈ {ext:.1f} s (not measured{caveat}) |")
        print(f"| posture speed-up vs Prowler parallel ({label}) | ≈ {ext / wall:.1f}× |")


def report_quota(R: dict) -> None:
    Q = R.get("quota")
    if not Q:
        return
    q = R.get("quota_account") or {}
    print(f"### API Gateway quotas: account {q.get('account')}, {q.get('rest_apis')} REST APIs × "
          f"{q.get('resources_per_api')} resources = {q.get('resources')} resources in {q.get('region')}, "
          f"through tests/faultproxy.py --quotas (median of {len(Q.get('paced') or [])})")
    print()
    cols = [Q.get("paced") or [], Q.get("unpaced") or []]
    if Q.get("baseline"):
        cols.append(Q["baseline"])
        print(f"| | paced (default `--api-pace 0.9`) | `--api-pace off` | baseline binary ({R.get('quota_baseline')}) |")
        print("|---|---|---|---|")
    else:
        print("| | paced (default `--api-pace 0.9`) | `--api-pace off` |")
        print("|---|---|---|")

    def row(label, f):
        print(f"| {label} | " + " | ".join(f(runs) if runs else "n/a" for runs in cols) + " |")

    row("wall time", lambda rs: f"{median([r['wall'] for r in rs]):.2f} s ({walls(rs, 2)})")
    row("API Gateway calls the scan needs (GetResources)",
        lambda rs: f"{median([r['apigw_calls'] for r in rs]):.0f} ({median([r['get_resources'] for r in rs]):.0f})")
    row("API Gateway attempts, retries included", lambda rs: ", ".join(str(r['apigw_attempts']) for r in rs))
    row("quota floor = calls ÷ quota", lambda rs: f"{median([r['floor']['rate'] for r in rs]):.2f} s")
    row("**wall ÷ floor**", lambda rs: f"**{median([r['wall'] / r['floor']['rate'] for r in rs if r['floor']['rate']]):.2f}**")
    row("earliest possible with the bursts used at once", lambda rs: f"{median([r['floor']['burst'] for r in rs]):.2f} s")
    row("**throttled responses** (proxy)", lambda rs: f"**{median([r['proxy_throttled'] for r in rs]):.0f}** "
        f"({', '.join(str(r['proxy_throttled']) for r in rs)})")
    row("throttled responses seen by posture (429/503)", lambda rs: ", ".join(str(r['posture_throttled']) for r in rs))
    row("resources collected", lambda rs: ", ".join(f"{r['resources']}" for r in rs))
    row("REST APIs whose resources were not collected", lambda rs: ", ".join(str(r['resources_failed']) for r in rs))
    print()


def report(R: dict) -> None:
    m = R["meta"]
    runs = R.get("posture") or []
    if not runs:
        if R.get("quota"):
            print()
            report_quota(R)
        else:
            print("no posture runs recorded")
        return
    wall = median([r["wall"] for r in runs])
    rss = median([r["rss_kib"] for r in runs]) / 1024
    calls = median([r["calls"] for r in runs])
    res = runs[0]["resources"]
    n_acct = res.get("accounts")
    per_res = calls / res["total"] if res.get("total") else None
    print()
    print(f"## posture benchmark: {m['accounts']} member accounts (+ management), regions {m['regions']}, "
          f"median of {m['repeat']} ({m.get('build', 'build not stated')} build)")
    print()
    seed = m.get("seed") or {}
    by_region = res.get("by_region") or {}
    if m.get("seed_seconds"):
        print(f"Seeded in {m['seed_seconds']:.1f}s ({m.get('seed_calls')} calls). Inventory resources: "
              + ", ".join(f"{k} {v}" for k, v in res.items() if k != "by_region"))
        for region, rc in by_region.items():
            print(f"- {region}: " + ", ".join(f"{k} {v}" for k, v in rc.items()))
        print()
    print("| measurement | value |")
    print("|---|---|")
    print(f"| accounts scanned | {n_acct} |")
    print(f"| posture wall time (LocalStack direct) | {wall:.2f} s ({walls(runs, 2)}) |")
    print(f"| posture peak RSS | {rss:.0f} MiB |")
    cpu = median([r.get("cpu") for r in runs])
    if cpu is not None:
        print(f"| posture CPU time (user + sys) | {cpu:.2f} s ({cpu / wall:.0%} of one core over the wall time) |")
    ecpu = median([r.get("emulator_cpu") for r in runs])
    if ecpu is not None:
        print(f"| LocalStack CPU time during the scan | {ecpu:.2f} s ({ecpu / wall:.0%} of one core; one Python "
              f"process, so near 100 % means the emulator is the bottleneck) |")
    print(f"| posture API calls (attempts) | {calls:.0f} ({calls / n_acct:.0f} per account; "
          f"{runs[0]['org_calls']} to Organizations; {runs[0]['error_responses']} error responses) |")
    print(f"| resources in inventory | {res['total']}"
          + (" (" + ", ".join(f"{r} {rc.get('total', 0)}" for r, rc in by_region.items()) + "; IAM is global)"
             if len(by_region) > 1 else "") + " |")
    print(f"| calls per resource | {fmt(per_res, 2)} |")
    print(f"| posture throughput | {calls / wall:.0f} calls/s |")
    fl = R.get("floor")
    if fl:
        best = max(fl["sts-8"]["median"], fl["s3-8"]["median"])
        for key, label in (("sts-1", "sts:GetCallerIdentity, 1 thread"), ("sts-8", "sts:GetCallerIdentity, 8 threads"),
                           ("s3-1", "s3:GetBucketPolicy, 1 thread"), ("s3-8", "s3:GetBucketPolicy, 8 threads")):
            print(f"| emulator throughput, {label} | {fl[key]['median']:.0f} req/s |")
        s3floor = calls / fl["s3-8"]["median"]
        stsfloor = calls / fl["sts-8"]["median"]
        print(f"| emulator floor = calls / 8-thread throughput | {s3floor:.1f} s (GetBucketPolicy rate), "
              f"{stsfloor:.1f} s (GetCallerIdentity rate) |")
        print(f"| posture wall / floor | {wall / s3floor:.2f} (GetBucketPolicy), {wall / stsfloor:.2f} (GetCallerIdentity) |")
    lat = R.get("latency")
    if lat:
        lw = median([r["wall"] for r in lat])
        lc = median([r["calls"] for r in lat])
        lat_calls = lc - lat[0]["org_calls"]  # Organizations goes straight to moto, not through the proxy
        ms = m["latency_ms"] / 1000
        print(f"| posture wall time, +{m['latency_ms']} ms per LocalStack call (fault proxy) | {lw:.2f} s "
              f"({walls(lat, 2)}) |")
        print(f"| calls through the proxy × latency | {lat_calls:.0f} × {m['latency_ms']} ms = {lat_calls * ms:.1f} s serial |")
        print(f"| estimate ÷ 8 (--concurrency 8) | {lat_calls * ms / 8:.1f} s |")
        print(f"| estimate ÷ 64 (8 accounts × --call-concurrency 8) | {lat_calls * ms / 64:.1f} s |")
        print(f"| effective concurrency = calls × latency ÷ wall | {lat_calls * ms / lw:.1f} |")
        added = lw - wall
        print(f"| added by latency: wall(+latency) − wall(direct) | {added:.2f} s"
              + (f" (effective concurrency on the added part: {lat_calls * ms / added:.1f})" if added > 0.05 * wall
                 else " (within the run-to-run noise)") + " |")
        print(f"| peak RSS with latency | {median([r['rss_kib'] for r in lat]) / 1024:.0f} MiB |")
    pr = R.get("prowler")
    if pr:
        k = pr.get("sample") or 0
        n_total = pr.get("accounts_total") or n_acct
        if "error" in pr:
            print(f"| Prowler | could not run: {pr['error'].splitlines()[0][:300]} |")
        elif k:
            report_prowler_sample(pr, k, n_total, wall)
        elif pr.get("sequential"):
            sw = median([x["wall"] for x in pr["sequential"]])
            srss = max(x["peak_rss_kib"] for x in pr["sequential"]) / 1024
            print(f"| Prowler, {n_acct} processes one after another ({len(pr['checks'])} checks) | {sw:.1f} s "
                  f"({walls(pr['sequential'], 1)}); "
                  f"{pr['per_process_wall']:.1f} s per process |")
            print(f"| Prowler peak RSS (largest process) | {srss:.0f} MiB |")
            print(f"| posture speed-up vs Prowler sequential | {sw / wall:.1f}× |")
        if "error" not in pr:
            if pr.get("parallel") and not k:
                pw = median([x["wall"] for x in pr["parallel"]])
                prss = max(x["peak_rss_kib"] for x in pr["parallel"]) / 1024
                print(f"| Prowler, {pr['parallel_processes']} processes in parallel | {pw:.1f} s "
                      f"(up to {pr['parallel_processes']} × {prss:.0f} MiB resident at once) |")
                print(f"| posture speed-up vs Prowler parallel | {pw / wall:.1f}× |")
            c = pr.get("calls_one_account")
            if c:
                per_acct_posture = (calls - runs[0]["org_calls"]) / n_acct
                print(f"| API calls for one member account: Prowler / posture | {c['requests']} / {per_acct_posture:.0f} |")
            failed = sum(len(x["failed"]) for x in pr["sequential"] + pr.get("parallel", []))
            if failed:
                print(f"| Prowler processes that exited non-zero | {failed} |")
    print()
    report_quota(R)
    ops = runs[0]["by_operation"]
    top = sorted(ops.items(), key=lambda kv: -kv[1])[:8]
    print("posture's most frequent calls (run 1): " + ", ".join(f"{k} {v}" for k, v in top))


if __name__ == "__main__":
    sys.exit(main())
