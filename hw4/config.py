"""Validate the workflow config against config/schema.yaml, filling defaults, with errors a user can act on."""

import copy
import math
import re
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "config" / "schema.yaml"
DEFAULT = ROOT / "config" / "config.yaml"


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
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    return path.removeprefix(".") or "(top level)"


def _allowed(error) -> str:
    s = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties":
        return "allowed keys here: " + ", ".join(sorted(s.get("properties", {})))
    shown = {
        "type": lambda v: f"type {v}",
        "enum": lambda v: "one of " + ", ".join(map(str, v)),
        "minimum": lambda v: f">= {v}",
        "maximum": lambda v: f"<= {v}",
        "minItems": lambda v: f"at least {v} items",
        "required": lambda v: "required keys: " + ", ".join(v),
        "description": lambda v: v,
    }
    bits = [f(s[key]) for key, f in shown.items() if key in s and (key != "required" or error.validator == "required")]
    return "allowed: " + "; ".join(bits) if bits else ""


_INT = re.compile(r"[+-]?\d+\Z")
_BOOL = {"true": True, "false": False, "yes": True, "no": False, "on": True, "off": False}


def _scalar_from_text(text: str, types: list[str]):
    """``text`` as the first schema type it spells exactly (a command-line value arrives as a string), else
    ``text`` itself, which the validator then reports."""
    s = text.strip()
    for kind in types:
        if kind == "integer" and _INT.match(s):
            return int(s)
        if kind == "number":
            try:
                value = float(s)
            except ValueError:
                continue
            if math.isfinite(value):
                return int(s) if _INT.match(s) else value
        if kind == "boolean" and s.lower() in _BOOL:
            return _BOOL[s.lower()]
        if kind == "null" and s.lower() in ("null", "none", "~"):
            return None
        if kind == "string":
            return text
    return text


def coerce_to_schema(instance, schema: dict):
    """Convert string values to the types the schema asks for, where the string spells one exactly.

    Snakemake hands nested ``--config`` values over as strings (``--config 'q4={train: {epochs: 2}}'`` gives
    epochs = '2'); this makes them what a config file would have given.  Dicts and lists are converted in
    place, following ``properties`` and ``items``; anything else is left for the validator.
    """
    types = schema.get("type", [])
    types = [types] if isinstance(types, str) else list(types)
    if isinstance(instance, str) and types and "string" not in types:
        return _scalar_from_text(instance, types)
    if isinstance(instance, dict):
        for name, sub in schema.get("properties", {}).items():
            if name in instance and isinstance(sub, dict):
                instance[name] = coerce_to_schema(instance[name], sub)
    elif isinstance(instance, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(instance):
            instance[i] = coerce_to_schema(item, schema["items"])
    return instance


def validate_config(config: dict, schema_path: str | Path, source: str = "config") -> dict:
    """Validate ``config`` in place (command-line strings coerced to their schema types, defaults filled);
    raise ConfigError naming the key and what is allowed."""
    schema = yaml.safe_load(Path(schema_path).read_text())
    coerce_to_schema(config, schema)
    cls = _with_defaults(jsonschema.validators.validator_for(schema))
    errors = sorted(cls(schema).iter_errors(config), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"{source}: invalid configuration ({len(errors)} problem(s)); schema: {schema_path}"]
        for e in errors:
            extra = _allowed(e)
            lines.append(f"  - {_where(e)}: {e.message}" + (f" ({extra})" if extra else ""))
        raise ConfigError("\n".join(lines))
    return config


def merge(base: dict, over: dict) -> dict:
    """``over`` laid over ``base``, nested mappings merged key by key (as Snakemake merges --configfile)."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        both = isinstance(value, dict) and isinstance(out.get(key), dict)
        out[key] = merge(out[key], value) if both else copy.deepcopy(value)
    return out


def load_config(*profiles: str | Path, schema: str | Path = SCHEMA) -> dict:
    """The configuration a build with these profiles reads: config/config.yaml, each profile laid over it, then
    the schema's defaults for every key left unset (the schema is the one place defaults are written)."""
    config: dict = {}
    for path in (DEFAULT, *profiles):
        layer = yaml.safe_load(Path(path).read_text()) or {}
        if not isinstance(layer, dict):
            raise ConfigError(
                f"{path}: a profile must be a mapping of settings (key: value), not {type(layer).__name__}"
            )
        config = merge(config, layer)
    return validate_config(config, schema, " + ".join(str(p) for p in (DEFAULT, *profiles)))
