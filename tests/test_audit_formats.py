"""The on-disk formats as bncheck reads them: table blocks, bundle entries, object graphs, SavedModels."""

from __future__ import annotations

import os
import shutil
import struct
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bncheck.audit import checksum, objectgraph, protos, sstable
from bncheck.audit.bundle import Bundle, BundleError, slice_key
from tests import audit_fixtures as fx


def test_crc32c_and_its_mask():
    assert checksum.crc32c(b"123456789") == 0xE3069283  # the CRC-32C check value
    assert checksum.crc32c(b"56789", checksum.crc32c(b"1234")) == 0xE3069283
    for value in (0, 1, 0xE3069283, 0xFFFFFFFF):
        assert checksum.unmask(checksum.mask(value)) == value
    assert checksum.mask(0) == 0xA282EAD8


def test_slice_keys_follow_ordered_code():
    # the key starts with a 0 count, the escaped name (\0 -> \0\xff, \xff -> \xff\0) and \0\1
    assert slice_key(b"a\x00b", ((0, -1),)) == b"\x00a\x00\xffb\x00\x01\x01\x01\x80\x7f"
    # signed numbers: one byte below 64, a two-byte header above
    assert slice_key(b"v", ((100, 50),))[-3:] == b"\xc0\x64\xb2"
    assert slice_key(b"v", ((10000, -65),))[-5:-2] == b"\xe0\x27\x10"


def _table_file(tmp_path, entries, corrupt=None):
    path = tmp_path / "t.index"
    data = bytearray(fx._table(entries))
    if corrupt is not None:
        corrupt(data)
    path.write_bytes(bytes(data))
    return path


def _entries(path):
    descriptor = os.open(path, os.O_RDONLY)
    try:
        return list(sstable.Table(descriptor, os.fstat(descriptor).st_size).entries())
    finally:
        os.close(descriptor)


def test_table_round_trip_and_damage(tmp_path):
    entries = [(b"", b"header"), (b"a/b", b"x" * 300), (b"a/c", b"")]
    assert _entries(_table_file(tmp_path, entries)) == entries

    def flip_block(data):
        data[3] ^= 1

    def bad_magic(data):
        data[-1] ^= 1

    def snappy(data):
        # the data block is first: mark it snappy-compressed, with a CRC that matches the new type
        length = sum(3 + (len(value) >= 128) + len(key) + len(value) for key, value in entries) + 4 * 3 + 4
        data[length] = sstable.SNAPPY
        data[length + 1 : length + 5] = struct.pack(
            "<I", checksum.mask(checksum.crc32c(bytes(data[: length + 1])))
        )

    for corrupt, problem in (
        (flip_block, "block checksum mismatch"),
        (bad_magic, "bad magic number"),
        (snappy, "snappy-compressed"),
        (lambda data: data.__delitem__(slice(0, len(data) - 30)), "too short"),
    ):
        with pytest.raises(sstable.TableError, match=problem):
            _entries(_table_file(tmp_path, entries, corrupt))


def test_bundle_entries_checked_against_the_data(tmp_path):
    prefix = fx.build_tf1(tmp_path / "run", steps=1)
    bundle = Bundle(prefix)
    entry = bundle.variables["bn1/moving_mean"].entry
    assert (entry.dtype, entry.shape, entry.size) == (1, (4,), 16)
    assert np.array_equal(bundle.read("global_step"), np.int64(1))
    bundle.close()
    data = tmp_path / "run" / "model.ckpt-1.data-00000-of-00001"
    raw = bytearray(data.read_bytes())
    raw[entry.offset] ^= 0x80
    data.write_bytes(bytes(raw))
    bundle = Bundle(prefix)
    with pytest.raises(BundleError, match="'bn1/moving_mean' .checksum does not match") as error:
        bundle.read("bn1/moving_mean")
    assert error.value.path == str(data)
    assert bundle.read("bn1/moving_variance").shape == (4,)  # the others still read
    bundle.close()
    data.write_bytes(bytes(raw[: entry.offset]))
    with pytest.raises(BundleError, match="truncated"):
        Bundle(prefix).check_sizes()


