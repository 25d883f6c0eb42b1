"""Builders of real checkpoints for the audit tests (TensorFlow on CPU, written under tmp_path).

TF1 checkpoints are built in this process in their own graphs; Keras 3, TF2 object and
SavedModel fixtures need eager Keras 3, which the legacy-Keras process cannot give, so
they are built by one subprocess (``build_keras_fixtures``).

A fixture that tests only read is built once per test run through ``shared``: every
pytest-xdist worker gets the same folder, built by the first that asks.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Callable

import numpy as np

from bncheck import tfcompat
from tests.requires import skip_without_tf

# set by tests/conftest.py: one folder for the whole run, shared by its xdist workers
SHARED_ROOT: Path | None = None
# folder -> its state when built, checked again when the worker ends (a test that changed it fails)
SHARED_STATES: dict[Path, dict] = {}


def shared(builder: Callable, *args, **kwargs):
    """``builder(folder, *args, **kwargs)``, built once per test run under a lock and then reused.

    Only for fixtures that tests read: a test that damages one copies it first.
    """
    from tests.helpers_fs import folder_state

    if SHARED_ROOT is None:
        raise RuntimeError("tests/conftest.py sets audit_fixtures.SHARED_ROOT")
    key = hashlib.sha256(repr((builder.__name__, args, sorted(kwargs.items()))).encode()).hexdigest()[:12]
    folder = SHARED_ROOT / f"{builder.__name__}-{key}"
    record = SHARED_ROOT / f"{folder.name}.json"
    with open(SHARED_ROOT / f"{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            result = builder(folder, *args, **kwargs)
            record.write_text(json.dumps({"path": isinstance(result, Path), "value": str(result)}))
        built = json.loads(record.read_text())
    SHARED_STATES.setdefault(folder, folder_state(folder))
    return Path(built["value"]) if built["path"] else built["value"]


BATCH = np.random.default_rng(0).normal(2.0, 3.0, size=(8, 4, 4, 3)).astype(np.float32)


def _tf():
    skip_without_tf()  # the BN layers below are tf-keras layers
    return tfcompat.load()


def _slim_bn(tf, x, scope: str, decay: float = 0.9):
    """contrib/slim-style names (``scope/BatchNorm/beta``, moving stats, no gamma); updates in UPDATE_OPS."""
    v1 = tf.compat.v1
    channels = int(x.shape[-1])
    with v1.variable_scope(scope + "/BatchNorm"):
        beta = v1.get_variable("beta", [channels], initializer=v1.zeros_initializer())
        moving_mean = v1.get_variable(
            "moving_mean", [channels], initializer=v1.zeros_initializer(), trainable=False
        )
        moving_variance = v1.get_variable(
            "moving_variance", [channels], initializer=v1.ones_initializer(), trainable=False
        )
        mean, variance = tf.nn.moments(x, axes=[0, 1, 2])
        v1.add_to_collection(
            v1.GraphKeys.UPDATE_OPS, v1.assign(moving_mean, moving_mean * decay + mean * (1 - decay))
        )
        v1.add_to_collection(
            v1.GraphKeys.UPDATE_OPS,
            v1.assign(moving_variance, moving_variance * decay + variance * (1 - decay)),
        )
        return tf.nn.batch_normalization(x, mean, variance, beta, None, 1e-3)


def build_tf1(
    directory: Path,
    *,
    updates: str = "all",  # "all", "none" or "first" (only the first BN layer's update ops run)
    momentum: float = 0.9,
    saver: str = "all",  # "all" or "trainable"
    style: str = "layers",  # "layers" (tf.layers names) or "slim" (BatchNorm/beta, no gamma)
    steps: int = 3,
    nan_variance_in: str | None = None,
    ema: bool = False,
    save_steps: tuple[int, ...] | None = None,
    stop_updates_after: int | None = None,
) -> str:
    """Train conv+BN, conv+BN for ``steps`` Adam steps and save; returns the last checkpoint prefix."""
    tf = _tf()
    v1 = tf.compat.v1
    directory.mkdir(parents=True, exist_ok=True)
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(1)
        x = tf.constant(BATCH)
        h = x
        for index in (1, 2):
            h = v1.layers.conv2d(h, 4, 1, name=f"conv{index}")
            if style == "slim":
                h = _slim_bn(tf, h, f"conv{index}", decay=momentum)
            else:
                h = v1.layers.batch_normalization(h, training=True, momentum=momentum, name=f"bn{index}")
            h = tf.nn.relu(h)
        loss = tf.reduce_mean(tf.square(h - 1.0))
        global_step = v1.train.get_or_create_global_step()
        optimizer = v1.train.AdamOptimizer(0.05)
        update_ops = v1.get_collection(v1.GraphKeys.UPDATE_OPS)
        if updates == "first":
            first = "conv1/" if style == "slim" else "bn1/"
            update_ops = [op for op in update_ops if op.name.startswith(first)]
        elif updates == "none":
            update_ops = []
        with tf.control_dependencies(update_ops):
            train_op = optimizer.minimize(loss, global_step=global_step)
        plain_train_op = optimizer.minimize(loss, global_step=global_step) if stop_updates_after else None
        if ema:
            with tf.control_dependencies([train_op]):
                train_op = v1.train.ExponentialMovingAverage(0.99).apply(v1.trainable_variables())
        var_list = v1.trainable_variables() if saver == "trainable" else None
        writer = v1.train.Saver(var_list=var_list, max_to_keep=10)
        prefix = ""
        with v1.Session(graph=graph) as session:
            session.run(v1.global_variables_initializer())
            for step in range(1, steps + 1):
                use_plain = stop_updates_after is not None and step > stop_updates_after
                session.run(plain_train_op if use_plain else train_op)
                if save_steps and step in save_steps:
                    prefix = writer.save(session, str(directory / "model.ckpt"), global_step=step)
            if nan_variance_in:
                variable = next(
                    v for v in v1.global_variables() if v.name == f"{nan_variance_in}/moving_variance:0"
                )
                value = session.run(variable)
                value[0] = np.nan
                variable.load(value, session)
            if not save_steps:
                prefix = writer.save(session, str(directory / "model.ckpt"), global_step=steps)
    return prefix


def resnet50_slim_layers() -> list[tuple[str, int]]:
    """The 53 BN scopes of slim's resnet_v1_50, with their channel counts."""
    layers = [("resnet_v1_50/conv1/BatchNorm", 64)]
    for block, (units, depth) in enumerate(((3, 64), (4, 128), (6, 256), (3, 512)), start=1):
        for unit in range(1, units + 1):
            base = f"resnet_v1_50/block{block}/unit_{unit}/bottleneck_v1"
            if unit == 1:
                layers.append((f"{base}/shortcut/BatchNorm", depth * 4))
            layers += [
                (f"{base}/conv1/BatchNorm", depth),
                (f"{base}/conv2/BatchNorm", depth),
                (f"{base}/conv3/BatchNorm", depth * 4),
            ]
    return layers


