"""统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character over the first 17.

Pure functions, no Django: used by validators, imports and the synthetic-data generator.
"""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {c: i for i, c in enumerate(ALPHABET)}


def check_character(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters."""
    if len(first17) != 17:
        raise ValueError("need exactly 17 characters")
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """Why ``code`` is not a valid credit code, or None if it is. Codes are compared upper-case."""
    if len(code) != 18:
        return "length"
    bad = [c for c in code if c not in _VALUE]
    if bad:
        return "charset"
    if not code[2:8].isdigit():
        return "division"
    if check_character(code[:17]) != code[17]:
        return "check"
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None


def complete(first17: str) -> str:
    """``first17`` followed by its check character."""
    return first17 + check_character(first17)
