#!/usr/bin/env python3
"""A fault-injecting HTTP proxy for AWS API calls (test harness; standard library only).

Sits between posture and an emulator (LocalStack) and, at configurable rates, answers with
AWS-shaped throttling errors (IAM/STS `Throttling`, EC2 `RequestLimitExceeded`, ACM
`ThrottlingException`, API Gateway 429 `TooManyRequestsException`, S3 503 `SlowDown`), HTTP 500s,
connection resets and slow responses; and answers AccessDenied for chosen accounts / services.
With --quotas it also enforces AWS's published control-plane request quotas
(src/aws/quotas.toml: API Gateway, EC2, ACM; Lambda is REST without a target header and not
enforced here), per account and region, and answers beyond them
with the throttling error each service really sends.
The service is read from the SigV4 credential scope; the account from the access key id (a
12-digit key id is the account itself, as LocalStack treats it; keys issued by STS AssumeRole
are learnt from the AssumeRole responses that pass through).

Usage:
  faultproxy.py --listen 127.0.0.1:4599 --upstream http://127.0.0.1:4566 [--route sts=http://127.0.0.1:5000]
                [--throttle 0.10] [--reset 0.01] [--error500 0.0] [--delay-ms 0]
                [--deny ACCOUNT:SERVICE ...] [--deny-assume ACCOUNT ...] [--seed 1]
                [--quotas [FILE]]
--route SERVICE=URL (repeatable) sends the requests signed for that service (the SigV4 signing
name) to another upstream: the emulated organization's STS is moto's, and its AssumeRole must
pass through the proxy for --deny-assume and for learning the keys of each account.
Statistics (JSON): GET http://LISTEN/__faultproxy/stats (with --quotas: `quota_throttled`, and
`quota_throttled_by` operation)

Quota mode: the operation is read from X-Amz-Target (JSON protocols), from Action= (query
protocols) or from the method and path (API Gateway's REST API: GET /restapis/{id}/resources is
GetResources, ...). An entry with a `burst` is a token bucket of that capacity, starting full;
an entry without one allows at most `requests` in any window of `per_seconds` seconds (the
strictest reading of "N requests every P seconds"). A throttled request consumes nothing.
"""
import argparse
import collections
import http.client
import json
import pathlib
import random
import re
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULT_QUOTAS = pathlib.Path(__file__).resolve().parent.parent / "src" / "aws" / "quotas.toml"
CRED = re.compile(r"Credential=([^/]+)/[^/]+/([^/]+)/([^/]+)/aws4_request")
APIGW_ROUTES = [  # (method, path pattern, operation) of the API Gateway calls posture makes
    ("GET", re.compile(r"^/restapis/?$"), "GetRestApis"),
    ("GET", re.compile(r"^/restapis/[^/]+/resources/?$"), "GetResources"),
    ("GET", re.compile(r"^/restapis/[^/]+/resources/[^/]+/methods/[^/]+/?$"), "GetMethod"),
    ("GET", re.compile(r"^/restapis/[^/]+/authorizers/?$"), "GetAuthorizers"),
    ("GET", re.compile(r"^/restapis/[^/]+/stages/?$"), "GetStages"),
    ("GET", re.compile(r"^/domainnames/?$"), "GetDomainNames"),
]
HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"}