def build_resnet50_slim(directory: Path, frozen: tuple[str, ...] = ()) -> str:
    """A ResNet-50-sized slim checkpoint written directly: conv weights (1x1, narrow), BN beta and
    moving statistics, Momentum slots and EMA shadows; the ``frozen`` scopes keep mean 0 / variance 1."""
    tf = _tf()
    v1 = tf.compat.v1
    rng = np.random.default_rng(50)
    directory.mkdir(parents=True, exist_ok=True)
    graph = tf.Graph()
    with graph.as_default():
        for scope, channels in resnet50_slim_layers():
            conv = scope.removesuffix("/BatchNorm")
            v1.Variable(rng.normal(size=(1, 1, 8, channels)).astype(np.float32), name=f"{conv}/weights")
            beta = rng.normal(0, 0.1, channels).astype(np.float32)
            at_init = scope in frozen
            mean = (
                np.zeros(channels, np.float32) if at_init else rng.normal(0, 1, channels).astype(np.float32)
            )
            variance = (
                np.ones(channels, np.float32)
                if at_init
                else rng.uniform(0.5, 2.0, channels).astype(np.float32)
            )
            v1.Variable(beta, name=f"{scope}/beta")
            v1.Variable(beta * 0.01, name=f"{scope}/beta/Momentum")
            v1.Variable(mean, name=f"{scope}/moving_mean", trainable=False)
            v1.Variable(variance, name=f"{scope}/moving_variance", trainable=False)
            v1.Variable(mean, name=f"{scope}/moving_mean/ExponentialMovingAverage", trainable=False)
        v1.Variable(np.int64(120000), name="global_step", trainable=False)
        writer = v1.train.Saver()
        with v1.Session(graph=graph) as session:
            session.run(v1.global_variables_initializer())
            return writer.save(session, str(directory / "model.ckpt"), global_step=120000)


