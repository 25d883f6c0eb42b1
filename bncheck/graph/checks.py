"""BN201-BN203 on an analysed graph, as Findings."""

from __future__ import annotations

from typing import Any

from bncheck.findings import Finding, Location
from bncheck.graph.rules import BN201, BN202, BN203
from bncheck.graph.model import MODE_INFERENCE, MODE_TRAINING, BnLayer, GraphAnalysis

FIX_BN201 = (
    "build the train op under `with tf.control_dependencies(tf.compat.v1.get_collection("
    "tf.compat.v1.GraphKeys.UPDATE_OPS)):` (Keras: `model.updates` / `layer.updates`), "
    "reading the collection after the model is built"
)


def _list(names: Any, limit: int = 4) -> str:
    names = list(names)
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _layer_location(layer: BnLayer, path: str) -> Location:
    if layer.created_at is not None:
        return Location(layer.created_at.path, layer.created_at.line, symbol=layer.name)
    return Location(path, symbol=layer.name)


def bn201_message(layers: list[BnLayer], train_ops: list[str]) -> str:
    """The BN201 sentence: which layers' updates which train ops never run."""
    described = "; ".join(f"'{layer.name}' ({layer.api}: {_list(layer.update_ops, 2)})" for layer in layers)
    noun = "layer" if len(layers) == 1 else "layers"
    return (
        f"moving-statistics updates of BN {noun} {described} run in no train op: "
        f"{_list(train_ops)} does not depend on them, so moving_mean/moving_variance keep their initial "
        "values"
    )


def missing_updates(analysis: GraphAnalysis) -> list[BnLayer]:
    """Layers that have update ops of which no train op runs any."""
    run = frozenset().union(*analysis.updates_run_by.values()) if analysis.updates_run_by else frozenset()
    return [layer for layer in analysis.layers if layer.update_ops and not (set(layer.update_ops) & run)]


def check_updates(analysis: GraphAnalysis, path: str) -> list[Finding]:
    """BN201, one finding per layer whose updates no train op runs."""
    if not analysis.train_ops:
        return []
    train_names = [op.name for op in analysis.train_ops]
    return [
        BN201.finding(bn201_message([layer], train_names), _layer_location(layer, path), FIX_BN201)
        for layer in missing_updates(analysis)
    ]


def check_training_mode(analysis: GraphAnalysis, path: str) -> list[Finding]:
    """BN203: training argument fixed to the wrong constant for the kind of graph."""
    findings = []
    for layer in analysis.layers:
        if analysis.train_ops and layer.mode == MODE_INFERENCE:
            message = (
                f"BN layer '{layer.name}' ({layer.api}) was built with a constant training=False in a graph "
                f"with train op {_list(op.name for op in analysis.train_ops)}: it normalizes with moving "
                "statistics "
                "that nothing updates"
            )
            fix = "pass training=is_training (a bool placeholder) or True when building the training graph"
        elif not analysis.train_ops and layer.mode == MODE_TRAINING:
            message = (
                f"BN layer '{layer.name}' ({layer.api}) was built with a constant training=True in a graph "
                "without "
                "a train op: evaluation normalizes with batch statistics and overwrites the moving statistics"
            )
            fix = "build the evaluation graph with training=False (or feed a training placeholder False)"
        else:
            continue
        findings.append(BN203.finding(message, _layer_location(layer, path), fix))
    return findings


def saved_tensor_names(graph: Any, saver_def: Any) -> set[str] | None:
    """Checkpoint keys a Saver writes (from its SaveV2 ops' ``tensor_names``), or None when not found."""
    try:
        save_op = graph.as_graph_element(saver_def.save_tensor_name).op
    except (KeyError, ValueError, TypeError):
        return None
    names: set[str] = set()
    found = False
    stack, seen = [save_op], set()
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        if op.type in ("SaveV2", "SaveSlices", "Save"):
            found = True
            constant = op.inputs[1].op
            if constant.type == "Const":
                names.update(value.decode() for value in constant.get_attr("value").string_val)
            continue
        stack.extend(tensor.op for tensor in op.inputs)
        stack.extend(op.control_inputs)
    return names if found else None


def check_saver(analysis: GraphAnalysis, graph: Any, saver_defs: list[Any], path: str) -> list[Finding]:
    """BN202: the graph's Saver leaves moving statistics out of the checkpoint."""
    findings = []
    for saver_def in saver_defs:
        saved = saved_tensor_names(graph, saver_def)
        if saved is None:
            continue
        for layer in analysis.layers:
            missing = [variable for variable in layer.moving_variables if variable not in saved]
            if not missing:
                continue
            findings.append(
                BN202.finding(
                    f"the Saver ({saver_def.save_tensor_name}) does not save {_list(missing)} of BN layer "
                    f"'{layer.name}': a restored model gets initial moving statistics or fails with "
                    f"'Key {missing[0]} not found in checkpoint'",
                    _layer_location(layer, path),
                    "save all global variables: tf.compat.v1.train.Saver() or "
                    "Saver(var_list=tf.compat.v1.global_variables())",
                )
            )
        break  # the first Saver with a save op is the graph's own
    return findings


def saver_defs_of(loaded: Any) -> list[Any]:
    """The MetaGraphDef's own ``saver_def``, then those of the ``savers`` collection."""
    defs = []
    if loaded.meta_graph.HasField("saver_def") and loaded.meta_graph.saver_def.save_tensor_name:
        defs.append(loaded.meta_graph.saver_def)
    for saver in loaded.graph.get_collection("savers"):
        saver_def = getattr(saver, "saver_def", None)
        if saver_def is not None and saver_def.save_tensor_name:
            defs.append(saver_def)
    return defs


def check_meta_graph_file(
    path: str, train_op: str | None = None, verbose: bool = False
) -> tuple[GraphAnalysis, list[Finding]]:
    """Load an exported MetaGraphDef and run BN201-BN203 on it."""
    from bncheck.graph.analyze import analyze_graph
    from bncheck.graph.load import load_meta_graph

    loaded = load_meta_graph(path, verbose)
    analysis = analyze_graph(loaded.graph, train_op=train_op)
    findings = check_updates(analysis, path) + check_saver(
        analysis, loaded.graph, saver_defs_of(loaded), path
    )
    findings += check_training_mode(analysis, path)
    order = {"BN201": 0, "BN202": 1, "BN203": 2}
    findings.sort(key=lambda finding: (order.get(finding.code, 9), finding.location.symbol or ""))
    return analysis, findings
