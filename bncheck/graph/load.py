"""Read an exported MetaGraphDef (``.meta``, binary or text) into a fresh ``tf.Graph`` without a session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bncheck import tfcompat
from bncheck.errors import InputError


@dataclass(frozen=True)
class LoadedGraph:
    """The imported graph and the MetaGraphDef it came from (for its ``saver_def``)."""

    path: str
    graph: Any
    meta_graph: Any


def parse_meta_graph(path: str | Path, verbose: bool = False) -> Any:
    """Parse ``path`` as a binary or text MetaGraphDef; InputError when it is neither."""
    source = Path(path)
    try:
        exists = source.exists()
    except OSError as error:  # a name the file system rejects, e.g. too long
        raise InputError(source, f"cannot use this path ({error.strerror or error})") from None
    if not exists:
        raise InputError(source, "no such file")
    if source.is_dir():
        raise InputError(source, "is a directory; expected an exported MetaGraphDef file (model.meta)")
    if not source.is_file():
        # reading a named pipe or a device (/dev/zero) could block or never end
        raise InputError(source, "not a regular file (a named pipe, socket or device); expected model.meta")
    try:
        data = source.read_bytes()
    except OSError as error:
        raise InputError(source, f"cannot read: {error.strerror or error}") from None
    tf = tfcompat.load(verbose)
    from google.protobuf import message, text_format

    meta_graph = tf.compat.v1.MetaGraphDef()
    try:
        meta_graph.ParseFromString(data)
    except (message.DecodeError, ValueError, RuntimeError):
        meta_graph = tf.compat.v1.MetaGraphDef()
    if not meta_graph.graph_def.node:
        meta_graph = tf.compat.v1.MetaGraphDef()
        try:
            text_format.Parse(data.decode("utf-8"), meta_graph)
        except (text_format.ParseError, ValueError):  # UnicodeDecodeError is a ValueError
            meta_graph = tf.compat.v1.MetaGraphDef()
    if not meta_graph.graph_def.node:
        raise InputError(
            source,
            "not a MetaGraphDef (expected a .meta file from tf.compat.v1.train.export_meta_graph "
            "or Saver.save)",
        )
    return meta_graph


def load_meta_graph(path: str | Path, verbose: bool = False) -> LoadedGraph:
    """Import the MetaGraphDef at ``path`` into a new graph; nothing is run and no variables are read."""
    meta_graph = parse_meta_graph(path, verbose)
    tf = tfcompat.load(verbose)
    _check_collections(tf, meta_graph, path)
    graph = tf.Graph()
    try:
        with graph.as_default(), tfcompat.quiet_python_logs(not verbose):
            tf.compat.v1.train.import_meta_graph(meta_graph, clear_devices=True)
    except (ValueError, KeyError, TypeError, AttributeError, tf.errors.OpError) as error:
        message = " ".join(str(error).split())[:300]
        raise InputError(path, f"TensorFlow cannot import this MetaGraphDef: {message}") from None
    return LoadedGraph(str(path), graph, meta_graph)


def _check_collections(tf: Any, meta_graph: Any, path: str | Path) -> None:
    """InputError naming the collection when one that TensorFlow parses as protos is damaged.

    ``import_meta_graph`` would raise a DecodeError (garbage bytes) or an AttributeError
    (numbers where VariableDefs belong) from deep inside TensorFlow.
    """
    from google.protobuf import message

    for key, collection in sorted(meta_graph.collection_def.items()):
        proto_type = tfcompat.collection_proto_type(tf, key)
        kind = collection.WhichOneof("kind")
        if proto_type is None or kind is None:
            continue
        expected = f"serialized {proto_type.__name__} protos"
        if kind != "bytes_list":
            raise InputError(path, f"collection {key!r} should hold {expected}, but holds {kind} values")
        for index, value in enumerate(collection.bytes_list.value):
            try:
                proto_type.FromString(value)
            except (message.DecodeError, ValueError, RuntimeError):
                raise InputError(
                    path, f"collection {key!r} is damaged: entry {index} is not a {proto_type.__name__}"
                ) from None
