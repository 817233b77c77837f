#!/usr/bin/env python3
"""moto's request recorder, read for the end-to-end test: which AWS operations a client made.

Usage (run with localstack/.venv-moto/bin/python, which has botocore's service models):
  moto_recording.py start [--endpoint URL]   erase the recording and start recording
  moto_recording.py calls [--endpoint URL]   stop recording and print the recorded calls as JSON:
                                             [{"service": "guardduty", "operation": "ListDetectors",
                                               "account_key": "ASIA...", "method": "GET", "path": "/detector"}]

The service is the SigV4 signing name of the request (its credential scope); the operation comes
from the X-Amz-Target header (JSON protocols), the Action parameter (query protocols) or, for
REST protocols, from matching the method and path against the requestUri of every operation of
that service's botocore model (the most specific template wins). A request that matches nothing
is printed with operation "?" so that the caller can fail on it: an unidentified call is not
proved to be read-only.
"""
import argparse
import base64
import json
import re
import sys
import urllib.parse
import urllib.request

import botocore.session

CRED = re.compile(r"Credential=([^/]+)/[^/]+/([^/]+)/([^/]+)/aws4_request")


def api(endpoint, action):
    with urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/recorder/{action}", method="POST"
                                                       if action != "download-recording" else "GET"), timeout=30) as r:
        return r.read().decode()


def template_regex(template):
    """A regex for a requestUri template: {name} is one path segment, {name+} any rest."""
    parts = re.split(r"(\{[^}]+\})", template)
    rx = "".join((".+" if p.endswith("+}") else "[^/]+") if p.startswith("{") else re.escape(p) for p in parts)
    return "^" + rx + "/?$"


class Models:
    def __init__(self):
        self.session = botocore.session.get_session()
        self.loader = self.session.get_component("data_loader")
        self.by_signing = {}
        for name in self.session.get_available_services():
            meta = self.loader.load_service_model(name, "service-2")["metadata"]
            signing = meta.get("signingName") or meta.get("endpointPrefix")
            self.by_signing.setdefault(signing, []).append(name)
        self.cache = {}

    def model(self, name):
        if name not in self.cache:
            self.cache[name] = self.session.get_service_model(name)
        return self.cache[name]

    def operation(self, signing, method, path, headers, body):
        target = next((v for k, v in headers.items() if k.lower() == "x-amz-target"), None)
        if target:
            return target.rsplit(".", 1)[-1]
        names = self.by_signing.get(signing, [])
        query_ops = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
        form = {}
        if isinstance(body, str) and "Action=" in body:
            form = urllib.parse.parse_qs(body)
        for source in (form, query_ops):
            if "Action" in source:
                return source["Action"][0]
        best = None
        plain = urllib.parse.unquote(urllib.parse.urlsplit(path).path)
        for name in names:
            m = self.model(name)
            if m.protocol not in ("rest-json", "rest-xml"):
                continue
            for op_name in m.operation_names:
                http = m.operation_model(op_name).http
                if http.get("method") != method:
                    continue
                template = http.get("requestUri", "/").split("?", 1)[0]
                literal = len(re.sub(r"\{[^}]+\}", "", template))
                pattern = template_regex(template)
                if re.match(pattern, plain) and (best is None or literal > best[0]):
                    best = (literal, op_name)
        return best[1] if best else "?"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["start", "calls"])
    p.add_argument("--endpoint", default="http://127.0.0.1:5000")
    a = p.parse_args()
    if a.command == "start":
        api(a.endpoint, "reset-recording")
        api(a.endpoint, "start-recording")
        return 0
    api(a.endpoint, "stop-recording")
    text = api(a.endpoint, "download-recording")
    models = Models()
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        e = json.loads(line)
        headers = e.get("headers") or {}
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        m = CRED.search(auth)
        key, signing = (m.group(1), m.group(3)) if m else ("", "unsigned")
        split = urllib.parse.urlsplit(e.get("url", ""))
        path = split.path + (f"?{split.query}" if split.query else "")
        body = e.get("body") or ""
        if e.get("body_encoded"):
            body = base64.b64decode(body).decode("utf-8", errors="replace")
        out.append({"service": signing, "operation": models.operation(signing, e.get("method"), path, headers, body),
                    "account_key": key, "method": e.get("method"), "path": split.path})
    json.dump(out, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
