"""Hostile GraphQL texts and bodies, built by size rather than written out."""

from __future__ import annotations

import orjson


def nested(levels: int) -> str:
    """`{ partner { deals { nodes { partner { … } } } } }`-like nesting, `levels` deep, in the
    fewest characters: unknown fields still have to be parsed before anything else happens."""
    return "{" + "a{" * levels + "b" + "}" * levels + "}"


def aliases(count: int) -> str:
    return "{ " + " ".join(f"a{i}: tiers {{ name }}" for i in range(count)) + " }"


def fragment_cycle() -> str:
    return (
        "query { ...A } fragment A on Query { tiers { name } ...B } "
        "fragment B on Query { ...A }"
    )


def fragment_bomb(levels: int, fan_out: int) -> str:
    """Billion laughs: each fragment spreads the one below `fan_out` times, so the operation
    stands for fan_out ** levels fields while its text stays small."""
    parts = [f"query {{ ...F{levels} }}", "fragment F0 on Query { tiers { name } }"]
    for level in range(1, levels + 1):
        spreads = " ".join(f"...F{level - 1}" for _ in range(fan_out))
        parts.append(f"fragment F{level} on Query {{ {spreads} }}")
    return " ".join(parts)


def fragment_alias_bomb(levels: int, fan_out: int) -> str:
    """Like fragment_bomb, but with aliased spreads through nested fields, which defeats
    de-duplication of identical spreads."""
    parts = [f"query {{ ...F{levels} }}", "fragment F0 on Query { tiers { name } }"]
    for level in range(1, levels + 1):
        fields = " ".join(f"x{i}: __typename ...F{level - 1}" for i in range(fan_out))
        parts.append(f"fragment F{level} on Query {{ {fields} }}")
    return " ".join(parts)


def directive_flood(count: int, name: str = "skip(if: false)") -> str:
    return "{ tiers " + " ".join(f"@{name}" for _ in range(count)) + " { name } }"


def unknown_directives(count: int) -> str:
    return "{ tiers " + " ".join(f"@d{i}" for i in range(count)) + " { name } }"


def many_variables(count: int, *, used: bool) -> str:
    definitions = " ".join(f"$v{i}: Boolean = true" for i in range(count))
    if not used:
        return f"query Many({definitions}) {{ tiers {{ name }} }}"
    fields = " ".join(f"a{i}: __typename @include(if: $v{i})" for i in range(count))
    return f"query Many({definitions}) {{ {fields} }}"


def body(query: str, variables: dict[str, object] | None = None) -> bytes:
    payload: dict[str, object] = {"query": query}
    if variables is not None:
        payload["variables"] = variables
    return orjson.dumps(payload)
