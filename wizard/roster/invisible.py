"""Characters that are not seen or that change the text's direction: which they are, finding them and naming
them in a message (the validator reports them; a message never carries one)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from wizard.roster.arrowtext import arrow

# Characters that are not seen (zero-width, soft hyphen, byte-order mark, fillers) or that change the text's
# direction (U+202A-U+202E, U+2066-U+2069), and control characters: RE2 syntax for Arrow's regex kernel.
INVISIBLE_CHARACTERS = {
    0x00AD: "SOFT HYPHEN",
    0x034F: "COMBINING GRAPHEME JOINER",
    0x061C: "ARABIC LETTER MARK",
    0x115F: "HANGUL CHOSEONG FILLER",
    0x1160: "HANGUL JUNGSEONG FILLER",
    0x17B4: "KHMER VOWEL INHERENT AQ",
    0x17B5: "KHMER VOWEL INHERENT AA",
    0x180E: "MONGOLIAN VOWEL SEPARATOR",
    0x200B: "ZERO WIDTH SPACE",
    0x200C: "ZERO WIDTH NON-JOINER",
    0x200D: "ZERO WIDTH JOINER",
    0x200E: "LEFT-TO-RIGHT MARK",
    0x200F: "RIGHT-TO-LEFT MARK",
    0x202A: "LEFT-TO-RIGHT EMBEDDING",
    0x202B: "RIGHT-TO-LEFT EMBEDDING",
    0x202C: "POP DIRECTIONAL FORMATTING",
    0x202D: "LEFT-TO-RIGHT OVERRIDE",
    0x202E: "RIGHT-TO-LEFT OVERRIDE",
    0x2060: "WORD JOINER",
    0x2061: "FUNCTION APPLICATION",
    0x2062: "INVISIBLE TIMES",
    0x2063: "INVISIBLE SEPARATOR",
    0x2064: "INVISIBLE PLUS",
    0x2066: "LEFT-TO-RIGHT ISOLATE",
    0x2067: "RIGHT-TO-LEFT ISOLATE",
    0x2068: "FIRST STRONG ISOLATE",
    0x2069: "POP DIRECTIONAL ISOLATE",
    0x3164: "HANGUL FILLER",
    0xFEFF: "ZERO WIDTH NO-BREAK SPACE (byte-order mark)",
    0xFFA0: "HALFWIDTH HANGUL FILLER",
}
_CONTROLS = [*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]
INVISIBLE_PATTERN = "[" + "".join(f"\\x{{{code:04X}}}" for code in [*INVISIBLE_CHARACTERS, *_CONTROLS]) + "]"
_INVISIBLE_SET = frozenset(map(chr, [*INVISIBLE_CHARACTERS, *_CONTROLS]))


def may_hold_invisible(values: pd.Series) -> bool:
    """A quick look at the UTF-8 bytes: any non-ASCII byte or control character (the regex then decides)."""
    array = values.array
    native = array.__arrow_array__() if hasattr(array, "__arrow_array__") else arrow(values)
    for chunk in native.chunks if isinstance(native, pa.ChunkedArray) else [native]:
        data = chunk.buffers()[2]
        if data is None or len(chunk) == 0:
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(chunk.buffers()[1], dtype=width)
        start, end = int(offsets[chunk.offset]), int(offsets[chunk.offset + len(chunk)])
        raw = np.frombuffer(data, dtype=np.uint8)[start:end]
        if not raw.size:
            continue
        if raw.max() >= 0x7F:
            return True
        if raw.min() < 0x20 and ((raw < 0x20) & (raw != 0x09) & (raw != 0x0A) & (raw != 0x0D)).any():
            return True
    return False


def without_invisible(value: str) -> str:
    return "".join(char for char in value if char not in _INVISIBLE_SET)


def describe_invisible(value: str) -> str:
    found = dict.fromkeys(char for char in value if char in _INVISIBLE_SET)
    names = [
        f"U+{ord(char):04X} {INVISIBLE_CHARACTERS.get(ord(char), 'CONTROL CHARACTER')}" for char in found
    ]
    return ("an invisible character " if len(names) == 1 else "invisible characters ") + ", ".join(names)
