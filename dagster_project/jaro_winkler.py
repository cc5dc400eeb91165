"""Jaro-Winkler similarity exactly as DuckDB computes it, for Spark SQL, which has none.

The identity models compare names with DuckDB's `jaro_winkler_similarity`; on Spark the build
registers this function under the name the macro `name_similarity` calls, so both engines score
a pair alike (the parity test compares the identity marts).
"""

from __future__ import annotations


def jaro_winkler(left: str | None, right: str | None) -> float | None:
    """Jaro-Winkler similarity as DuckDB's jaro_winkler_similarity computes it (rapidfuzz).

    Matches within max(len)/2 - 1 bytes; the common prefix (up to 4) adds 0.1 x (1 - jaro)
    per character when jaro > 0.7. Spark SQL has no such function (macros: name_similarity).
    """
    if left is None or right is None:
        return None
    return _jaro_winkler_bytes(left.encode(), right.encode())


def _jaro_winkler_bytes(left: bytes, right: bytes) -> float:
    # DuckDB compares the UTF-8 bytes, not the characters ("é" is two of them).
    if not left and not right:
        return 1.0
    if not left or not right:
        return 0.0
    window = max(0, max(len(left), len(right)) // 2 - 1)
    right_used = [False] * len(right)
    left_matches: list[int] = []
    for i, char in enumerate(left):
        for j in range(max(0, i - window), min(len(right), i + window + 1)):
            if not right_used[j] and right[j] == char:
                right_used[j] = True
                left_matches.append(char)
                break
    if not left_matches:
        return 0.0
    right_matches = [char for char, used in zip(right, right_used, strict=True) if used]
    transpositions = sum(a != b for a, b in zip(left_matches, right_matches, strict=True)) // 2
    m = len(left_matches)
    jaro = (m / len(left) + m / len(right) + (m - transpositions) / m) / 3
    if jaro <= 0.7:
        return jaro
    prefix = 0
    for a, b in zip(left[:4], right[:4], strict=False):
        if a != b:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)
