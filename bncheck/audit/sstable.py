"""Read the sorted key/value table that a tensor bundle's ``.index`` file is (TensorFlow's ``table`` format).

The format is LevelDB's, as tensorflow/core/lib/io/table_builder.cc writes it:

    [data block 1][trailer] ... [data block N][trailer] [metaindex block][trailer] [index block][trailer]
    [footer: metaindex handle, index handle (varint64 offset, varint64 size each), padding to 40 bytes,
     magic 0xdb4775248b80fb57 as two little-endian uint32]

A trailer is one byte of compression type (0: none) and the masked CRC32C of the block and that byte;
TensorFlow checks it on every block it reads, and so does this reader.  A block is a run of
prefix-compressed entries (varint32 shared, non-shared and value lengths, the key's new bytes, the
value) followed by the restart offsets (uint32 each) and their count (uint32).  The index block maps a
separator key to the handle of each data block.  Only the file's blocks are read, through ``pread``,
never the whole file at once; every length is checked against the file before it is used.
"""

from __future__ import annotations

import os
import struct
from typing import Iterator

from bncheck.audit import checksum

MAGIC = 0xDB4775248B80FB57
FOOTER_SIZE = 48  # two handles of at most 20 bytes, padded to 40, and the 8-byte magic
TRAILER_SIZE = 5
NO_COMPRESSION = 0
SNAPPY = 1


class TableError(ValueError):
    """The table is damaged; the message says where."""


def varint(data: bytes, position: int, limit: int, bits: int = 64) -> tuple[int, int]:
    """Decode a base-128 varint at ``position`` (before ``limit``); returns (value, next position)."""
    result = shift = 0
    while True:
        if position >= limit:
            raise TableError("truncated varint")
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            if result >> bits:
                raise TableError("varint out of range")
            return result, position
        shift += 7
        if shift >= bits + 7:
            raise TableError("varint too long")


def _handle(data: bytes, position: int, limit: int) -> tuple[int, int, int]:
    offset, position = varint(data, position, limit)
    size, position = varint(data, position, limit)
    return offset, size, position


def _block_entries(block: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(key, value) of each entry of one decoded block, in stored order."""
    if len(block) < 4:
        raise TableError("bad block contents (shorter than its restart count)")
    (restarts,) = struct.unpack_from("<I", block, len(block) - 4)
    if restarts > (len(block) - 4) // 4:
        raise TableError("bad block contents (restart count past the block)")
    limit = len(block) - 4 - 4 * restarts
    position = 0
    key = b""
    while position < limit:
        shared, position = varint(block, position, limit, 32)
        fresh, position = varint(block, position, limit, 32)
        value_length, position = varint(block, position, limit, 32)
        if shared > len(key) or position + fresh + value_length > limit:
            raise TableError("bad entry in block")
        key = key[:shared] + block[position : position + fresh]
        position += fresh
        yield key, block[position : position + value_length]
        position += value_length


class Table:
    """An open ``.index`` table: iterate its entries in key order with ``entries()``."""

    def __init__(self, descriptor: int, size: int) -> None:
        self._fd = descriptor
        self._size = size
        if size < FOOTER_SIZE:
            raise TableError("file is too short to be an sstable")
        footer = self._pread(size - FOOTER_SIZE, FOOTER_SIZE)
        low, high = struct.unpack_from("<II", footer, FOOTER_SIZE - 8)
        if (high << 32 | low) != MAGIC:
            raise TableError("not an sstable (bad magic number)")
        # the metaindex handle is decoded, as TensorFlow does, but its block is never used
        _, _, position = _handle(footer, 0, FOOTER_SIZE - 8)
        offset, length, _ = _handle(footer, position, FOOTER_SIZE - 8)
        self._index = self._block(offset, length, "index block")

    def _pread(self, offset: int, length: int) -> bytes:
        data = os.pread(self._fd, length, offset)
        if len(data) != length:
            raise TableError("truncated block read")
        return data

    def _block(self, offset: int, length: int, what: str) -> bytes:
        if offset + length + TRAILER_SIZE > self._size:
            raise TableError(f"{what} at byte {offset} (+{length}) is past the end of the file")
        raw = self._pread(offset, length + TRAILER_SIZE)
        (stored,) = struct.unpack_from("<I", raw, length + 1)
        if checksum.unmask(stored) != checksum.crc32c(raw[: length + 1]):
            raise TableError(f"block checksum mismatch ({what} at byte {offset})")
        kind = raw[length]
        if kind == SNAPPY:
            raise TableError(f"{what} at byte {offset} is snappy-compressed, which bncheck does not read")
        if kind != NO_COMPRESSION:
            raise TableError(f"bad block type {kind} ({what} at byte {offset})")
        return raw[:length]

    def entries(self) -> Iterator[tuple[bytes, bytes]]:
        """Every (key, value) of the table, data block after data block."""
        for _, handle in _block_entries(self._index):
            offset, length, end = _handle(handle, 0, len(handle))
            if end != len(handle):
                raise TableError("bad block handle in the index block")
            yield from _block_entries(self._block(offset, length, "data block"))
