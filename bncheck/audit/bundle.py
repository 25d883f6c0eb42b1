"""Read a TensorFlow V2 tensor bundle (``PREFIX.index`` + ``PREFIX.data-SSSSS-of-NNNNN``) without TensorFlow.

The index is a table (see ``sstable``) whose entry under the empty key is a ``BundleHeaderProto``
(shard count, byte order, format version) and whose other entries map a tensor name to a
``BundleEntryProto``: dtype, shape, which data shard, the byte offset and size there, and the masked
CRC32C of those bytes.  A partitioned variable has an entry with its full shape and ``slices`` and no
data of its own; each slice is stored under a key that encodes the name and the slice
(``EncodeTensorNameSlice``, OrderedCode).  ``names()`` lists what TensorFlow's checkpoint reader
lists (full variables, not their slice keys); ``read()`` fetches one tensor by offset, checks its
size and CRC32C, and assembles the slices of a partitioned one.  Nothing else of the data is read.
"""

from __future__ import annotations

import math
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bncheck.audit import checksum, protos, sstable

HEADER_KEY = b""
TENSOR_BUNDLE_VERSION = 1  # kTensorBundleVersion: what a reader of this format accepts
BIG_ENDIAN = 1
DT_STRING = 7
MAX_STRING_TENSOR = 256 * 1024 * 1024  # bytes; the object graph of a very large model is a few MB

# DataType -> numpy type (little-endian spelling; byte order is applied per bundle)
_NUMPY = {
    1: "f4", 2: "f8", 3: "i4", 4: "u1", 5: "i2", 6: "i1", 8: "c8", 9: "i8", 10: "?",
    11: "i1", 12: "u1", 13: "i4", 15: "i2", 16: "u2", 17: "u2", 18: "c16", 19: "f2",
    22: "u4", 23: "u8",
}  # fmt: skip
_BFLOAT16 = 14
_NAMES = {
    1: "float", 2: "double", 3: "int32", 4: "uint8", 5: "int16", 6: "int8", 7: "string", 8: "complex64",
    9: "int64", 10: "bool", 11: "qint8", 12: "quint8", 13: "qint32", 14: "bfloat16", 15: "qint16",
    16: "quint16", 17: "uint16", 18: "complex128", 19: "half", 20: "resource", 21: "variant",
    22: "uint32", 23: "uint64",
}  # fmt: skip


class BundleError(ValueError):
    """A damaged or unsupported bundle; ``path`` is the file at fault."""

    def __init__(self, path: str | Path, problem: str) -> None:
        super().__init__(path, problem)
        self.path = str(path)
        self.problem = problem


@dataclass(frozen=True)
class Entry:
    """One tensor as the index describes it (a slice, or a whole variable without slices)."""

    dtype: int
    shape: tuple[int, ...]
    shard: int
    offset: int
    size: int
    crc: int  # masked CRC32C of the stored bytes

    @property
    def element_size(self) -> int | None:
        """Bytes per element of a fixed-size dtype, None for strings, resources and variants."""
        if self.dtype == _BFLOAT16:
            return 2
        code = _NUMPY.get(self.dtype)
        return None if code is None else np.dtype(code).itemsize


@dataclass(frozen=True)
class Variable:
    """A name TensorFlow's reader lists: ``entry`` for a plain tensor, ``slices`` for a partitioned one."""

    name: str
    dtype: int
    shape: tuple[int, ...]
    entry: Entry | None
    slices: tuple[tuple[tuple[tuple[int, int], ...], Entry], ...] = ()  # ((start, length) per dim, entry)


def dtype_name(dtype: int) -> str:
    return _NAMES.get(dtype % 100, f"dtype {dtype}") + ("_ref" if dtype > 100 else "")


def data_path(prefix: str, shard: int, shards: int) -> str:
    return f"{prefix}.data-{shard:05d}-of-{shards:05d}"


# --- OrderedCode, as EncodeTensorNameSlice writes a slice's key --------------------------------------


def _num_increasing(value: int) -> bytes:
    raw = value.to_bytes(8, "big").lstrip(b"\0")
    return bytes([len(raw)]) + raw


