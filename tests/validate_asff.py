#!/usr/bin/env python3
"""Validate posture's ASFF output (a JSON array of findings, or NDJSON of BatchImportFindings
bodies) against the Security Hub service model that botocore ships (BatchImportFindings input).

Usage: validate_asff.py FILE
Checked:
  - botocore's ParamValidator on {"Findings": [...]} in batches of the model's maximum (100):
    required members, types, unknown members, minimum lengths, at every level;
  - the model's enums, patterns and maximums, which botocore leaves to the service;
  - documented Security Hub rules the model does not encode: SchemaVersion 2018-10-08, a
    12-digit AwsAccountId, Types as NAMESPACE/CATEGORY[/CLASSIFIER], Title <= 256 and
    Description <= 1024 characters, ISO 8601 timestamps, <= 240 KB per finding, unique Ids.
Prints `FILE:[i]: PATH: message` per error and `N passed, M failed`; exit 0 iff N > 0, M == 0.
Needs botocore (tests/setup-tools.sh installs it into .venv-tools).
"""
import json
import re
import sys

import botocore.session
from botocore.validate import ParamValidator

NAMESPACES = ('Software and Configuration Checks', 'TTPs', 'Effects', 'Unusual Behaviors',
              'Sensitive Data Identifications')
ISO = re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:?\d\d)')


def model_errors(value, shape, path):
    meta = shape.metadata
    if shape.type_name == 'structure' and isinstance(value, dict):
        for k, v in value.items():
            if k in shape.members:
                yield from model_errors(v, shape.members[k], f'{path}.{k}')
    elif shape.type_name == 'list' and isinstance(value, list):
        if 'max' in meta and len(value) > meta['max']:
            yield path, f"{len(value)} items, at most {meta['max']}"
        for i, v in enumerate(value):
            yield from model_errors(v, shape.member, f'{path}[{i}]')
    elif shape.type_name == 'map' and isinstance(value, dict):
        for k, v in value.items():
            yield from model_errors(k, shape.key, f'{path}{{key {k!r}}}')
            yield from model_errors(v, shape.value, f'{path}.{k}')
    elif shape.type_name == 'string' and isinstance(value, str):
        if shape.enum and value not in shape.enum:
            yield path, f'{value!r} is not one of {shape.enum}'
        if 'pattern' in meta and not re.search(meta['pattern'], value):
            yield path, f"{value[:60]!r} does not match {meta['pattern']!r}"
        if 'max' in meta and len(value) > meta['max']:
            yield path, f"length {len(value)}, at most {meta['max']}"


def rule_errors(f):
    if f.get('SchemaVersion') != '2018-10-08':
        yield '$.SchemaVersion', f"{f.get('SchemaVersion')!r}, must be '2018-10-08'"
    if not re.fullmatch(r'\d{12}', str(f.get('AwsAccountId', ''))):
        yield '$.AwsAccountId', f"{f.get('AwsAccountId')!r} is not 12 digits"
    types = f.get('Types') or []
    if not types:
        yield '$.Types', 'at least one type is required'
    for t in types:
        parts = str(t).split('/')
        if not 2 <= len(parts) <= 3 or parts[0] not in NAMESPACES or not all(p.strip() for p in parts):
            yield '$.Types', f'{t!r} is not NAMESPACE/CATEGORY[/CLASSIFIER]'
    for key, limit in (('Title', 256), ('Description', 1024)):
        if isinstance(f.get(key), str) and len(f[key]) > limit:
            yield f'$.{key}', f'{len(f[key])} characters, at most {limit}'
    for key in ('CreatedAt', 'UpdatedAt', 'FirstObservedAt', 'LastObservedAt'):
        if key in f and not ISO.fullmatch(str(f[key])):
            yield f'$.{key}', f'{f[key]!r} is not an ISO 8601 timestamp'
    size = len(json.dumps(f, separators=(',', ':')).encode())
    if size > 240 * 1024:
        yield '$', f'{size} bytes, at most 240 KB'


def load(path):
    text = open(path, encoding='utf-8').read()
    try:
        doc = json.loads(text)
        return doc if isinstance(doc, list) else doc.get('Findings', [doc])
    except json.JSONDecodeError:
        found = []
        for line in text.splitlines():
            if line.strip():
                doc = json.loads(line)
                found.extend(doc['Findings'] if isinstance(doc, dict) and 'Findings' in doc else [doc])
        return found


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    op = botocore.session.get_session().get_service_model('securityhub').operation_model('BatchImportFindings')
    shape = op.input_shape.members['Findings']
    size = shape.metadata.get('max', 100)
    findings = load(sys.argv[1])
    errors = {i: [] for i in range(len(findings))}
    for start in range(0, len(findings), size):
        report = ParamValidator().validate({'Findings': findings[start:start + size]}, op.input_shape)
        for _kind, name, detail in report._errors:
            m = re.match(r'\.Findings\[(\d+)\](.*)', name)
            i = start + int(m.group(1)) if m else start
            errors[i].append(('$' + (m.group(2) if m else name), f'{_kind}: {detail}'))
    seen = set()
    for i, f in enumerate(findings):
        if not isinstance(f, dict):
            errors[i].append(('$', 'not a JSON object'))
            continue
        errors[i] += list(model_errors(f, shape.member, '$')) + list(rule_errors(f))
        if f.get('Id') in seen:
            errors[i].append(('$.Id', f"duplicate Id {f.get('Id')!r}"))
        seen.add(f.get('Id'))
    for i, errs in errors.items():
        for where, message in errs:
            print(f'{sys.argv[1]}:[{i}]: {where}: {message}')
    failed = sum(1 for e in errors.values() if e)
    print(f'{len(findings) - failed} passed, {failed} failed')
    return 0 if findings and not failed else 1


if __name__ == '__main__':
    sys.exit(main())
