#!/usr/bin/env python3
"""Validate a JSON document against a JSON Schema (draft 2020-12).

Usage: validate_json_schema.py SCHEMA DOCUMENT
Prints each error as `DOCUMENT: JSON-PATH: message` and exits 1 if there is any.
"""
import json
import sys

from jsonschema import Draft202012Validator, FormatChecker


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    schema_path, doc_path = sys.argv[1], sys.argv[2]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    with open(doc_path, encoding="utf-8") as f:
        doc = json.load(f)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errors:
        path = "$" + "".join(f"[{p!r}]" for p in e.absolute_path)
        print(f"{doc_path}: {path}: {e.message}")
    if errors:
        return 1
    print(f"{doc_path}: valid against {schema_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
