"""Decode the object graph that TF2 checkpoints store under ``_CHECKPOINTABLE_OBJECT_GRAPH``.

Only what the audit needs: each saved variable's checkpoint key and its ``full_name``
(the variable's name, e.g. ``sequential/bn1/gamma``), which keeps the layer names that
object-based keys (``optimizer/_trainable_variables/2/...``) lose.  A few lines of
protobuf wire decoding keep this free of TensorFlow's private modules.

    TrackableObjectGraph { repeated TrackableObject nodes = 1; }
    TrackableObject      { repeated SerializedTensor attributes = 2; ... }
    SerializedTensor     { string name = 1; string full_name = 2; string checkpoint_key = 3; }
"""

from __future__ import annotations

from typing import Iterator


class ObjectGraphError(ValueError):
    """The serialized object graph is not valid protobuf."""


def _varint(data: bytes, position: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if position >= len(data):
            raise ObjectGraphError("truncated varint")
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7
        if shift > 63:
            raise ObjectGraphError("varint too long")


def _fields(data: bytes) -> Iterator[tuple[int, bytes | int]]:
    """(field number, value) for each field; length-delimited values as bytes."""
    position = 0
    while position < len(data):
        key, position = _varint(data, position)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, position = _varint(data, position)
            yield number, value
        elif wire_type == 2:
            length, position = _varint(data, position)
            end = position + length
            if end > len(data):
                raise ObjectGraphError("truncated field")
            yield number, data[position:end]
            position = end
        elif wire_type == 1:
            position += 8
        elif wire_type == 5:
            position += 4
        else:
            raise ObjectGraphError(f"unsupported wire type {wire_type}")


def variable_names(serialized: bytes) -> dict[str, str]:
    """checkpoint key -> full_name for every attribute in the object graph that has both."""
    names: dict[str, str] = {}
    for number, node in _fields(serialized):
        if number != 1 or not isinstance(node, bytes):
            continue
        for field_number, attribute in _fields(node):
            if field_number != 2 or not isinstance(attribute, bytes):
                continue
            parts = {n: v for n, v in _fields(attribute) if isinstance(v, bytes)}
            key = parts.get(3, b"").decode("utf-8", "replace")
            full_name = parts.get(2, b"").decode("utf-8", "replace")
            if key and full_name:
                names.setdefault(key, full_name)
    return names