class State:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.lock = threading.Lock()
        self.key_account = {}
        self.stats = {"requests": 0, "forwarded": 0, "throttled": 0, "reset": 0, "error500": 0, "denied": 0, "by_service": {}}
        self.deny = {}
        for d in args.deny or []:
            acct, _, svc = d.partition(":")
            self.deny.setdefault(acct, set()).add(svc or "*")
        self.deny_assume = set(args.deny_assume or [])
        self.quotas = load_quotas(args.quotas) if args.quotas else []
        self.buckets = {}
        if self.quotas:
            self.stats.update(quota_throttled=0, quota_throttled_by={})

    def over_quota(self, account, region, service, operation):
        """True if the request breaks a published quota (then nothing is consumed); otherwise it
        is booked in every quota that applies (the first matching entry of each group)."""
        if not self.quotas or not operation:
            return False
        now = time.monotonic()
        groups, rules = set(), []
        for i, q in enumerate(self.quotas):
            if q["group"] in groups or q["service"] != service:
                continue
            if q.get("all") or operation in q.get("operations", []) or \
                    any(operation.startswith(p) for p in q.get("prefixes", [])):
                groups.add(q["group"])
                rules.append(i)
        with self.lock:
            states = []
            for i in rules:
                q = self.quotas[i]
                key = (account, region, i, operation if q["bucket"] == "operation" else None)
                rate = q["requests"] / q["per_seconds"]
                if "burst" in q:
                    tokens, last = self.buckets.get(key, (float(q["burst"]), now))
                    tokens = min(float(q["burst"]), tokens + (now - last) * rate)
                    if tokens < 1.0:
                        return self.throttled(service, operation)
                    states.append((key, "bucket", tokens))
                else:
                    window = self.buckets.setdefault(key, collections.deque())
                    while window and window[0] <= now - q["per_seconds"]:
                        window.popleft()
                    if len(window) >= q["requests"]:
                        return self.throttled(service, operation)
                    states.append((key, "window", window))
            for key, kind, st in states:
                if kind == "bucket":
                    self.buckets[key] = (st - 1.0, now)
                else:
                    st.append(now)
        return False

    def throttled(self, service, operation):
        # Called with the lock held.
        self.stats["quota_throttled"] += 1
        by = self.stats["quota_throttled_by"]
        by[f"{service}:{operation}"] = by.get(f"{service}:{operation}", 0) + 1
        return True

    def roll(self, rate):
        with self.lock:
            return rate > 0 and self.rng.random() < rate

    def count(self, key, service=None):
        with self.lock:
            self.stats[key] += 1
            if service and key == "requests":
                self.stats["by_service"][service] = self.stats["by_service"].get(service, 0) + 1


def load_quotas(path):
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        raise SystemExit("faultproxy: --quotas needs Python 3.11 or later (tomllib)")
    with open(path, "rb") as f:
        quotas = tomllib.load(f).get("quota", [])
    if not quotas:
        raise SystemExit(f"faultproxy: no [[quota]] entries in {path}")
    return quotas


def operation_of(service, method, path, headers, body):
    """The API operation of a request: X-Amz-Target (JSON), Action= (query), method + path (REST)."""
    target = headers.get("X-Amz-Target")
    if target:
        return target.rsplit(".", 1)[-1]
    if body and b"Action=" in body:
        return urllib.parse.parse_qs(body.decode(errors="replace")).get("Action", [""])[0]
    if service == "apigateway":
        p = urllib.parse.urlsplit(path).path
        for m, pattern, op in APIGW_ROUTES:
            if method == m and pattern.match(p):
                return op
        return f"{method} {p}"
    return ""