def build_sharded(directory: Path) -> str:
    """Two BN layers on two CPU devices saved by a sharded Saver: PREFIX.data-0000{0,1}-of-00002."""
    tf = _tf()
    v1 = tf.compat.v1
    directory.mkdir(parents=True, exist_ok=True)
    graph = tf.Graph()
    with graph.as_default():
        x = tf.constant([[1.0, 2.0, 3.0], [2.0, 0.0, 1.0], [4.0, 1.0, 0.0], [3.0, 3.0, 3.0]])
        with tf.device("/cpu:0"):
            h = v1.layers.batch_normalization(x, training=True, name="bn1")
        with tf.device("/cpu:1"):
            v1.layers.batch_normalization(h, training=True, name="bn2")
        saver = v1.train.Saver(sharded=True)
        with v1.Session(graph=graph, config=v1.ConfigProto(device_count={"CPU": 2})) as session:
            session.run(v1.global_variables_initializer())
            session.run(v1.get_collection(v1.GraphKeys.UPDATE_OPS))
            return saver.save(session, str(directory / "model.ckpt"), global_step=1)


def build_partitioned(directory: Path, frozen: bool = False) -> str:
    """slim-style BN variables of 300 channels, each split in 3 by a partitioner (slice starts 0, 100,
    200: OrderedCode's one- and two-byte numbers), next to a partitioned 20000x3 kernel and a
    global_step; ``frozen`` keeps the second layer's statistics at 0/1."""
    tf = _tf()
    v1 = tf.compat.v1
    rng = np.random.default_rng(3)
    directory.mkdir(parents=True, exist_ok=True)
    graph = tf.Graph()
    with graph.as_default():
        with v1.variable_scope("", partitioner=v1.fixed_size_partitioner(3)):
            v1.get_variable("dense/kernel", [20000, 3], initializer=v1.random_normal_initializer())
            for index, stuck in ((1, False), (2, frozen)):
                scope = f"block{index}/BatchNorm"
                values = {
                    "beta": rng.normal(0, 0.1, 300),
                    "moving_mean": np.zeros(300) if stuck else rng.normal(0, 1, 300),
                    "moving_variance": np.ones(300) if stuck else rng.uniform(0.5, 2, 300),
                }
                for name, value in values.items():
                    initializer = _sliced(tf, value.astype(np.float32))
                    v1.get_variable(f"{scope}/{name}", [300], initializer=initializer)
        v1.Variable(np.int64(5000), name="global_step", trainable=False)
        with v1.Session(graph=graph) as session:
            session.run(v1.global_variables_initializer())
            return v1.train.Saver().save(session, str(directory / "model.ckpt"), global_step=5000)


def _sliced(tf, value: np.ndarray):
    """An initializer giving each partition its own part of ``value``."""

    def initializer(shape, dtype=None, partition_info=None):
        start = partition_info.var_offset[0] if partition_info is not None else 0
        return tf.constant(value[start : start + shape[0]])

    return initializer


