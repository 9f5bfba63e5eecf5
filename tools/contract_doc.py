"""Write the README's description of the context contract from its JSON Schema.

    python tools/contract_doc.py            # rewrite the part of README.md between the contract markers
    python tools/contract_doc.py --check    # exit 1 when README.md is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reportgen.contract import MODELS, SCHEMA_VERSION, json_schema  # noqa: E402

README = ROOT / "README.md"
BEGIN, END = "<!-- contract:begin -->", "<!-- contract:end -->"


def _type(prop: dict) -> str:
    """Return a short type name of a schema property: 'RuleSegment[]', 'Comparison or null', 'int'."""
    if "$ref" in prop:
        return prop["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in prop:
        return " or ".join(_type(p) for p in prop["anyOf"])
    kind = prop.get("type", "any")
    if kind == "array":
        return _type(prop.get("items", {})) + "[]"
    if kind == "object" and "additionalProperties" in prop and isinstance(prop["additionalProperties"], dict):
        return "{name: " + _type(prop["additionalProperties"]) + "}"
    if "const" in prop:
        return repr(prop["const"])
    if "enum" in prop:
        return " | ".join(repr(v) for v in prop["enum"])
    return {"integer": "int", "number": "float", "string": "str", "boolean": "bool", "null": "null"}.get(kind, kind)


def _meaning(prop: dict, defs: dict) -> str:
    """Return a property's description, else the first line of the part it refers to."""
    if prop.get("description"):
        return prop["description"]
    refs = [prop] + prop.get("anyOf", [])
    for ref in refs:
        if "$ref" in ref:
            return defs[ref["$ref"].rsplit("/", 1)[-1]].get("description", "").splitlines()[0]
    return ""


def markdown() -> str:
    """Return the README section: for each input kind, the top-level keys and every part with its fields."""
    lines = [BEGIN, f"Schema version {SCHEMA_VERSION}."]
    for kind in MODELS:
        schema = json_schema(kind)
        lines += ["", f"Top-level keys of the context of a `{kind}` table (`reportgen schema --kind {kind}`):", "",
                  "| key | type | meaning |", "| --- | --- | --- |"]
        for name, prop in schema["properties"].items():
            lines.append(f"| `{name}` | {_type(prop)} | {_meaning(prop, schema['$defs'])} |")
        lines += ["", f"<details><summary>Every part of a {kind} context, field by field</summary>", ""]
        for part, spec in sorted(schema["$defs"].items()):
            if spec.get("type") != "object":
                continue
            lines.append(f"- **{part}**: {spec.get('description', '').splitlines()[0]}  ")
            fields = ", ".join(f"`{f}` ({_type(p)})" for f, p in spec.get("properties", {}).items())
            lines.append(f"  {fields}")
        lines += ["", "</details>"]
    lines.append(END)
    return "\n".join(lines)


def main() -> int:
    """Rewrite (or with --check, compare) the README's contract section."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = README.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    updated = text[:start] + markdown() + text[end:]
    if args.check:
        if updated != text:
            print("README.md's contract section is out of date: run python tools/contract_doc.py")
            return 1
        return 0
    README.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
