"""Small real image files (baseline JPEG, GIF, PNG), generated for the pages' <img> tags.

Every picture is drawn from its path, so two image addresses get two
different (deterministic) files; any image decoder opens them.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from functools import lru_cache

Pixel = tuple[int, int, int]

# Standard JPEG luminance DC table (ITU T.81 Annex K.3): code counts per length 1..16, symbols.
DC_COUNTS = (0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)
DC_SYMBOLS = tuple(range(12))
# Every block holds its DC coefficient only, so the AC table needs one symbol: end of block.
AC_COUNTS = (1,) + (0,) * 15
AC_SYMBOLS = (0x00,)
QUANT = 8  # with every quantiser at 8, a flat block's DC coefficient is its level minus 128


def image_for(path: str) -> tuple[bytes, str] | None:
    """(bytes, content type) for an image path, by its suffix; None if it is no image."""
    lower = path.lower()
    if lower.endswith((".jpg", ".jpeg")):
        return _cached("jpeg", path), "image/jpeg"
    if lower.endswith(".gif"):
        return _cached("gif", path), "image/gif"
    if lower.endswith(".png"):
        return _cached("png", path), "image/png"
    return None


@lru_cache(maxsize=256)
def _cached(kind: str, path: str) -> bytes:
    """The file for ``path``, drawn once."""
    if kind == "jpeg":
        return jpeg(picture(path, 64, 48))
    if kind == "gif":
        return gif(dot(8), ((255, 255, 255), (200, 30, 30), (120, 120, 120), (0, 0, 0)))
    return png(picture(path, 16, 16))


def picture(seed: str, width: int, height: int) -> list[list[Pixel]]:
    """A little landscape (sky, a hill, fields) whose colours depend on ``seed``."""
    digest = hashlib.sha256(seed.encode()).digest()
    sky = (90 + digest[0] % 60, 140 + digest[1] % 60, 200 + digest[2] % 50)
    hill = (100 + digest[3] % 80, 90 + digest[4] % 60, 60 + digest[5] % 40)
    field = (40 + digest[6] % 60, 120 + digest[7] % 80, 40 + digest[8] % 50)
    peak = digest[9] % width
    rows = []
    for y in range(height):
        row = []
        for x in range(width):
            ridge = height // 3 + abs(x - peak) // 2
            row.append(sky if y < ridge else hill if y < height * 2 // 3 else field)
        rows.append(row)
    return rows


def dot(size: int) -> list[list[int]]:
    """Palette indexes of a round list bullet on white."""
    middle = (size - 1) / 2
    return [[1 if (x - middle) ** 2 + (y - middle) ** 2 <= (size / 3) ** 2 else 0 for x in range(size)]
            for y in range(size)]


# -- JPEG ---------------------------------------------------------------------------


def jpeg(pixels: list[list[Pixel]]) -> bytes:
    """A baseline JPEG (YCbCr, no subsampling) of an image whose sides are multiples of 8."""
    height, width = len(pixels), len(pixels[0])
    segments = [b"\xff\xd8", _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
                _segment(0xDB, b"\x00" + bytes([QUANT] * 64)),
                _segment(0xC0, struct.pack(">BHHB", 8, height, width, 3)
                         + b"".join(bytes([c, 0x11, 0]) for c in (1, 2, 3))),
                _segment(0xC4, b"\x00" + bytes(DC_COUNTS) + bytes(DC_SYMBOLS)),
                _segment(0xC4, b"\x10" + bytes(AC_COUNTS) + bytes(AC_SYMBOLS)),
                _segment(0xDA, b"\x03" + b"".join(bytes([c, 0x00]) for c in (1, 2, 3)) + b"\x00\x3f\x00"),
                _scan(pixels), b"\xff\xd9"]
    return b"".join(segments)


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def _scan(pixels: list[list[Pixel]]) -> bytes:
    """Entropy-coded blocks: per 8x8 block and component, the DC difference, then end of block."""
    dc_codes = _huffman_codes(DC_COUNTS, DC_SYMBOLS)
    eob = _huffman_codes(AC_COUNTS, AC_SYMBOLS)[0]
    bits = _BitWriter()
    previous = [0, 0, 0]
    for top in range(0, len(pixels), 8):
        for left in range(0, len(pixels[0]), 8):
            levels = _block_levels(pixels, top, left)
            for component in range(3):
                value = round(levels[component]) - 128
                _write_dc(bits, dc_codes, value - previous[component])
                bits.write(*eob)
                previous[component] = value
    return bits.finish()


def _block_levels(pixels: list[list[Pixel]], top: int, left: int) -> tuple[float, float, float]:
    """Mean Y, Cb, Cr of one 8x8 block."""
    block = [pixels[y][x] for y in range(top, top + 8) for x in range(left, left + 8)]
    r = sum(p[0] for p in block) / 64
    g = sum(p[1] for p in block) / 64
    b = sum(p[2] for p in block) / 64
    return (0.299 * r + 0.587 * g + 0.114 * b,
            128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
            128 + 0.5 * r - 0.418688 * g - 0.081312 * b)


def _write_dc(bits: _BitWriter, codes: dict[int, tuple[int, int]], difference: int) -> None:
    size = abs(difference).bit_length()
    bits.write(*codes[size])
    if size:
        bits.write(difference if difference > 0 else difference + (1 << size) - 1, size)


def _huffman_codes(counts: tuple[int, ...], symbols: tuple[int, ...]) -> dict[int, tuple[int, int]]:
    """Canonical Huffman codes: symbol -> (code, length)."""
    codes, code, index = {}, 0, 0
    for length, count in enumerate(counts, start=1):
        for _ in range(count):
            codes[symbols[index]] = (code, length)
            code, index = code + 1, index + 1
        code <<= 1
    return codes


class _BitWriter:
    """MSB-first bits with JPEG byte stuffing (0xFF is followed by 0x00)."""

    def __init__(self) -> None:
        self.out = bytearray()
        self.value = 0
        self.count = 0

    def write(self, value: int, length: int) -> None:
        self.value = (self.value << length) | (value & ((1 << length) - 1))
        self.count += length
        while self.count >= 8:
            self.count -= 8
            self._emit((self.value >> self.count) & 0xFF)
        self.value &= (1 << self.count) - 1

    def finish(self) -> bytes:
        if self.count:  # pad with one-bits
            self.write((1 << (8 - self.count)) - 1, 8 - self.count)
        return bytes(self.out)

    def _emit(self, byte: int) -> None:
        self.out.append(byte)
        if byte == 0xFF:
            self.out.append(0x00)


# -- GIF and PNG --------------------------------------------------------------------


def gif(indexes: list[list[int]], palette: tuple[Pixel, Pixel, Pixel, Pixel]) -> bytes:
    """A GIF89a of a four-colour image; its LZW stream clears the table every two pixels,
    so every code stays three bits wide."""
    height, width = len(indexes), len(indexes[0])
    clear, end = 4, 5
    codes = []
    flat = [index for row in indexes for index in row]
    for start in range(0, len(flat), 2):
        codes += [clear, *flat[start:start + 2]]
    codes.append(end)
    packed, value, count = bytearray(), 0, 0
    for code in codes:
        value |= code << count
        count += 3
        while count >= 8:
            packed.append(value & 0xFF)
            value, count = value >> 8, count - 8
    if count:
        packed.append(value & 0xFF)
    blocks = b"".join(bytes([len(packed[i:i + 255])]) + packed[i:i + 255] for i in range(0, len(packed), 255))
    return (b"GIF89a" + struct.pack("<HHBBB", width, height, 0x81, 0, 0) + b"".join(bytes(c) for c in palette)
            + b"\x21\xf9\x04\x01\x00\x00\x00\x00"  # graphic control: colour 0 is transparent
            + b"\x2c" + struct.pack("<HHHHB", 0, 0, width, height, 0) + b"\x02" + blocks + b"\x00\x3b")


def png(pixels: list[list[Pixel]]) -> bytes:
    """An 8-bit RGB PNG."""
    height, width = len(pixels), len(pixels[0])
    raw = b"".join(b"\x00" + b"".join(bytes(p) for p in row) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