def copy_big_endian(prefix: str, directory: Path) -> str:
    """The bundle at ``prefix`` rewritten as a big-endian machine writes it: header byte order BIG,
    every numeric tensor byte-swapped with its CRC32C recomputed, a new index table.  TensorFlow
    refuses such a bundle on a little-endian machine; the values are the same."""
    import os
    import shutil

    from bncheck.audit import checksum, protos
    from bncheck.audit.bundle import Bundle
    from bncheck.audit.sstable import Table

    directory.mkdir(parents=True, exist_ok=True)
    target = str(directory / Path(prefix).name)
    descriptor = os.open(f"{prefix}.index", os.O_RDONLY)
    try:
        entries = dict(Table(descriptor, os.fstat(descriptor).st_size).entries())
    finally:
        os.close(descriptor)
    bundle = Bundle(prefix)
    shards = {shard: bytearray(Path(path).read_bytes()) for shard, path in enumerate(bundle.data_files())}
    for key, value in entries.items():
        entry = protos.BundleEntryProto()
        entry.ParseFromString(value)
        if key == b"":
            header = protos.BundleHeaderProto()
            header.ParseFromString(value)
            header.endianness = 1
            entries[key] = header.SerializeToString()
            continue
        element = {1: 4, 2: 8, 3: 4, 9: 8, 19: 2}.get(entry.dtype)
        if entry.slices or element is None or entry.size == 0:
            continue
        data = shards[entry.shard_id]
        raw = np.frombuffer(bytes(data[entry.offset : entry.offset + entry.size]), dtype=f"<u{element}")
        swapped = raw.astype(f">u{element}").tobytes()
        data[entry.offset : entry.offset + entry.size] = swapped
        entry.crc32c = checksum.mask(checksum.crc32c(swapped))
        entries[key] = entry.SerializeToString()
    bundle.close()
    for shard, data in shards.items():
        suffix = Path(bundle.data_files()[shard]).name[len(Path(prefix).name) :]
        Path(target + suffix).write_bytes(bytes(data))
    Path(f"{target}.index").write_bytes(_table(sorted(entries.items())))
    for extra in Path(prefix).parent.glob(Path(prefix).name + ".meta"):
        shutil.copy(extra, directory)
    return target


def _table(entries: list[tuple[bytes, bytes]]) -> bytes:
    """A table file of one data block (every entry a restart point), an empty metaindex and the index."""
    import struct

    from bncheck.audit import checksum

    def varint(value: int) -> bytes:
        out = bytearray()
        while value >= 0x80:
            out.append(value & 0x7F | 0x80)
            value >>= 7
        return bytes(out + bytes([value]))

    def block(items: list[tuple[bytes, bytes]]) -> bytes:
        body, restarts = b"", []
        for key, value in items:
            restarts.append(len(body))
            body += varint(0) + varint(len(key)) + varint(len(value)) + key + value
        restarts = restarts or [0]
        offsets = b"".join(struct.pack("<I", offset) for offset in restarts)
        return body + offsets + struct.pack("<I", len(restarts))

    out = b""

    def add(contents: bytes) -> bytes:
        nonlocal out
        handle = varint(len(out)) + varint(len(contents))
        trailer = b"\0" + struct.pack("<I", checksum.mask(checksum.crc32c(contents + b"\0")))
        out += contents + trailer
        return handle

    data_handle = add(block(entries))
    meta_handle = add(block([]))
    index_handle = add(block([(entries[-1][0] + b"\xff", data_handle)]))
    footer = (meta_handle + index_handle).ljust(40, b"\0") + struct.pack("<II", 0x8B80FB57, 0xDB477524)
    return out + footer


