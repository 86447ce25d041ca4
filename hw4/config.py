"""Validate the workflow config against config/schema.yaml, filling defaults, with errors a user can act on."""

import copy
from pathlib import Path

import jsonschema
import yaml


class ConfigError(ValueError):
    pass


def _with_defaults(validator_class):
    """A validator that also fills in each property's `default` (as Snakemake's validate does)."""
    validate_props = validator_class.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for name, sub in properties.items():
                if "default" in sub and name not in instance:
                    instance[name] = copy.deepcopy(sub["default"])
        yield from validate_props(validator, properties, instance, schema)

    return jsonschema.validators.extend(validator_class, {"properties": set_defaults})


def _where(error) -> str:
    parts = []
    for p in error.absolute_path:
        parts.append(f"[{p}]" if isinstance(p, int) else (f".{p}" if parts else str(p)))
    return "".join(parts) or "(top level)"


def _allowed(error) -> str:
    s = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties":
        return "allowed keys here: " + ", ".join(sorted(s.get("properties", {})))
    bits = []
    if "type" in s:
        bits.append(f"type {s['type']}")
    if "enum" in s:
        bits.append("one of " + ", ".join(map(str, s["enum"])))
    if "minimum" in s:
        bits.append(f">= {s['minimum']}")
    if "maximum" in s:
        bits.append(f"<= {s['maximum']}")
    if "minItems" in s:
        bits.append(f"at least {s['minItems']} items")
    if "required" in s and error.validator == "required":
        bits.append("required keys: " + ", ".join(s["required"]))
    if "description" in s:
        bits.append(s["description"])
    return "allowed: " + "; ".join(bits) if bits else ""


def validate_config(config: dict, schema_path: str | Path, source: str = "config") -> dict:
    """Validate ``config`` in place (defaults filled); raise ConfigError naming the key and what is allowed."""
    schema = yaml.safe_load(Path(schema_path).read_text())
    cls = _with_defaults(jsonschema.validators.validator_for(schema))
    errors = sorted(cls(schema).iter_errors(config), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"{source}: invalid configuration ({len(errors)} problem(s)); schema: {schema_path}"]
        for e in errors:
            extra = _allowed(e)
            lines.append(f"  - {_where(e)}: {e.message}" + (f" ({extra})" if extra else ""))
        raise ConfigError("\n".join(lines))
    return config
