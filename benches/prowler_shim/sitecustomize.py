"""Loaded into the Prowler processes by benches/measure.py (PYTHONPATH), never by anything else.

S3 Control requests go to {AccountId}.<endpoint host>, i.e. 123456789012.127.0.0.1:4610, which
no resolver answers: botocore retries the DNS failure with backoff for every S3 Control call
(~9 s per account) and the account-level Block Public Access check gets no data. posture's own
HTTP client resolves *.127.0.0.1 to the loopback address (src/aws/resolver.rs); this gives
Prowler's botocore the same, so both scanners reach LocalStack the same way (LocalStack accepts
the prefixed Host header). Nothing else is changed.
"""
import re
import socket

_getaddrinfo = socket.getaddrinfo
_PREFIXED_LOOPBACK = re.compile(r"(?:[A-Za-z0-9-]+\.)+127\.0\.0\.1")


def _loopback_getaddrinfo(host, *args, **kwargs):
    if isinstance(host, str) and _PREFIXED_LOOPBACK.fullmatch(host):
        host = "127.0.0.1"
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _loopback_getaddrinfo
