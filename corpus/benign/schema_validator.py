# Validate JSON documents against a tiny schema language using match.
import json

SCHEMA = {
    "type": "object",
    "required": ["id", "name", "tags"],
    "properties": {
        "id": {"type": "int", "min": 1},
        "name": {"type": "str", "maxlen": 10},
        "tags": {"type": "list", "items": {"type": "str"}},
        "score": {"type": "float"},
        "owner": {"type": "object", "required": ["email"], "properties": {"email": {"type": "str"}}},
    },
}


def validate(doc, schema, path="$"):
    errors = []
    match schema:
        case {"type": "object", "properties": props, **rest}:
            if not isinstance(doc, dict):
                return [f"{path}: expected object"]
            for key in rest.get("required", []):
                if key not in doc:
                    errors.append(f"{path}.{key}: required")
            for key, value in doc.items():
                if key in props:
                    errors += validate(value, props[key], f"{path}.{key}")
                else:
                    errors.append(f"{path}.{key}: unexpected")
        case {"type": "list", "items": item_schema}:
            if not isinstance(doc, list):
                return [f"{path}: expected list"]
            for i, v in enumerate(doc):
                errors += validate(v, item_schema, f"{path}[{i}]")
        case {"type": "int", **limits}:
            match doc:
                case bool():
                    errors.append(f"{path}: bool is not int")
                case int(n) if n < limits.get("min", n):
                    errors.append(f"{path}: {n} < {limits['min']}")
                case int():
                    pass
                case _:
                    errors.append(f"{path}: expected int")
        case {"type": "float"}:
            if not isinstance(doc, (int, float)) or isinstance(doc, bool):
                errors.append(f"{path}: expected number")
        case {"type": "str", "maxlen": n}:
            if not isinstance(doc, str) or len(doc) > n:
                errors.append(f"{path}: expected str of at most {n}")
        case {"type": "str"}:
            if not isinstance(doc, str):
                errors.append(f"{path}: expected str")
        case _:
            errors.append(f"{path}: bad schema")
    return errors


DOCS = [
    '{"id": 3, "name": "widget", "tags": ["a", "b"], "score": 4.5}',
    '{"id": 0, "name": "a very long name", "tags": ["a", 2]}',
    '{"id": true, "tags": "x", "extra": null}',
    '{"id": 9, "name": "x", "tags": [], "owner": {"mail": "x"}}',
]
for text in DOCS:
    errs = validate(json.loads(text), SCHEMA)
    print("OK" if not errs else "; ".join(errs))