def error_response(service, kind):
    """(status, headers, body) for an AWS-shaped error of `kind` (throttle, denied, internal)."""
    codes = {
        "throttle": {"iam": (400, "Throttling"), "sts": (400, "Throttling"), "ec2": (503, "RequestLimitExceeded"),
                     "acm": (400, "ThrottlingException"), "organizations": (400, "TooManyRequestsException"),
                     "apigateway": (429, "TooManyRequestsException"), "s3": (503, "SlowDown")},
        "denied": {"iam": (403, "AccessDenied"), "sts": (403, "AccessDenied"), "ec2": (403, "UnauthorizedOperation"),
                   "acm": (400, "AccessDeniedException"), "organizations": (400, "AccessDeniedException"),
                   "apigateway": (403, "AccessDeniedException"), "s3": (403, "AccessDenied")},
        "internal": {"iam": (500, "InternalFailure"), "sts": (500, "InternalFailure"), "ec2": (500, "InternalError"),
                     "acm": (500, "InternalFailure"), "organizations": (500, "ServiceException"),
                     "apigateway": (500, "InternalFailure"), "s3": (500, "InternalError")},
    }[kind]
    status, code = codes.get(service, codes["s3"] if service == "s3control" else (500, "InternalFailure"))
    message = {"throttle": {"apigateway": "Too Many Requests", "ec2": "Request limit exceeded."}.get(service, "Rate exceeded"), "denied": "injected by faultproxy: not authorized", "internal": "injected internal error"}[kind]
    if service in ("iam", "sts"):
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
                f"<RequestId>faultproxy</RequestId></ErrorResponse>")
        return status, {"Content-Type": "text/xml"}, body.encode()
    if service == "ec2":
        body = (f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
                f"<RequestID>faultproxy</RequestID></Response>")
        return status, {"Content-Type": "text/xml"}, body.encode()
    if service in ("acm", "organizations"):
        return status, {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": code}, json.dumps({"__type": code, "message": message}).encode()
    if service == "apigateway":
        return status, {"Content-Type": "application/json", "x-amzn-ErrorType": code}, json.dumps({"message": message}).encode()
    body = f"<Error><Code>{code}</Code><Message>{message}</Message><RequestId>faultproxy</RequestId></Error>"
    return status, {"Content-Type": "application/xml"}, body.encode()


def make_handler(state):
    default_upstream = urllib.parse.urlsplit(state.args.upstream)
    routes = {}
    for r in state.args.route or []:
        svc, _, url = r.partition("=")
        routes[svc] = urllib.parse.urlsplit(url)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def send_error_response(self, service, kind):
            status, headers, body = error_response(service, kind)
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def handle_any(self):
            if self.path == "/__faultproxy/stats":
                with state.lock:
                    body = json.dumps(state.stats).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            m = CRED.search(self.headers.get("Authorization", ""))
            key, region, service = (m.group(1), m.group(2), m.group(3)) if m else ("", "", "unknown")
            account = key if re.fullmatch(r"\d{12}", key) else state.key_account.get(key, "")
            state.count("requests", service)
            assume_target = None
            if service == "sts" and b"Action=AssumeRole" in body:
                arn = urllib.parse.parse_qs(body.decode(errors="replace")).get("RoleArn", [""])[0]
                assume_target = arn.split(":")[4] if arn.count(":") >= 5 else None
                if assume_target in state.deny_assume:
                    state.count("denied")
                    return self.send_error_response("sts", "denied")
            denied = state.deny.get(account, set())
            if "*" in denied or service in denied or (service == "s3control" and "s3" in denied):
                state.count("denied")
                return self.send_error_response(service, "denied")
            if state.roll(state.args.reset):
                state.count("reset")
                self.close_connection = True
                try:
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                finally:
                    self.connection.close()
                return
            if state.quotas and state.over_quota(account or key, region, service,
                                                 operation_of(service, self.command, self.path, self.headers, body)):
                return self.send_error_response(service, "throttle")
            if state.roll(state.args.throttle):
                state.count("throttled")
                return self.send_error_response(service, "throttle")
            if state.roll(state.args.error500):
                state.count("error500")
                return self.send_error_response(service, "internal")
            if state.args.delay_ms:
                time.sleep(state.args.delay_ms / 1000.0)
            upstream = routes.get(service, default_upstream)
            conn = http.client.HTTPConnection(upstream.hostname, upstream.port or 80, timeout=120)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            conn.close()
            state.count("forwarded")
            if assume_target and resp.status == 200:
                k = re.search(rb"<AccessKeyId>([^<]+)</AccessKeyId>", data)
                if k:
                    with state.lock:
                        state.key_account[k.group(1).decode()] = assume_target
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() not in HOP and k.lower() != "content-length":
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = handle_any

    return Handler


class Server(ThreadingHTTPServer):
    # The default listen backlog (5) overflows when a scan opens hundreds of connections at
    # once; Linux then drops the handshake's last ACK and the client, which believes it is
    # connected, waits through SYN-ACK retransmissions (tens of seconds) without an error.
    request_queue_size = 1024
    daemon_threads = True


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--listen", default="127.0.0.1:4599")
    p.add_argument("--upstream", default="http://127.0.0.1:4566")
    p.add_argument("--throttle", type=float, default=0.0)
    p.add_argument("--reset", type=float, default=0.0)
    p.add_argument("--error500", type=float, default=0.0)
    p.add_argument("--delay-ms", type=int, default=0)
    p.add_argument("--route", action="append", metavar="SERVICE=URL")
    p.add_argument("--deny", action="append", metavar="ACCOUNT:SERVICE")
    p.add_argument("--deny-assume", action="append", metavar="ACCOUNT")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--quotas", nargs="?", metavar="FILE", const=str(DEFAULT_QUOTAS),
                   help=f"enforce AWS's published request quotas (default file: {DEFAULT_QUOTAS})")
    args = p.parse_args()
    host, _, port = args.listen.rpartition(":")
    if host not in ("127.0.0.1", "localhost", "::1"):
        p.error("listen on loopback only")
    server = Server((host, int(port)), make_handler(State(args)))
    server.daemon_threads = True
    print(f"faultproxy: listening on {args.listen}, upstream {args.upstream}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