_KERAS_SCRIPT = textwrap.dedent(
    """
    import os, sys
    os.environ["TF_USE_LEGACY_KERAS"] = "0"
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import numpy as np
    import keras
    import tensorflow as tf
    import tf_keras
    out = sys.argv[1]
    rng = np.random.default_rng(0)
    x = rng.normal(2.0, 3.0, size=(16, 4, 4, 3)).astype("float32")
    y = rng.normal(size=(16, 2)).astype("float32")

    def model(momentum):
        keras.utils.set_random_seed(0)
        return keras.Sequential([
            keras.Input((4, 4, 3)),
            keras.layers.Conv2D(4, 1, name="conv"),
            keras.layers.BatchNormalization(name="bn1", momentum=momentum),
            keras.layers.Flatten(),
            keras.layers.Dense(2, name="dense"),
            keras.layers.BatchNormalization(name="bn2", scale=False, momentum=momentum),
        ], name="net")

    trained = model(0.9)
    trained.compile(optimizer="adam", loss="mse")
    trained.fit(x, y, epochs=2, batch_size=8, verbose=0)
    trained.save(os.path.join(out, "trained.keras"))
    trained.save_weights(os.path.join(out, "trained.weights.h5"))
    tf.train.Checkpoint(model=trained, optimizer=trained.optimizer).save(os.path.join(out, "tf2", "ckpt"))
    tf.saved_model.save(trained, os.path.join(out, "savedmodel"))

    frozen = model(1.0)
    frozen.compile(optimizer="adam", loss="mse")
    frozen.fit(x, y, epochs=2, batch_size=8, verbose=0)
    frozen.save_weights(os.path.join(out, "decay1.weights.h5"))
    frozen.save(os.path.join(out, "decay1.keras"))

    fresh = model(0.9)
    fresh.save_weights(os.path.join(out, "fresh.weights.h5"))

    legacy = tf_keras.Sequential([
        tf_keras.layers.Conv2D(4, 1, input_shape=(4, 4, 3), name="conv"),
        tf_keras.layers.BatchNormalization(name="bn"),
        tf_keras.layers.Flatten(),
        tf_keras.layers.Dense(2, name="dense"),
        tf_keras.layers.LayerNormalization(name="ln"),
    ])
    legacy.compile(optimizer="adam", loss="mse")
    legacy.fit(x, y, epochs=1, batch_size=8, verbose=0)
    legacy.save(os.path.join(out, "keras2.h5"))

    trained.save(os.path.join(out, "keras3_legacy.h5"))  # Keras 3's HDF5 model format

    renorm = tf_keras.Sequential([
        tf_keras.layers.Conv2D(4, 1, input_shape=(4, 4, 3), name="conv"),
        tf_keras.layers.BatchNormalization(renorm=True, name="bn_renorm"),
        tf_keras.layers.Flatten(),
        tf_keras.layers.Dense(2, name="dense"),
    ])
    renorm.compile(optimizer="adam", loss="mse")
    renorm.fit(x, y, epochs=1, batch_size=8, verbose=0)
    renorm.save_weights(os.path.join(out, "renorm.h5"))
    object_checkpoint = tf.train.Checkpoint(model=renorm, optimizer=renorm.optimizer)
    object_checkpoint.save(os.path.join(out, "tf2_keras2", "ckpt"))

    # last: it trains `trained` on
    managed = tf.train.Checkpoint(model=trained, optimizer=trained.optimizer)
    manager = tf.train.CheckpointManager(managed, os.path.join(out, "managed"), max_to_keep=3)
    manager.save()
    trained.fit(x, y, epochs=1, batch_size=8, verbose=0)
    manager.save()
    """
)


def build_keras_fixtures(directory: Path) -> Path:
    """Keras 3 .keras/.weights.h5/.h5, TF2 object checkpoints, a SavedModel, Keras 2 .h5: one subprocess."""
    skip_without_tf()
    directory.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, TF_USE_LEGACY_KERAS="0", TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    result = subprocess.run(
        [sys.executable, "-c", _KERAS_SCRIPT, str(directory)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"keras fixture build failed:\n{result.stderr[-3000:]}")
    return directory


def audit_both(paths: list[str], **options):
    """Audit ``paths`` with bncheck's file reader and with TensorFlow's; the two reports must be identical.

    Compared through repr: every layer, every tensor's statistics and digest, every finding and
    the checkpoint facts (a NaN minimum is equal to itself there).  Returns the file reader's report.
    """
    from bncheck.audit import audit_paths

    by_file = audit_paths(paths, reader="file", **options)
    by_tf = audit_paths(paths, reader="tf", **options)
    assert repr(by_file) == repr(by_tf)
    return by_file


def snapshot(directory: Path) -> dict[str, tuple[int, int, bytes]]:
    """(size, mtime_ns, content) of every file under ``directory``: proof that nothing was written."""
    state = {}
    for path in sorted(Path(directory).rglob("*")):
        if path.is_file():
            info = path.stat()
            state[str(path)] = (info.st_size, info.st_mtime_ns, path.read_bytes())
        else:
            state[str(path)] = (0, path.stat().st_mtime_ns, b"")
    return state