def _string(value: bytes) -> bytes:
    return value.replace(b"\xff", b"\xff\x00").replace(b"\x00", b"\x00\xff") + b"\x00\x01"


_HEADER_BITS = ((0, 0), (0x80, 0), (0xC0, 0), (0xE0, 0), (0xF0, 0), (0xF8, 0), (0xFC, 0), (0xFE, 0),
                (0xFF, 0), (0xFF, 0x80), (0xFF, 0xC0))  # fmt: skip


def _signed_num_increasing(value: int) -> bytes:
    magnitude = ~value if value < 0 else value
    if magnitude < 64:
        return bytes([(0x80 ^ value) & 0xFF])
    length = magnitude.bit_length() // 7 + 1
    raw = bytearray(value.to_bytes(10, "big", signed=True)[-length:])
    raw[0] ^= _HEADER_BITS[length][0]
    raw[1] ^= _HEADER_BITS[length][1]
    return bytes(raw)


def slice_key(name: bytes, extents: tuple[tuple[int, int], ...]) -> bytes:
    """The index key of one slice of ``name``; a full extent is (0, -1)."""
    key = _num_increasing(0) + _string(name) + _num_increasing(len(extents))
    for start, length in extents:
        key += _signed_num_increasing(start) + _signed_num_increasing(length)
    return key


# --- the bundle ---------------------------------------------------------------------------------------


def _shape(entry: protos.BundleEntryProto, name: str, index: str) -> tuple[int, ...]:
    dims = tuple(int(dim.size) for dim in entry.shape.dim)
    if entry.shape.unknown_rank or any(size < 0 for size in dims):
        raise BundleError(index, f"tensor {name!r} has an unknown or negative shape")
    return dims


