"""Message classes for the few TensorFlow protos that checkpoints store, built from their field numbers.

The descriptors are written here from the published ``.proto`` files (tensor_bundle.proto,
tensor_shape.proto, tensor_slice.proto, versions.proto, trackable_object_graph.proto,
saved_model.proto, meta_graph.proto, saved_object_graph.proto, checkpoint_state.proto), with only
the fields the audit reads; protobuf keeps the others as unknown fields.  They live in a private descriptor
pool, so they never clash with TensorFlow's own classes in the same process.  Enums are
declared as int32 (the same varint on the wire), so an unknown value is kept, not dropped.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool

try:  # protobuf >= 4.21
    from google.protobuf.message_factory import GetMessageClass as _message_class
except ImportError:  # pragma: no cover - older protobuf
    from google.protobuf import message_factory as _factory

    def _message_class(descriptor: Any) -> Any:
        return _factory.MessageFactory(descriptor.file.pool).GetPrototype(descriptor)


from google.protobuf.message import DecodeError

__all__ = [
    "BundleEntryProto",
    "BundleHeaderProto",
    "CheckpointState",
    "DecodeError",
    "SavedModel",
    "TrackableObjectGraph",
]

_PACKAGE = "bncheck.tfformats"
_F = descriptor_pb2.FieldDescriptorProto
_OPTIONAL, _REPEATED = _F.LABEL_OPTIONAL, _F.LABEL_REPEATED
_TYPES = {
    "int32": _F.TYPE_INT32,
    "int64": _F.TYPE_INT64,
    "bool": _F.TYPE_BOOL,
    "string": _F.TYPE_STRING,
    "fixed32": _F.TYPE_FIXED32,
    "double": _F.TYPE_DOUBLE,
}

# message name -> [(field name, number, type or message name, repeated, oneof name)]
_MESSAGES: dict[str, list[tuple[str, int, str, bool, str | None]]] = {
    # versions.proto
    "VersionDef": [
        ("producer", 1, "int32", False, None),
        ("min_consumer", 2, "int32", False, None),
        ("bad_consumers", 3, "int32", True, None),
    ],
    # tensor_shape.proto
    "TensorShapeProto.Dim": [("size", 1, "int64", False, None), ("name", 2, "string", False, None)],
    "TensorShapeProto": [
        ("dim", 2, "TensorShapeProto.Dim", True, None),
        ("unknown_rank", 3, "bool", False, None),
    ],
    # tensor_slice.proto: an extent without `length` spans the whole dimension
    "TensorSliceProto.Extent": [
        ("start", 1, "int64", False, None),
        ("length", 2, "int64", False, "has_length"),
    ],
    "TensorSliceProto": [("extent", 1, "TensorSliceProto.Extent", True, None)],
    # tensor_bundle.proto
    "BundleHeaderProto": [
        ("num_shards", 1, "int32", False, None),
        ("endianness", 2, "int32", False, None),  # enum: LITTLE = 0, BIG = 1
        ("version", 3, "VersionDef", False, None),
    ],
    "BundleEntryProto": [
        ("dtype", 1, "int32", False, None),  # enum DataType
        ("shape", 2, "TensorShapeProto", False, None),
        ("shard_id", 3, "int32", False, None),
        ("offset", 4, "int64", False, None),
        ("size", 5, "int64", False, None),
        ("crc32c", 6, "fixed32", False, None),
        ("slices", 7, "TensorSliceProto", True, None),
    ],
    # trackable_object_graph.proto
    "TrackableObjectGraph.TrackableObject.ObjectReference": [
        ("node_id", 1, "int32", False, None),
        ("local_name", 2, "string", False, None),
    ],
    "TrackableObjectGraph.TrackableObject.SerializedTensor": [
        ("name", 1, "string", False, None),
        ("full_name", 2, "string", False, None),
        ("checkpoint_key", 3, "string", False, None),
    ],
    "TrackableObjectGraph.TrackableObject": [
        ("children", 1, "TrackableObjectGraph.TrackableObject.ObjectReference", True, None),
        ("attributes", 2, "TrackableObjectGraph.TrackableObject.SerializedTensor", True, None),
    ],
    "TrackableObjectGraph": [("nodes", 1, "TrackableObjectGraph.TrackableObject", True, None)],
    # saved_object_graph.proto: SavedObject.variable (field 7) is a SavedVariable, whose name is field 6
    "SavedVariable": [("name", 6, "string", False, None)],
    "SavedObject": [("variable", 7, "SavedVariable", False, None)],
    "SavedObjectGraph": [("nodes", 1, "SavedObject", True, None)],
    # meta_graph.proto / saved_model.proto
    "MetaGraphDef": [("object_graph_def", 7, "SavedObjectGraph", False, None)],
    "SavedModel": [
        ("saved_model_schema_version", 1, "int64", False, None),
        ("meta_graphs", 2, "MetaGraphDef", True, None),
    ],
    # checkpoint_state.proto: the `checkpoint` file, in text format
    "CheckpointState": [
        ("model_checkpoint_path", 1, "string", False, None),
        ("all_model_checkpoint_paths", 2, "string", True, None),
        ("all_model_checkpoint_timestamps", 3, "double", True, None),
        ("last_preserved_timestamp", 4, "double", False, None),
    ],
}


def _build_pool() -> descriptor_pool.DescriptorPool:
    file_proto = descriptor_pb2.FileDescriptorProto(
        name="bncheck/tfformats.proto", package=_PACKAGE, syntax="proto3"
    )
    made: dict[str, descriptor_pb2.DescriptorProto] = {}

    def message_of(full_name: str) -> descriptor_pb2.DescriptorProto:
        """The (possibly nested) message ``A.B.C``, created on first use with its parents."""
        if full_name not in made:
            parent, _, name = full_name.rpartition(".")
            container = message_of(parent).nested_type if parent else file_proto.message_type
            made[full_name] = container.add(name=name)
        return made[full_name]

    for full_name, fields in _MESSAGES.items():
        message = message_of(full_name)
        oneofs: dict[str, int] = {}
        for name, number, kind, repeated, oneof in fields:
            field = message.field.add(name=name, number=number, label=_REPEATED if repeated else _OPTIONAL)
            if kind in _TYPES:
                field.type = _TYPES[kind]
            else:
                field.type = _F.TYPE_MESSAGE
                field.type_name = f".{_PACKAGE}.{kind}"
            if oneof is not None:
                if oneof not in oneofs:
                    oneofs[oneof] = len(message.oneof_decl)
                    message.oneof_decl.add(name=oneof)
                field.oneof_index = oneofs[oneof]
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file_proto)
    return pool


_POOL = _build_pool()


def _cls(name: str) -> Any:
    return _message_class(_POOL.FindMessageTypeByName(f"{_PACKAGE}.{name}"))


BundleHeaderProto = _cls("BundleHeaderProto")
BundleEntryProto = _cls("BundleEntryProto")
TrackableObjectGraph = _cls("TrackableObjectGraph")
SavedModel = _cls("SavedModel")
CheckpointState = _cls("CheckpointState")
