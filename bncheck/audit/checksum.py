"""CRC32C as TensorFlow's checkpoint files store it: plain, and "masked" (rotated plus a constant)."""

from __future__ import annotations

import google_crc32c

_MASK_DELTA = 0xA282EAD8
_BITS = 0xFFFFFFFF


def crc32c(data: bytes, seed: int = 0) -> int:
    """CRC32C of ``data``, continuing from ``seed`` (the CRC of the bytes before it)."""
    return google_crc32c.extend(seed, data) if seed else google_crc32c.value(data)


def mask(crc: int) -> int:
    """TensorFlow stores a CRC masked, so that a CRC of data holding CRCs does not degenerate."""
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & _BITS


def unmask(masked: int) -> int:
    rotated = (masked - _MASK_DELTA) & _BITS
    return ((rotated >> 17) | (rotated << 15)) & _BITS