def test_object_graph_names_and_the_saved_model_fallback():
    graph = protos.TrackableObjectGraph()
    root = graph.nodes.add()
    root.children.add(node_id=1, local_name="bn1")
    named = graph.nodes.add()
    named.attributes.add(
        name="VARIABLE_VALUE", full_name="net/bn1/gamma", checkpoint_key="a/.ATTRIBUTES/VARIABLE_VALUE"
    )
    unnamed = graph.nodes.add()
    unnamed.attributes.add(name="VARIABLE_VALUE", checkpoint_key="b/.ATTRIBUTES/VARIABLE_VALUE")
    serialized = graph.SerializeToString()
    assert objectgraph.variable_names(serialized) == {"a/.ATTRIBUTES/VARIABLE_VALUE": "net/bn1/gamma"}
    model = protos.SavedModel()
    nodes = model.meta_graphs.add().object_graph_def.nodes
    nodes.add()
    nodes.add().variable.name = "ignored: the checkpoint names it"
    nodes.add().variable.name = "net/bn1/moving_mean"
    assert objectgraph.variable_names(serialized, lambda: None) == {
        "a/.ATTRIBUTES/VARIABLE_VALUE": "net/bn1/gamma"
    }
    assert objectgraph.variable_names(serialized, model.SerializeToString) == {
        "a/.ATTRIBUTES/VARIABLE_VALUE": "net/bn1/gamma",
        "b/.ATTRIBUTES/VARIABLE_VALUE": "net/bn1/moving_mean",
    }
    named_only = protos.TrackableObjectGraph()
    named_only.nodes.add().CopyFrom(named)
    assert objectgraph.variable_names(named_only.SerializeToString(), lambda: pytest.fail("read")) == {
        "a/.ATTRIBUTES/VARIABLE_VALUE": "net/bn1/gamma"
    }
    with pytest.raises(objectgraph.ObjectGraphError, match="not a TrackableObjectGraph"):
        objectgraph.variable_names(b"\x0a\xff\xff")
    with pytest.raises(objectgraph.ObjectGraphError, match="saved_model.pb is not a SavedModel"):
        objectgraph.variable_names(serialized, lambda: b"\x12\xff")


@pytest.fixture(scope="module")
def keras_dir():
    return fx.shared(fx.build_keras_fixtures)


def test_saved_model_nodes_line_up_with_the_checkpoint_graph(keras_dir):
    """The fallback's premise, on a real SavedModel: node i of saved_model.pb is node i of the checkpoint."""
    folder = keras_dir / "savedmodel"
    bundle = Bundle(str(folder / "variables" / "variables"))
    graph = protos.TrackableObjectGraph()
    graph.ParseFromString(bundle.read("_CHECKPOINTABLE_OBJECT_GRAPH")[()])
    bundle.close()
    from_checkpoint = {
        node_id: attribute.full_name
        for node_id, node in enumerate(graph.nodes)
        for attribute in node.attributes
        if attribute.name == "VARIABLE_VALUE"
    }
    from_saved_model = objectgraph._saved_variable_names((folder / "saved_model.pb").read_bytes())
    assert len(from_checkpoint) >= 20
    assert {node: from_saved_model.get(node) for node in from_checkpoint} == from_checkpoint


@pytest.fixture(scope="module")
def bundles(keras_dir) -> dict[str, str]:
    return {
        "tf1": fx.shared(fx.build_tf1, steps=1),
        "partitioned": fx.shared(fx.build_partitioned),
        "tf2": str(next((keras_dir / "tf2").glob("*.index")))[: -len(".index")],
    }


def _read_all(prefix: str) -> None:
    bundle = Bundle(prefix)
    try:
        bundle.check_sizes()
        for name, variable in bundle.variables.items():
            if variable.entry is None or variable.entry.element_size or variable.dtype == 7:
                bundle.read(name)
    finally:
        bundle.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    which=st.sampled_from(["tf1", "partitioned", "tf2"]),
    part=st.sampled_from(["index", "data"]),
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)), max_size=4),
    keep=st.one_of(st.none(), st.floats(0, 1)),
)
def test_damaged_bundles_raise_only_bundle_errors(bundles, which, part, flips, keep):
    """Whatever bytes are flipped or cut, reading every tensor either works or is a BundleError."""
    prefix = Path(bundles[which])
    with tempfile.TemporaryDirectory() as folder:
        for path in prefix.parent.glob(prefix.name + ".*"):
            shutil.copy(path, folder)
        copy = Path(folder) / prefix.name
        target = Path(f"{copy}.index") if part == "index" else next(Path(folder).glob("*.data-*"))
        raw = bytearray(target.read_bytes())
        for where, mask in flips:
            raw[int(where * len(raw))] ^= mask
        if keep is not None:
            del raw[int(keep * len(raw)) :]
        target.write_bytes(bytes(raw))
        try:
            _read_all(str(copy))
        except BundleError as error:
            assert error.path.startswith(folder) and error.problem
