"""pydantic's JSON schema made structural for Kubernetes (pure: a model in, a schema dict out).

`$ref`s are inlined, `Optional` becomes a plain optional property (Kubernetes rejects `anyOf` with
`null`), and free-form objects keep unknown fields.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

Schema = dict[str, Any]


def structural_schema(model: type[BaseModel]) -> Schema:
    """The model's JSON schema as a Kubernetes structural schema."""
    raw = model.model_json_schema(mode="validation")
    definitions = raw.pop("$defs", {})
    return _structural(raw, definitions)


def _structural(node: Schema, definitions: dict[str, Schema]) -> Schema:
    if "$ref" in node:
        target = definitions[node["$ref"].rsplit("/", 1)[-1]]
        merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return _structural(merged, definitions)
    if "anyOf" in node:
        choices = [c for c in node["anyOf"] if c.get("type") != "null"]
        if len(choices) != 1:
            raise ValueError(f"cannot express a union of {len(choices)} shapes structurally: {node}")
        rest = {k: v for k, v in node.items() if k != "anyOf"}
        return _structural({**choices[0], **rest}, definitions)
    out: Schema = {}
    for key, value in node.items():
        if key in ("title", "propertyNames") or (key == "default" and value is None):
            continue
        if key == "const":
            out["enum"] = [value]
        elif key == "description":
            out["description"] = " ".join(value.split())  # a wrapped field docstring is one line
        elif key == "properties":
            out["properties"] = {name: _structural(sub, definitions) for name, sub in value.items()}
        elif key == "items":
            out["items"] = _structural(value, definitions)
        elif key == "additionalProperties":
            if value is True:
                out["x-kubernetes-preserve-unknown-fields"] = True
            elif isinstance(value, dict):
                out["additionalProperties"] = _structural(value, definitions)
            # `false` (extra="forbid") is what structural pruning already does.
        else:
            out[key] = value
    if "type" not in out and "enum" not in out:
        out["x-kubernetes-preserve-unknown-fields"] = True  # free-form (Any)
    if "enum" in out and "type" not in out:
        out["type"] = "string"
    if out.get("type") == "object" and "properties" not in out and "additionalProperties" not in out:
        out["x-kubernetes-preserve-unknown-fields"] = True
    return out


def node_at(schema: Schema, dotted: str) -> Schema:
    """The schema node at a dotted property path (arrays on the way are entered through `items`)."""
    node = schema
    parts = dotted.split(".")
    for depth, part in enumerate(parts, start=1):
        node = node["properties"][part]
        if depth < len(parts) and node.get("type") == "array":
            node = node["items"]
    return node
