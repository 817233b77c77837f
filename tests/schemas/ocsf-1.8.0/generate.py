#!/usr/bin/env python3
"""Regenerate the OCSF 1.8.0 data in this folder from the official compiled schema.

Run only when moving to another OCSF version; the test suite reads the generated files and
never needs this script or its package:

    python3 -m venv /tmp/ocsf-gen && /tmp/ocsf-gen/bin/pip install ocsf-json-schema==1.2.0
    /tmp/ocsf-gen/bin/python tests/schemas/ocsf-1.8.0/generate.py

ocsf-json-schema (PyPI, MIT) ships the schema.ocsf.io export of OCSF 1.8.0 (core schema plus
its linux/windows/macos extensions) and turns a class and a set of profiles into a JSON Schema.
Writes, for what posture emits (class 2003 Compliance Finding, profile cloud):
  compliance_finding.cloud.schema.json  the JSON Schema (draft 2020-12)
  captions.json                         enum captions: for each attribute with a caption
                                        sibling (severity_id -> severity, ...), in the class
                                        and in every object, the caption of each id, and the
                                        object type of object attributes
"""
import json
import pathlib

from ocsf_json_schema import OcsfJsonSchemaEmbedded, get_ocsf_schema

VERSION, CLASS_UID, PROFILES = '1.8.0', 2003, ['cloud']
here = pathlib.Path(__file__).resolve().parent


def table(attrs):
    out = {}
    for name, a in sorted(attrs.items()):
        entry = {}
        if a.get('sibling') and a.get('enum'):
            entry['sibling'] = a['sibling']
            entry['captions'] = {k: v.get('caption') for k, v in sorted(a['enum'].items())}
        if a.get('type') == 'object_t' and a.get('object_type'):
            entry['object'] = a['object_type']
        if entry:
            out[name] = entry
    return out


raw = get_ocsf_schema(VERSION)
cls = next(c for c in raw['classes'].values() if c['uid'] == CLASS_UID)
schema = OcsfJsonSchemaEmbedded(raw).get_class_schema(cls['name'], PROFILES)
(here / 'compliance_finding.cloud.schema.json').write_text(json.dumps(schema, indent=1, sort_keys=True) + '\n')
captions = {
    'version': raw['version'],
    'class_uid': CLASS_UID,
    'profiles': PROFILES,
    'class': table(cls['attributes']),
    'objects': {n: t for n, o in sorted(raw['objects'].items()) if (t := table(o.get('attributes', {})))},
}
(here / 'captions.json').write_text(json.dumps(captions, indent=1, sort_keys=True) + '\n')
print(f"OCSF {raw['version']}: class {cls['name']} ({CLASS_UID}), profiles {PROFILES}")
