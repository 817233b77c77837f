#!/usr/bin/env python3
"""Validate posture's OCSF output (NDJSON) against OCSF 1.8.0, from the schema data carried in
tests/schemas/ocsf-1.8.0/ (Apache-2.0, see LICENSE and NOTICE there).

Usage: validate_ocsf.py FILE
Per event:
  - the JSON Schema of class 2003 Compliance Finding with the cloud profile (draft 2020-12):
    required attributes, types, enum ids, no unknown attributes, no attribute of a profile the
    event does not declare, at every level;
  - metadata.version is the schema's version and metadata.profiles is exactly the generated set;
  - type_uid == class_uid * 100 + activity_id;
  - every caption sibling (severity, status, activity_name, compliance.status, ...) equals the
    caption of its id (ids 99, "Other", may carry any caption).
Prints `FILE:LINE: PATH: message` per error and `N passed, M failed`; exit 0 iff N > 0 and M == 0.
Needs jsonschema (tests/setup-tools.sh installs it into .venv-tools).
"""
import json
import pathlib
import sys

from jsonschema import Draft202012Validator

DATA = pathlib.Path(__file__).resolve().parent / 'schemas' / 'ocsf-1.8.0'


def caption_errors(table, objects, attrs_table, obj, path):
    for name, entry in attrs_table.items():
        if name not in obj:
            continue
        value = obj[name]
        sib = entry.get('sibling')
        if sib and sib in obj and isinstance(value, int) and value != 99:
            want = entry['captions'].get(str(value))
            if want is not None and obj[sib] != want:
                yield f'{path}.{sib}', f'{obj[sib]!r} is not the caption of {name}={value} ({want!r})'
        sub = objects.get(entry.get('object', ''))
        if sub:
            items = value if isinstance(value, list) else [value]
            for i, item in enumerate(items):
                if isinstance(item, dict):
                    where = f'{path}.{name}' + (f'[{i}]' if isinstance(value, list) else '')
                    yield from caption_errors(table, objects, sub, item, where)


def check(validator, captions, event):
    if not isinstance(event, dict):
        return [('$', 'not a JSON object')]
    errors = [(e.json_path, e.message[:300]) for e in validator.iter_errors(event)]
    meta = event.get('metadata') if isinstance(event.get('metadata'), dict) else {}
    if meta.get('version') != captions['version']:
        errors.append(('$.metadata.version', f"{meta.get('version')!r}, expected {captions['version']!r}"))
    if meta.get('profiles') != captions['profiles']:
        errors.append(('$.metadata.profiles', f"{meta.get('profiles')!r}, this schema is for {captions['profiles']!r}"))
    cls, act, tuid = event.get('class_uid'), event.get('activity_id'), event.get('type_uid')
    if all(isinstance(x, int) for x in (cls, act, tuid)) and tuid != cls * 100 + act:
        errors.append(('$.type_uid', f'{tuid} is not class_uid * 100 + activity_id = {cls * 100 + act}'))
    errors.extend(caption_errors(captions, captions['objects'], captions['class'], event, '$'))
    return errors


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    schema = json.loads((DATA / 'compliance_finding.cloud.schema.json').read_text())
    captions = json.loads((DATA / 'captions.json').read_text())
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    passed = failed = 0
    with open(sys.argv[1], encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                errors = check(validator, captions, json.loads(line))
            except json.JSONDecodeError as e:
                errors = [('$', f'not JSON: {e}')]
            for where, message in errors:
                print(f'{sys.argv[1]}:{n}: {where}: {message}')
            passed += not errors
            failed += bool(errors)
    print(f'{passed} passed, {failed} failed')
    return 0 if passed and not failed else 1


if __name__ == '__main__':
    sys.exit(main())
