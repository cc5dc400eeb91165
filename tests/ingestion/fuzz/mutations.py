"""Hypothesis strategies that damage a valid extract the ways real deliveries get damaged."""

import io

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import strategies as st

BOM = "\ufeff".encode()
# What gets inserted: quoting and separators, line ends, NUL and other control bytes, a BOM,
# accents in UTF-8 and in Windows-1252, a field far longer than any real one.
FRAGMENTS = st.sampled_from(
    [
        b'"',
        b'""',
        b",",
        b";",
        b"\n",
        b"\r",
        b"\r\n",
        b"\x00",
        b"\x01",
        b"\x1f",
        b"\x7f",
        BOM,
        "é".encode(),
        "Frères".encode(),
        "Frères".encode("cp1252"),
        b"\x81",
        b"\xc3",
        b"x" * 70_000,
    ]
)


@st.composite
def insertion(draw, data: bytes) -> bytes:
    at = draw(st.integers(0, len(data)))
    fragment = draw(FRAGMENTS | st.binary(min_size=1, max_size=8))
    return data[:at] + fragment + data[at:]


@st.composite
def deletion(draw, data: bytes) -> bytes:
    if not data:
        return data
    at = draw(st.integers(0, len(data) - 1))
    size = draw(st.integers(1, 40))
    return data[:at] + data[at + size :]


@st.composite
def deleted_character(draw, data: bytes, characters: bytes = b'",;\n') -> bytes:
    """One quote, separator or line end removed."""
    places = [i for i, b in enumerate(data) if b in characters]
    if not places:
        return data
    at = draw(st.sampled_from(places))
    return data[:at] + data[at + 1 :]


@st.composite
def truncation(draw, data: bytes) -> bytes:
    return data[: draw(st.integers(0, len(data)))]


@st.composite
def line_ends(draw, data: bytes) -> bytes:
    """Some line ends turned into CR or CRLF: mixed line ends in one file."""
    lines = data.split(b"\n")
    ends = draw(st.lists(st.sampled_from([b"\n", b"\r\n", b"\r"]), min_size=len(lines) - 1))
    out = [line + end for line, end in zip(lines, ends, strict=False)]
    return b"".join(out) + lines[-1]


@st.composite
def repeated_header(draw, data: bytes) -> bytes:
    header, _, body = data.partition(b"\n")
    lines = body.split(b"\n")
    at = draw(st.integers(0, len(lines)))
    return header + b"\n" + b"\n".join([*lines[:at], header, *lines[at:]])


@st.composite
def reencoded_line(draw, data: bytes) -> bytes:
    """One line re-encoded: UTF-8 bytes read as Windows-1252 or the reverse (mixed encodings)."""
    lines = data.split(b"\n")
    at = draw(st.integers(0, len(lines) - 1))
    to_utf8 = draw(st.booleans())
    try:
        text = lines[at].decode("cp1252" if to_utf8 else "utf-8")
        lines[at] = text.encode("utf-8" if to_utf8 else "cp1252")
    except (UnicodeDecodeError, UnicodeEncodeError):
        pass
    return b"\n".join(lines)


@st.composite
def long_line(draw, data: bytes) -> bytes:
    """A line far longer than any real record, inside a field or as a line of its own."""
    lines = data.split(b"\n")
    at = draw(st.integers(0, len(lines) - 1))
    filler = draw(st.sampled_from([b"a", b'"', b",", b";"])) * draw(st.integers(1_000, 300_000))
    lines[at] = lines[at] + filler
    return b"\n".join(lines)


@st.composite
def garbage(draw, data: bytes) -> bytes:
    """The whole file replaced by binary garbage (a zip, an image, random bytes)."""
    return draw(st.binary(min_size=1, max_size=4000))


TEXT_MUTATIONS = [
    insertion,
    deletion,
    deleted_character,
    truncation,
    line_ends,
    repeated_header,
    reencoded_line,
    long_line,
]


@st.composite
def mutated_text(draw, data: bytes) -> bytes:
    """1 to 4 mutations of a CSV or JSON Lines file, now and then replaced by garbage."""
    if draw(st.integers(0, 19)) == 0:
        return draw(garbage(data))
    for _ in range(draw(st.integers(1, 4))):
        mutation = draw(st.sampled_from(TEXT_MUTATIONS))
        data = draw(mutation(data))
    return data


@st.composite
def other_schema_parquet(draw, data: bytes) -> bytes:
    """A readable Parquet file whose columns are not the contract's (some renamed or dropped)."""
    table = pq.read_table(io.BytesIO(data))
    names = table.column_names
    keep = draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
    renamed = {n: draw(st.sampled_from([n, n.upper(), f"{n}_x"])) for n in keep}
    out = pa.table({renamed[n]: table[n] for n in keep}) if keep else pa.table({"x": [1]})
    sink = io.BytesIO()
    pq.write_table(out, sink)
    return sink.getvalue()


@st.composite
def mutated_parquet(draw, data: bytes) -> bytes:
    """A Parquet file cut short, with bytes flipped, of another schema, or garbage."""
    kind = draw(st.sampled_from(["truncation", "flip", "schema", "garbage"]))
    if kind == "truncation":
        return draw(truncation(data))
    if kind == "schema":
        return draw(other_schema_parquet(data))
    if kind == "garbage":
        return draw(garbage(data))
    flipped = bytearray(data)
    for at in draw(st.lists(st.integers(0, len(data) - 1), min_size=1, max_size=8)):
        flipped[at] ^= draw(st.integers(1, 255))
    return bytes(flipped)