class Bundle:
    """An open bundle: ``variables`` by name, ``read(name)`` for one value.  Close it after use."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.index_path = f"{prefix}.index"
        self._files: dict[int, int] = {}
        self._sizes: dict[int, int] = {}
        descriptor = _open(self.index_path)
        try:
            table = sstable.Table(descriptor, os.fstat(descriptor).st_size)
            raw = dict(table.entries())
        except sstable.TableError as error:
            raise BundleError(self.index_path, f"corrupt or unreadable checkpoint ({error})") from None
        finally:
            os.close(descriptor)
        self._read_header(raw.pop(HEADER_KEY, None))
        self.variables = self._variables(raw)

    def _read_header(self, value: bytes | None) -> None:
        index = self.index_path
        if value is None:
            raise BundleError(index, "corrupt or unreadable checkpoint (no bundle header entry)")
        header = protos.BundleHeaderProto()
        try:
            header.ParseFromString(value)
        except protos.DecodeError:
            raise BundleError(index, "corrupt or unreadable checkpoint (bad bundle header)") from None
        version = header.version
        if version.min_consumer > TENSOR_BUNDLE_VERSION or TENSOR_BUNDLE_VERSION in version.bad_consumers:
            raise BundleError(
                index,
                f"checkpoint format version {version.producer} (needs a reader of version "
                f"{version.min_consumer} or later)",
            )
        if header.num_shards <= 0:
            raise BundleError(index, f"corrupt or unreadable checkpoint ({header.num_shards} data shards)")
        if header.endianness not in (0, BIG_ENDIAN):
            raise BundleError(index, f"corrupt or unreadable checkpoint (byte order {header.endianness})")
        self.shards = int(header.num_shards)
        self.byte_order = ">" if header.endianness == BIG_ENDIAN else "<"

    def _entry(self, name: str, value: bytes) -> tuple[protos.BundleEntryProto, Entry]:
        proto = protos.BundleEntryProto()
        try:
            proto.ParseFromString(value)
        except protos.DecodeError:
            raise BundleError(self.index_path, f"corrupt index entry for tensor {name!r}") from None
        entry = Entry(
            int(proto.dtype),
            _shape(proto, name, self.index_path),
            int(proto.shard_id),
            int(proto.offset),
            int(proto.size),
            int(proto.crc32c),
        )
        return proto, entry

    def _variables(self, raw: dict[bytes, bytes]) -> dict[str, Variable]:
        variables: dict[str, Variable] = {}
        slice_keys: set[bytes] = set()
        parsed = {}
        for key, value in raw.items():
            if key.startswith(b"\0"):
                name = repr(key)  # a slice key (OrderedCode, not text); listed only through its variable
            else:
                try:
                    name = key.decode("utf-8")
                except UnicodeDecodeError:
                    raise BundleError(self.index_path, f"tensor name {key[:60]!r} is not UTF-8") from None
            parsed[key] = (name, *self._entry(name, value))
        for key, (name, proto, entry) in parsed.items():
            if not proto.slices:
                continue
            slices = []
            for slice_proto in proto.slices:
                extents = tuple(
                    (int(extent.start), int(extent.length) if extent.WhichOneof("has_length") else -1)
                    for extent in slice_proto.extent
                )
                part_key = slice_key(key, extents)
                slice_keys.add(part_key)
                part = parsed.get(part_key)
                if part is None:
                    problem = f"slice {extents} of tensor {name!r} is not in the index"
                    raise BundleError(self.index_path, problem)
                slices.append((extents, part[2]))
            variables[name] = Variable(name, entry.dtype, entry.shape, None, tuple(slices))
        for key, (name, proto, entry) in parsed.items():
            if not proto.slices and key not in slice_keys:
                variables[name] = Variable(name, entry.dtype, entry.shape, entry)
        return variables

    # --- data ----------------------------------------------------------------------------------------

    def check_sizes(self) -> None:
        """Every shard the header names is there, and holds the bytes its entries promise.

        Checked before any tensor is read: a truncated shard fails here, naming the shard, whichever
        tensors the audit goes on to read.
        """
        needed: dict[int, int] = {}
        for variable in self.variables.values():
            entries = [variable.entry] if variable.entry else [part for _, part in variable.slices]
            for entry in entries:
                if not 0 <= entry.shard < self.shards:
                    raise BundleError(
                        self.index_path,
                        f"tensor {variable.name!r} is in shard {entry.shard} "
                        f"of a {self.shards}-shard checkpoint",
                    )
                if entry.offset < 0 or entry.size < 0:
                    problem = f"tensor {variable.name!r} has a negative offset or size"
                    raise BundleError(self.index_path, problem)
                needed[entry.shard] = max(needed.get(entry.shard, 0), entry.offset + entry.size)
        for shard in range(self.shards):
            size = self._shard_size(shard)
            if size < needed.get(shard, 0):
                raise BundleError(
                    data_path(self.prefix, shard, self.shards),
                    f"truncated: {size} bytes, but the index places tensors up to byte {needed[shard]}",
                )

    def data_files(self) -> list[str]:
        return [data_path(self.prefix, shard, self.shards) for shard in range(self.shards)]

    def _shard_size(self, shard: int) -> int:
        if shard not in self._sizes:
            self._sizes[shard] = os.fstat(self._shard(shard)).st_size
        return self._sizes[shard]

    def _shard(self, shard: int) -> int:
        if shard not in self._files:
            self._files[shard] = _open(data_path(self.prefix, shard, self.shards))
        return self._files[shard]

    def read(self, name: str) -> np.ndarray:
        """The value of ``name``: its bytes at their offset, size and CRC32C checked."""
        variable = self.variables[name]
        if variable.entry is not None:
            return self._read_entry(name, variable.entry)
        result = None
        for extents, entry in variable.slices:
            part = self._read_entry(name, entry)
            if result is None:
                result = np.zeros(variable.shape, dtype=part.dtype)
            where = tuple(slice(start, None if length < 0 else start + length) for start, length in extents)
            try:
                result[where] = part
            except (ValueError, IndexError):
                raise BundleError(
                    self.index_path,
                    f"slice {extents} of tensor {name!r} does not fit its shape {variable.shape}",
                ) from None
        if result is None:
            raise BundleError(self.index_path, f"tensor {name!r} is partitioned into no slices")
        return result

    def _read_entry(self, name: str, entry: Entry) -> np.ndarray:
        path = data_path(self.prefix, entry.shard, self.shards)
        count = math.prod(entry.shape)  # Python ints: a hostile shape cannot overflow
        if entry.dtype == DT_STRING:
            if entry.size > MAX_STRING_TENSOR:
                raise BundleError(
                    path, f"string tensor {name!r} is {entry.size} bytes (more than {MAX_STRING_TENSOR})"
                )
            return self._read_strings(name, entry, count, path)
        element = entry.element_size
        if element is None:
            problem = f"tensor {name!r} is a {dtype_name(entry.dtype)}, which has no value to read"
            raise BundleError(path, problem)
        if entry.size != count * element:
            raise BundleError(
                path,
                f"tensor {name!r}: the index gives {entry.size} bytes for {count} {dtype_name(entry.dtype)}",
            )
        data = self._pread(name, entry, path)
        if entry.dtype == _BFLOAT16:
            bits = np.frombuffer(data, dtype=f"{self.byte_order}u2").astype(np.uint32) << 16
            return bits.view(np.float32).reshape(entry.shape)
        code = _NUMPY[entry.dtype]
        dtype = np.dtype(code if code == "?" else self.byte_order + code)
        return np.frombuffer(data, dtype=dtype).astype(dtype.newbyteorder("=")).reshape(entry.shape)

    def _pread(self, name: str, entry: Entry, path: str, verify: bool = True) -> bytes:
        try:
            data = os.pread(self._shard(entry.shard), entry.size, entry.offset)
        except OSError as error:
            raise BundleError(path, f"cannot read tensor {name!r} ({error.strerror or error})") from None
        if len(data) != entry.size:
            raise BundleError(
                path,
                f"cannot read tensor {name!r} (the file ends at byte "
                f"{entry.offset + len(data)}, before the tensor does)",
            )
        if verify and checksum.crc32c(data) != checksum.unmask(entry.crc):
            raise _damaged(path, name)
        return data

    def _read_strings(self, name: str, entry: Entry, count: int, path: str) -> np.ndarray:
        """[varint64 length per element][masked CRC32C of the lengths][the bytes].

        The lengths' CRC32C, and the entry's, are taken over each length as a little-endian uint32
        (uint64 past 4 GiB), not over its varint: as TensorFlow's writer computes them.
        """
        data = self._pread(name, entry, path, verify=False)
        position, lengths, crc = 0, [], 0
        try:
            for _ in range(count):
                length, position = sstable.varint(data, position, len(data))
                lengths.append(length)
                crc = checksum.crc32c(struct.pack("<I" if length <= 0xFFFFFFFF else "<Q", length), crc)
        except sstable.TableError:
            raise BundleError(path, f"cannot read tensor {name!r} (bad string lengths)") from None
        if position + 4 > len(data) or checksum.unmask(struct.unpack_from("<I", data, position)[0]) != crc:
            raise BundleError(path, f"cannot read tensor {name!r} (string lengths checksum does not match)")
        crc = checksum.crc32c(data[position : position + 4], crc)
        position += 4
        if position + sum(lengths) != len(data):
            raise BundleError(path, f"cannot read tensor {name!r} (string lengths do not add up to its size)")
        if checksum.crc32c(data[position:], crc) != checksum.unmask(entry.crc):
            raise _damaged(path, name)
        values = []
        for length in lengths:
            values.append(data[position : position + length])
            position += length
        return np.array(values, dtype=object).reshape(entry.shape)

    def close(self) -> None:
        for descriptor in self._files.values():
            os.close(descriptor)
        self._files.clear()


def _damaged(path: str, name: str) -> BundleError:
    return BundleError(path, f"cannot read tensor {name!r} (checksum does not match: the data is damaged)")


def _open(path: str) -> int:
    try:
        return os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise BundleError(path, "missing checkpoint file") from None
    except PermissionError:
        raise BundleError(path, "permission denied (cannot read the checkpoint file)") from None
    except OSError as error:
        raise BundleError(path, f"cannot read the checkpoint file ({error.strerror or error})") from None
