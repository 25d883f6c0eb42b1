"""BN004: a BN layer built without its training flag, so it uses the wrong mode."""

from __future__ import annotations

import ast
import re
from typing import Iterable

from bncheck.findings import Severity
from bncheck.lint.aliases import dotted_text
from bncheck.lint.context import FileContext
from bncheck.lint import flags
from bncheck.lint.facts import NamedByImporter, PythonIfParameter, ReachesAnyBN, UsedByEvaluation
from bncheck.lint.project import TestedParameter
from bncheck.lint.values import Holds, parameter_of, value_flow
from bncheck.lint.rulebase import Candidate, LintRule, Trigger, lint_rule
from bncheck.lint.rules.bn006_training_hardcoded import validation_runs
from bncheck.lint.semantics import (
    NN_BN,
    TFLAYERS_BN,
    _TRAINING_PARAMETER,
    _arguments,
    _file_sets_is_training,
    bn_producers,
    is_graph_mode,
    is_true,
    keeps_moving_stats,
    moments_bindings,
    is_nets_arg_scope,
    setting,
)


# slim nets backbones that take no training flag: their BN gets its mode from an arg scope only
_NETS_BASE = re.compile(r"(^|\.)nets\.[\w.]*\.(inception_v[1-4]|inception_resnet_v2|mobilenet_v1)_base$")
_OPTION_PATTERN = rb"(?:add_argument|DEFINE_bool(?:ean)?)\(\s*['\"](?:--)?is[-_]train"
_OPTION_REGEX = re.compile(_OPTION_PATTERN.decode())


def _builds_or_applies_bn(context: FileContext, call, producers: set[int]) -> bool:
    """A BN call (``tf.layers.batch_normalization(...)``), or a BN layer object applied: ``self.bn(x, ...)``
    with ``self.bn = tf.layers.BatchNormalization(...)`` (a dropout's `training` is not BN's)."""
    if id(call) in producers:
        return True
    for assignment in context.assignments.get(call.callee or "", ()):
        value = assignment.value
        if not isinstance(value, ast.Call):
            continue
        if (context.imports.resolve(value.func) or "").endswith("BatchNormalization"):
            return True
    return False


def _helper_flag_given_true(context: FileContext, call, producers: set[int]) -> str | None:
    """The parameter of this file's BN helper that a literal ``True`` is handed to positionally
    (``batch_norm(outs, True, scope)`` with ``def batch_norm(x, is_train, scope)`` whose BN takes
    ``is_training=is_train``), else None."""
    if not isinstance(call.node.func, ast.Name):
        return None
    index = next(
        (i for i, arg in enumerate(call.node.args) if type(arg) is ast.Constant and arg.value is True), None
    )
    definitions = context.functions.get(call.node.func.id, ())
    if index is None or len(definitions) != 1:
        return None
    helper = definitions[0]
    positional = [arg.arg for arg in helper.args.posonlyargs + helper.args.args]
    if index >= len(positional) or not _TRAINING_PARAMETER.match(positional[index]):
        return None
    parameter = positional[index]
    for producer in bn_producers(context):
        if producer.function is not helper or id(producer) not in producers:
            continue
        value = producer.keyword("is_training") or producer.keyword("training")
        if isinstance(value, ast.Name) and value.id == parameter:
            return parameter
    return None


def _network_dropping_flag(context: FileContext, scope_function: ast.AST) -> tuple[str, str] | None:
    """The network function the scope is named for (``xception`` of ``xception_arg_scope``, slim's
    convention), when it builds slim layers and takes a training flag it never hands to anything but
    dropout (``def xception(inputs, is_training=True)``): its name and the flag; else None."""
    name = getattr(scope_function, "name", "")
    if not name.endswith("_arg_scope"):
        return None
    for definitions in context.functions.get(name[: -len("_arg_scope")], ()),:
        for function in definitions:
            if function is scope_function or not isinstance(function, ast.FunctionDef):
                continue
            if context.enclosing.get(function) is not None:
                continue
            taken = [arg.arg for arg in _arguments(function) if _TRAINING_PARAMETER.match(arg.arg)]
            if not taken or _flag_reaches_a_model_call(function, taken[0]):
                continue
            if any(
                call.function is function and (call.qualname or "").split(".")[-1] in _SLIM_LAYERS
                for call in context.calls
            ):
                return function.name, taken[0]
    return None


_SLIM_LAYERS = frozenset({"conv2d", "separable_conv2d", "separable_convolution2d", "fully_connected", "conv2d_transpose", "conv3d"})


def _exported_beside_literal_mode(context: FileContext, switch) -> int | None:
    """A switch placeholder made in a function that only hands it back (``return {'is_training':
    is_training, ...}``, directly or through a name it returns) while that function's slim BN gets a
    literal ``is_training=True``: the line of that True, else None."""
    function = value_flow(context).function_of(switch.created)
    if function is None or isinstance(function, ast.Lambda) or switch.attribute is not None:
        return None
    reads = [
        read for read in switch.reads if function.lineno <= read.lineno <= (function.end_lineno or read.lineno)
    ]
    if not reads:
        return None
    parents = context.parents
    returned = {
        node.value.id
        for node in ast.walk(function)
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Name)
    }
    for read in reads:
        node, parent = read, parents.get(read)
        while isinstance(parent, (ast.Dict, ast.Tuple, ast.List)):
            node, parent = parent, parents.get(parent)
        if isinstance(parent, ast.Return):
            continue
        if (
            isinstance(parent, ast.Assign)
            and parent.value is node
            and all(isinstance(target, ast.Name) and target.id in returned for target in parent.targets)
        ):
            continue
        return None
    for call in bn_producers(context):
        if call.function is not function:
            continue
        value = setting(context, call, "is_training")
        if isinstance(value, ast.AST) and _constant_true(value):
            return value.lineno
    return None


def _flag_reaches_a_model_call(function: ast.AST, name: str) -> bool:
    """``name`` is read in ``function`` other than as an argument of a dropout (``dropout(x, keep,
    is_train)``, ``tf.layers.dropout(x, training=is_train)``): it may reach BN."""
    dropouts: set[int] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and "dropout" in (dotted_text(node.func) or "").lower():
            dropouts.update(
                id(argument)
                for argument in [*node.args, *(keyword.value for keyword in node.keywords)]
                if isinstance(argument, ast.Name)
            )
    return any(
        isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load) and id(node) not in dropouts
        for node in ast.walk(function)
    )


def _constant_true(node: ast.AST) -> bool:
    """``True``, or a tensor made of it (``tf.constant(True)``)."""
    if is_true(node):
        return True
    return (
        isinstance(node, ast.Call)
        and (dotted_text(node.func) or "").endswith("constant")
        and bool(node.args)
        and is_true(node.args[0])
    )


def _normalizer_family(context: FileContext, call) -> str | None:
    """``"tf.layers"`` for ``normalizer_fn=tf.layers.batch_normalization``, else ``"slim"`` (None: no
    normalizer_fn)."""
    value = call.keyword("normalizer_fn")
    if value is None:
        return None
    return "tf.layers" if context.imports.resolve(value) in TFLAYERS_BN else "slim"


def _moments_calls(context: FileContext, function: ast.AST) -> dict[str, ast.Call]:
    """Names bound in ``function`` by ``mean, var = tf.nn.moments(...)``, each with that call."""
    return {b.target: b.value for b in moments_bindings(context) if b.function is function}


def _over_batch_axis(context: FileContext, function: ast.AST, moments: ast.Call) -> bool | None:
    """Whether the moments are taken over axis 0, the batch: True for ``[0]``, ``[0, 1, 2]`` or
    ``range(len(shape))``, False for a literal list without 0 (``[1, 2]``, ``[-1]``: a layer or instance
    norm), None when the axes cannot be told."""
    axes = moments.args[1] if len(moments.args) > 1 else next(
        (keyword.value for keyword in moments.keywords if keyword.arg == "axes"), None
    )
    if isinstance(axes, ast.Name):
        # `axes = list(range(len(x.get_shape())))` before, or `axis = [1, 2]` / `[2, 3]` by data format
        assigned = [a.value for a in context.assignments.get(axes.id, ()) if a.function is function]
        answers = {_literal_axes_over_batch(value) for value in assigned}
        return answers.pop() if len(answers) == 1 else (True if True in answers else None)
    return _literal_axes_over_batch(axes)


def _literal_axes_over_batch(axes: ast.AST | None) -> bool | None:
    """``_over_batch_axis`` for the axes expression itself."""
    if isinstance(axes, ast.Call) and dotted_text(axes.func) == "list" and axes.args:
        axes = axes.args[0]
    if isinstance(axes, ast.Call) and dotted_text(axes.func) == "range":
        return len(axes.args) == 1 or (isinstance(axes.args[0], ast.Constant) and axes.args[0].value == 0)
    if isinstance(axes, (ast.List, ast.Tuple)) and all(
        isinstance(element, ast.Constant) and isinstance(element.value, int) for element in axes.elts
    ):
        return any(element.value == 0 for element in axes.elts)
    return None


_OTHER_NORM = re.compile(r"(layer|instance|group|pixel)_?norm|(^|_)(ln|in|gn)($|_)", re.IGNORECASE)
_BN_FUNCTION = re.compile(r"(^|_)(bn|batch_?norm(alization)?)($|_)|batchnorm", re.IGNORECASE)


def _hand_written_bn(context: FileContext) -> list[tuple[ast.AST, ast.Call]]:
    """Functions named for BN that normalize by hand, ``(x - mean) / tf.sqrt(var + eps)``, with moments
    over the batch axis and no ``tf.nn.batch_normalization``: each with its moments call."""
    found = []
    for name, function_list in context.functions.items():
        if not _BN_FUNCTION.search(name) or "train" in name.lower():
            continue
        for function in function_list:
            moments = _moments_calls(context, function)
            if not moments or any(call.function is function for call in context.calls_named(*NN_BN)):
                continue
            if any(argument.arg in moments for argument in _arguments(function)):
                continue  # `def bn(x, mean=None, var=None)`: the caller may hand it the population moments
            centred = {
                node.right.id
                for node in ast.walk(function)
                if isinstance(node, ast.BinOp)
                and isinstance(node.op, ast.Sub)
                and isinstance(node.right, ast.Name)
                and node.right.id in moments
            }
            batch = [moments[name] for name in centred if _over_batch_axis(context, function, moments[name])]
            if batch:
                found.append((function, batch[0]))
    return found


def _keeps_population_statistics(context: FileContext, function: ast.AST) -> bool:
    """The function keeps or switches to population statistics somewhere, or takes a training flag
    that it reads (one it takes and never reads switches nothing: ``my_model(X, y, is_training)``)."""
    text = context.text(function)
    if re.search(r"assign|moving_average|ExponentialMovingAverage|trainable\s*=\s*False|\bcond\(", text):
        return True
    flags_taken = {a.arg for a in _arguments(function) if flags.FLAG_NAME.search(a.arg)}
    if not flags_taken:
        return False
    if flags_taken - _required_parameters(function):
        return True  # `is_training=None`: an optional switch, which a caller may leave off on purpose
    return any(
        isinstance(node, ast.Name) and node.id in flags_taken and isinstance(node.ctx, ast.Load)
        for node in ast.walk(function)
    )


def _used_somewhere(context: FileContext, call) -> tuple:
    """The facts a BN call inside a module-level helper needs to matter: none when the file itself
    names the helper, else that a file importing it does (``ops.py`` of a CycleGAN keeps a
    ``batch_norm`` helper that no network calls).  Only for helpers named for BN (see NamedByImporter)."""
    function = call.function
    if (
        not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
        or call.classes
        or len(call.functions) != 1
        or not ("batch_norm" in function.name or "BatchNorm" in function.name)
        or context.loads.get(function.name)  # called or passed by its bare name in its own file
    ):
        return ()
    return (NamedByImporter(function.name),)


_DISCRIMINATOR = re.compile(r"discriminat|critic", re.IGNORECASE)


def _in_discriminator(call) -> bool:
    """A GAN's discriminator (or critic) builds this BN: it runs only while the GAN trains, so BN left in
    training mode there is never evaluated."""
    return any(_DISCRIMINATOR.search(getattr(scope, "name", "")) for scope in (*call.classes, *call.functions))


def _evaluation_evidence(context: FileContext, call=None) -> tuple:
    """What a BN fixed in training mode needs to matter: nothing when this file evaluates (a mode
    placeholder, a validation run) or the function building it takes a training flag (its author
    means it to run in inference mode too), else that the file or a program importing it evaluates,
    tests or predicts.  A GAN that only trains, and never samples, loses nothing."""
    if call is not None and any(
        _TRAINING_PARAMETER.match(arg.arg)
        for function in call.functions
        if not isinstance(function, ast.Lambda)
        for arg in _arguments(function)
    ):
        return ()
    if "evaluation_evidence" not in context.cache:
        evaluated = bool(flags.mode_switches(context) or validation_runs(context))
        context.cache["evaluation_evidence"] = () if evaluated else (UsedByEvaluation(),)
    return context.cache["evaluation_evidence"]


def _required_parameters(function: ast.AST) -> set[str]:
    """The parameters of ``function`` that have no default."""
    return {a.arg for a in _arguments(function) if parameter_of(function, a.arg)[1] is None}


def _never_set_false_default(context: FileContext, call, value: object) -> str | None:
    """The flag is a wrapper's parameter that defaults to False and that no call passes: its BN never
    trains.  Only where every caller is in this file: a private function or a script's function."""
    function = call.function
    if not isinstance(value, ast.Name) or function is None or isinstance(function, ast.Lambda):
        return None
    name = function.name
    script = "__main__" in context.source
    if not (name.startswith("_") or script):
        return None
    args = function.args
    positional = [a.arg for a in args.posonlyargs + args.args]
    defaults = dict(zip(positional[len(positional) - len(args.defaults) :], args.defaults))
    defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
    default = defaults.get(value.id)
    if not (isinstance(default, ast.Constant) and default.value is False):
        return None
    if value_flow(context).holds(value, function) != Holds.FALSE:
        return None  # some call passes it (or nobody calls it here)
    return (
        f"`{name}`'s `{value.id}` defaults to False and no call passes it: this BN always runs in "
        "inference mode, so it never uses batch statistics while training and never updates its moving "
        "statistics"
    )


def _returned_arg_scope(call) -> bool:
    """An ``arg_scope(...)`` whose scope the enclosing function returns (slim nets' ``*_arg_scope``):
    ``with slim.arg_scope(...) as sc: return sc``, possibly nested in further arg_scopes."""
    if not (call.method or "").endswith("arg_scope") or call.function is None:
        return False
    scopes: set[str] = set()
    returned: set[str] = set()
    for node in ast.walk(call.function):
        if isinstance(node, ast.With):
            scopes |= {
                item.optional_vars.id for item in node.items if isinstance(item.optional_vars, ast.Name)
            }
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Name):
            returned.add(node.value.id)
    return bool(scopes & returned)


def _scope_applied_here(context: FileContext, call) -> int | None:
    """The scope that ``call``'s function returns is applied in this file around layers built right
    there (``with slim.arg_scope(extra_arg_scope()): slim.conv2d(...)``), under a ``with`` in which no call
    passes a training flag on (to a network that may set BN's mode itself).  The scope's BN mode is then
    this file's.  The line of that ``with``, or None."""
    function = call.function
    ops = call.node.args[0] if call.node.args else None
    elements = ops.elts if isinstance(ops, (ast.List, ast.Tuple)) else [ops]
    layers = {dotted_text(element) for element in elements if element is not None} - {None}
    if not layers:
        return None

    def builds_scope(node: ast.AST) -> bool:
        return isinstance(node, ast.Call) and (dotted_text(node.func) or "").split(".")[-1] == function.name

    holders = {name for name, values in context.assignments.items() if any(builds_scope(a.value) for a in values)}

    def applies_it(scope: ast.expr) -> bool:
        if not (
            isinstance(scope, ast.Call)
            and (dotted_text(scope.func) or "").endswith("arg_scope")
            and len(scope.args) == 1
        ):
            return False
        argument = scope.args[0]
        return builds_scope(argument) or (isinstance(argument, ast.Name) and argument.id in holders)

    under: dict[int, tuple[ast.expr, list]] = {}  # each `with` applying the scope: the calls under it
    for inner in context.calls:
        for scope in inner.withs:
            if applies_it(scope):
                under.setdefault(id(scope), (scope, []))[1].append(inner)
    for scope, calls in under.values():
        if any(keyword.arg in ("is_training", "training") for inner in calls for keyword in inner.node.keywords):
            continue  # the body hands a mode on: the network under it may set BN's mode itself
        if any(dotted_text(inner.node.func) in layers for inner in calls):
            return scope.lineno
    return None


def _tests_training_flag(test: ast.expr) -> bool:
    """``if is_training:`` or ``if FLAGS.enable_bn and is_train:`` (a flag tested as true)."""
    parts = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
    for part in parts:
        text = dotted_text(part) if isinstance(part, (ast.Name, ast.Attribute)) else None
        last = text.rsplit(".", 1)[-1] if text is not None else ""
        if flags.FLAG_NAME.search(last) and "mode" not in last.lower():
            return True
    return False


@lint_rule
class TrainingFlagMissing(LintRule):
    code = "BN004"
    title = "BN layer built without its training flag"
    severity = Severity.ERROR
    triggers = (
        Trigger((b"batch_norm",)),  # tf.layers.batch_normalization, slim batch_norm, normalizer_fn=...
        Trigger((b"BatchNorm",)),
        Trigger((b"normalizer_fn",)),  # normalizer_fn=bn, bn an alias of a BN function
        Trigger((b"_arg_scope",)),  # slim nets' arg scopes build BN
        # a switch placeholder (named like one, flags.FLAG_NAME): dead, only fed False, or tested by `if`
        Trigger((b"placeholder",), rb"(?i:train|phase|mode)", window=(100, 0)),
        # a command-line switch never read while the model is built with a literal flag
        Trigger((b"is_training", b"True"), _OPTION_PATTERN, window=Trigger.EVERYWHERE),
        # a hand-written BN (a function named for BN) that always normalizes with the batch moments
        Trigger((b"moments",), rb"def\s+\w*(?:bn|batch_?norm)", window=Trigger.EVERYWHERE, ignore_case=True),
    )
    what = (
        "`tf.layers.batch_normalization(...)` without `training=`, or slim/contrib `batch_norm`\n"
        "(directly, as `normalizer_fn` or in an `arg_scope`) without `is_training=` in a program that\n"
        "evaluates, tests or predicts (a mode placeholder, a validation run, a function named for\n"
        "evaluation or sampling, a script named for inference: a GAN that only trains loses nothing);\n"
        "such an arg scope returned by a function of the file and applied there around its own layers,\n"
        "or returned by a function that takes a training flag and never gives it to BN\n"
        "(`def cnn_arg_scope(is_training)`), or returned next to a network function of the file that\n"
        "takes `is_training` and never hands it on (`def xception(inputs, is_training=True)`);\n"
        "a BN layer applied\n"
        "without `training=` (`tf.layers.BatchNormalization()(x)`, or a Keras one in a graph-mode program\n"
        "that builds no Keras model and never sets the learning phase); a function that takes a training\n"
        "flag, hands it to nothing but dropout, and gives BN (or this file's BN helper, positionally:\n"
        "`batch_norm(x, True, scope)`) a constant True; a literal `is_training=True` in a script whose\n"
        "`--is-training` option nothing reads. Also the switch\n"
        "followed as a value: a training placeholder that is fed but read by nothing else (a dead\n"
        "switch), one that a model function hands back for its caller to feed while its own BN gets a\n"
        "literal `is_training=True`, one that a training program only ever feeds False (a train op that\n"
        "nothing reads is no training), BN built only under\n"
        "`if is_training:` (the inference graph has none), a Python `if` on the placeholder itself, a\n"
        "wrapper whose `phase_train`/`training` defaults to False and that no caller sets (for a private\n"
        "helper or a script, whose callers are all in the file), and a hand-written BN that always uses\n"
        "the batch moments (through `tf.nn.batch_normalization`, or `(x - mean) / tf.sqrt(var + eps)` in a\n"
        "function named for BN, moments over the batch axis) in a model that the project evaluates or\n"
        "that switches modes with a placeholder. A slim nets backbone without a training flag\n"
        "(`inception_v2_base(images)` under `inception_v2_arg_scope()`) whose scopes set no `is_training`.\n"
        "A BN helper (`def batch_norm(x): ...`) that neither its\n"
        "module nor any file importing it names builds nothing and is not reported."
    )
    why = (
        "The two APIs have opposite defaults. `tf.layers.batch_normalization` defaults to\n"
        "`training=False`: the layer normalizes with the moving statistics while training and never\n"
        "updates them. slim's `batch_norm` defaults to `is_training=True`: at test time it still uses\n"
        "the statistics of the test batch and keeps overwriting the moving averages."
    )
    fix = (
        "Pass the mode explicitly: `training=is_training` (a Python bool or a boolean placeholder),\n"
        "`is_training=is_training` for slim, or set it once with\n"
        "`slim.arg_scope([slim.batch_norm], is_training=is_training)`."
    )
    references = ("https://github.com/tensorflow/tensorflow/issues/10118",)
    bad = (
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.layers.batch_normalization(tf.zeros([2, 3]))  # expect: BN004\n",
        "from tensorflow.contrib import slim\n"
        "def net(x):\n"
        "    return slim.batch_norm(x, decay=0.9)  # expect: BN004\n"
        "def predict(sess, x):\n"
        "    return sess.run(net(x))\n",
        "import tensorflow.compat.v1 as tf\n"
        "import tf_slim as slim\n"
        "def net(x):\n"
        "    return slim.conv2d(x, 16, 3, normalizer_fn=slim.batch_norm, normalizer_params={'decay': "
        "0.99})  # expect: BN004\n"
        "def evaluate(sess, x, labels):\n"
        "    return sess.run(tf.metrics.accuracy(labels, tf.argmax(net(x), -1)))\n",
        "import tensorflow.compat.v1 as tf\n"
        "def branch(x, training=False):\n"
        "    return tf.nn.relu(tf.layers.BatchNormalization()(x))  # expect: BN004\n",
        "import tensorflow.compat.v1 as tf\n"
        "class Block(object):\n"
        "    def __init__(self):\n"
        "        self.bn = tf.layers.BatchNormalization()\n"
        "    def get_output(self, x, is_training=True):\n"
        "        return self.bn(x, training=tf.constant(True))  # expect: BN004\n",
        "import tensorflow.compat.v1 as tf\n"
        "from nets import inception_v2\n"
        "from tensorflow.contrib import slim\n"
        "with slim.arg_scope(inception_v2.inception_v2_arg_scope()):\n"
        "    net, _ = inception_v2.inception_v2_base(tf.zeros([1, 224, 224, 3]))  # expect: BN004\n",
    )
    bad += (
        "import tensorflow.compat.v1 as tf\n"
        "def model(x, training=True):\n"
        "    return tf.layers.batch_normalization(x, training=training)\n"
        "is_training = tf.placeholder(tf.bool, name='is_training')  # expect: BN004\n"
        "x = tf.placeholder(tf.float32, [None, 4])\n"
        "y = model(x)\n"
        "with tf.Session() as sess:\n"
        "    sess.run(y, feed_dict={x: [[0.0] * 4], is_training: False})\n",
        "import tensorflow.compat.v1 as tf\n"
        "def batch_norm(x):\n"
        "    mean, var = tf.nn.moments(x, axes=[0])  # expect: BN004\n"
        "    return (x - mean) / tf.sqrt(var + 1e-3)\n"
        "keep = tf.placeholder_with_default(1.0, [])\n"
        "is_train = tf.placeholder(tf.bool)\n"
        "y = tf.nn.dropout(batch_norm(tf.zeros([2, 3])), tf.where(is_train, 0.8, keep))\n",
        "import tensorflow.compat.v1 as tf\n"
        "def batch_norm(x, is_train):\n"
        "    return tf.layers.batch_normalization(x, training=is_train)\n"
        "def block(x, keep, is_train):\n"
        "    x = tf.layers.dropout(x, 1 - keep, training=is_train)\n"
        "    return batch_norm(x, True)  # expect: BN004\n",
        "from tensorflow.contrib import slim\n"
        "def cnn_arg_scope(is_training):\n"
        "    with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm):  # expect: BN004\n"
        "        with slim.arg_scope([slim.conv2d], padding='VALID') as scope:\n"
        "            return scope\n",
    )
    good = (
        "import tensorflow.compat.v1 as tf\n"
        "is_training = tf.placeholder(tf.bool)\n"
        "h = tf.layers.batch_normalization(tf.zeros([2, 3]), training=is_training)\n",
        "from tensorflow.contrib import slim\n"
        "def net(x, is_training):\n"
        "    with slim.arg_scope([slim.batch_norm], is_training=is_training):\n"
        "        return slim.batch_norm(x)\n",
        "import tf_slim as slim\n"
        "def net(x, bn_params):\n"
        "    return slim.conv2d(x, 16, 3, normalizer_fn=slim.batch_norm, normalizer_params=bn_params)\n",
        "import tensorflow.compat.v1 as tf\n"
        "from tensorflow.contrib import slim\n"
        "def generator(z):  # a GAN that only trains: no graph ever reads the moving statistics\n"
        "    return tf.tanh(slim.batch_norm(slim.fully_connected(z, 64), decay=0.9))\n"
        "g_loss = tf.reduce_mean(generator(tf.random_normal([64, 16])))\n"
        "train_op = tf.train.AdamOptimizer().minimize(g_loss)\n",
        "import tensorflow.compat.v1 as tf\n"
        "def branch(x, training=False):\n"
        "    return tf.nn.relu(tf.layers.BatchNormalization()(x, training=training))\n",
        "import tensorflow.compat.v1 as tf\n"
        "class Block(object):\n"
        "    def __init__(self):\n"
        "        self.bn = tf.layers.BatchNormalization()\n"
        "    def get_output(self, x, is_training=True):\n"
        "        return self.bn(x, training=is_training)\n",
        "import tensorflow.compat.v1 as tf\n"
        "def bn_features(x):\n"
        "    mean, var = tf.nn.moments(x, axes=[-1], keep_dims=True)\n"
        "    return (x - mean) / tf.sqrt(var + 1e-3)\n"
        "is_train = tf.placeholder(tf.bool)\n"
        "y = tf.nn.dropout(bn_features(tf.zeros([2, 3])), tf.where(is_train, 0.8, 1.0))\n",
        "import tensorflow.compat.v1 as tf\n"
        "def batch_norm(x, is_train):\n"
        "    return tf.layers.batch_normalization(x, training=is_train)\n"
        "def block(x, keep, is_train):\n"
        "    x = tf.layers.dropout(x, 1 - keep, training=is_train)\n"
        "    return batch_norm(x, is_train)\n",
        "from tensorflow.contrib import slim\n"
        "def cnn_arg_scope(is_training):\n"
        "    params = {'is_training': is_training}\n"
        "    with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm, normalizer_params=params):\n"
        "        with slim.arg_scope([slim.conv2d], padding='VALID') as scope:\n"
        "            return scope\n",
    )

    def check(self, context: FileContext) -> Iterable[Candidate]:
        if context.is_test_file:
            return  # a unit test builds BN in whatever mode it tests
        for call in bn_producers(context):
            if is_nets_arg_scope(call) or call.qualname == "tf.layers.BatchNormalization":
                continue  # nets take is_training themselves; the class gets `training` when applied
            if _returned_arg_scope(call):
                # `def net_arg_scope(): with arg_scope(...) as sc: return sc` configures layers built
                # elsewhere, under the network's own arg_scope that passes is_training; unless this
                # file applies it around layers of its own with no mode
                applied = _scope_applied_here(context, call)
                ignored = [
                    arg.arg
                    for arg in _arguments(call.function)
                    if _TRAINING_PARAMETER.match(arg.arg) and not _flag_reaches_a_model_call(call.function, arg.arg)
                ]
                if ignored and setting(context, call, "is_training") is None and not _file_sets_is_training(context, call):
                    # `def cnn_arg_scope(is_training): with arg_scope(..., normalizer_fn=slim.batch_norm)`
                    yield Candidate(
                        self.finding(
                            context,
                            call,
                            f"the arg scope `{call.function.name}` takes `{ignored[0]}` but never hands it "
                            "to slim batch_norm: the layers built under it stay in training mode at test time",
                            fix=f"set it in the BN parameters: `normalizer_params={{'is_training': {ignored[0]}}}`",
                        )
                    )
                elif (
                    setting(context, call, "is_training") is None
                    and not _file_sets_is_training(context, call)
                    and (network := _network_dropping_flag(context, call.function)) is not None
                ):
                    # `def xception_arg_scope(): ... normalizer_fn=slim.batch_norm` next to
                    # `def xception(inputs, is_training=True)` that never reads its flag
                    yield Candidate(
                        self.finding(
                            context,
                            call,
                            f"the arg scope `{call.function.name}` gives slim batch_norm no `is_training`, "
                            f"and `{network[0]}` takes `{network[1]}` but never hands it to BN: the "
                            "network's BN stays in training mode whatever its callers pass",
                            fix=f"in `{network[0]}`, wrap the layers in `slim.arg_scope([slim.batch_norm], "
                            f"is_training={network[1]})`",
                        )
                    )
                elif applied is not None and setting(context, call, "is_training") is None:
                    if not _file_sets_is_training(context, call):
                        yield Candidate(
                            self.finding(
                                context,
                                call,
                                f"the arg scope `{call.function.name}` returns gives slim batch_norm no "
                                f"`is_training`, and the layers built under it at line {applied} get none "
                                "either: they stay in training mode at test time",
                                fix="give the scope function an `is_training` argument and set it in the BN "
                                "parameters",
                            )
                        )
                continue
            if (
                call.qualname == "tf.layers.batch_normalization"
                or _normalizer_family(context, call) == "tf.layers"
            ):
                training = setting(context, call, "training")
                never = _never_set_false_default(context, call, training)
                if never is not None:
                    yield Candidate(
                        self.finding(context, call, never, fix="pass the mode to it from every caller")
                    )
                    continue
                if training is None:
                    yield Candidate(
                        self.finding(
                            context,
                            call,
                            "tf.layers.batch_normalization without `training=`: it runs in inference mode "
                            "while training and never updates its moving statistics",
                            fix="pass `training=is_training`",
                        )
                    )
                continue
            value = setting(context, call, "is_training")
            never = _never_set_false_default(context, call, value)
            if never is not None:
                yield Candidate(
                    self.finding(context, call, never, fix="pass the mode to it from every caller")
                )
                continue
            if value is None and not _file_sets_is_training(context, call) and not _in_discriminator(call):
                yield Candidate(
                    self.finding(
                        context,
                        call,
                        "slim/contrib batch_norm without `is_training=`: it stays in training mode at test "
                        "time",
                        fix="pass `is_training=is_training` (or set it in an arg_scope)",
                    ),
                    _used_somewhere(context, call) + _evaluation_evidence(context, call),
                )
        yield from self._layer_applied_without_training(context)
        yield from self._nets_base_without_mode(context)
        yield from self._flag_parameter_ignored(context)
        yield from self._option_never_read(context)
        yield from self._switches(context)
        yield from self._bn_only_when_training(context)
        yield from self._batch_moments_only(context)
        yield from self._python_if_on_placeholder(context)
        yield from self._placeholder_to_python_if(context)

    def _option_never_read(self, context: FileContext) -> Iterable[Candidate]:
        """``parser.add_argument("--is-training", ...)`` (or ``flags.DEFINE_boolean("is_training", ...)``)
        that nothing reads, in a script that builds its model with a literal ``is_training=True``: the
        switch the user sets changes nothing."""
        source = context.source
        # the trigger's literals first: a whole-file regex over every parsed file cost more than the rest
        if "is_training" not in source or "True" not in source or not _OPTION_REGEX.search(source):
            return
        if re.search(r"\bvars\(|__dict__|getattr\(", source):
            return  # the options may be read by name
        options = []
        for call in context.calls:
            if call.method not in ("add_argument", "DEFINE_boolean", "DEFINE_bool") or not call.node.args:
                continue
            first = call.node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            dest = call.keyword("dest")
            name = dest.value if isinstance(dest, ast.Constant) else first.value.lstrip("-").replace("-", "_")
            if _TRAINING_PARAMETER.match(name) and name not in context.attributes:
                options.append((first.value, name))
        if not options:
            return
        option, name = options[0]
        producers = {id(call) for call in bn_producers(context)}
        for call in context.calls:
            if not any(k.arg == name and is_true(k.value) for k in call.node.keywords):
                continue
            if (call.qualname or "").startswith(("tf.", "keras.")) and id(call) not in producers:
                continue  # a TensorFlow call that takes the flag is no model of this program
            yield Candidate(
                self.finding(
                    context,
                    call,
                    f"`{name}=True` is hard-coded although the script takes `{option}`, which nothing "
                    "reads: the switch changes nothing, and BN is built in training mode whatever it says",
                    fix=f"pass the option: `{name}=args.{name}`",
                ),
                (ReachesAnyBN(),),
            )

    def _flag_parameter_ignored(self, context: FileContext) -> Iterable[Candidate]:
        """``def get_output(self, x, is_training=True): ... self.bn(x, training=tf.constant(True))``: the
        function takes a training flag, never reads it, and hands BN a constant True instead, so every
        graph built through it, evaluation included, normalizes with batch statistics."""
        if "True" not in context.source or not (bn_producers(context) or keeps_moving_stats(context)):
            return
        producers = {id(call) for call in bn_producers(context)}
        for call in context.calls:
            function = call.function
            if function is None or isinstance(function, ast.Lambda) or not (call.node.keywords or call.node.args):
                continue
            keyword = next(
                (
                    k
                    for k in call.node.keywords
                    if k.arg in ("training", "is_training") and _constant_true(k.value)
                ),
                None,
            )
            if keyword is not None and _builds_or_applies_bn(context, call, producers):
                given = f"{keyword.arg}={ast.unparse(keyword.value)}"
                fix_with = f"{keyword.arg}="
            else:
                # `batch_norm(outs, True, scope)` where this file's `def batch_norm(x, is_train, scope)`
                # hands `is_train` to its BN
                parameter = _helper_flag_given_true(context, call, producers)
                if parameter is None:
                    continue
                given = f"True` as `{parameter}"
                fix_with = ""
            flags_taken = [arg.arg for arg in _arguments(function) if _TRAINING_PARAMETER.match(arg.arg)]
            ignored = [name for name in flags_taken if not _flag_reaches_a_model_call(function, name)]
            if not ignored:
                continue
            yield Candidate(
                self.finding(
                    context,
                    call,
                    f"`{function.name}` takes `{ignored[0]}` but never hands it to BN: this call hard-codes "
                    f"`{given}`, so BN runs in training mode in every "
                    "graph built through it, evaluation and inference included",
                    fix=f"pass `{fix_with}{ignored[0]}`",
                ),
                (ReachesAnyBN(),),
            )

    def _nets_base_without_mode(self, context: FileContext) -> Iterable[Candidate]:
        """A slim nets backbone that takes no training flag (``inception_v2_base(img)``, the
        ``*_base`` functions of inception, inception-resnet and mobilenet_v1) built under its nets arg
        scope, which sets no ``is_training``, and under no ``arg_scope([slim.batch_norm], is_training=...)``:
        its BN keeps slim's default ``is_training=True``, in inference graphs too."""
        if "_base(" not in context.source:
            return
        for call in context.calls:
            if not _NETS_BASE.search(call.raw or "") or not call.withs:
                continue
            scopes = [
                inner
                for outer in call.withs
                for inner in ast.walk(outer)
                if isinstance(inner, ast.Call) and (dotted_text(inner.func) or "").endswith("_arg_scope")
            ]
            told = any(keyword.arg in ("is_training", None) for scope in scopes for keyword in scope.keywords)
            if not scopes or told:
                continue  # no nets arg scope around it, or one given the mode (mobilenet_v1_arg_scope)
            if any(self._sets_bn_mode(context, outer) for outer in call.withs):
                continue
            yield Candidate(
                self.finding(
                    context,
                    call,
                    f"`{call.method}` takes no `is_training` and its arg scope sets none: its slim BN layers "
                    "keep the default `is_training=True`, so inference normalizes with the batch statistics",
                    fix="wrap it in `slim.arg_scope([slim.batch_norm], is_training=is_training)`",
                )
            )

    @staticmethod
    def _sets_bn_mode(context: FileContext, scope: ast.expr) -> bool:
        """``slim.arg_scope([slim.batch_norm, ...], is_training=...)`` (or ``**params``)."""
        return (
            isinstance(scope, ast.Call)
            and (dotted_text(scope.func) or "").endswith("arg_scope")
            and bool(scope.args)
            and "batch_norm" in ast.dump(scope.args[0])
            and any(keyword.arg in ("is_training", None) for keyword in scope.keywords)
        )

    def _layer_applied_without_training(self, context: FileContext) -> Iterable[Candidate]:
        """``tf.layers.BatchNormalization()(x)`` applied without ``training``: the v1 layer's call
        defaults to ``training=False`` whatever the mode.  A Keras ``BatchNormalization()(x)`` the same
        in a graph-mode program that neither builds a Keras model nor sets the learning phase: the
        phase stays 0, so the layer runs in inference mode while training."""
        if "BatchNormalization" not in context.source:
            return
        source = context.source
        keras_program = any(
            marker in source for marker in ("learning_phase", ".fit(", ".compile(", "Model(", "Sequential")
        )
        for call in context.calls:
            node = call.node
            layer = node.func
            if not isinstance(layer, ast.Call) or len(node.args) > 1:
                continue
            if any(keyword.arg in ("training", None) for keyword in node.keywords):
                continue
            name = context.imports.resolve(layer.func) or ""
            if name == "tf.layers.BatchNormalization":
                where = "the v1 layer's call defaults to `training=False`"
            elif (
                name.startswith("keras.")
                and name.endswith("BatchNormalization")
                and not keras_program
                and is_graph_mode(context)
            ):
                where = "in this graph-mode program the Keras learning phase is never set, so it is 0"
            else:
                continue
            if any(getattr(function, "name", "") == "call" for function in call.functions):
                continue  # a Keras layer's own `call`: Keras hands its training argument on
            yield Candidate(
                self.finding(
                    context,
                    call,
                    f"a BatchNormalization layer applied without `training=`: {where}; it runs in inference "
                    "mode while training and never updates its moving statistics",
                    fix="apply it as `layer(x, training=is_training)`",
                )
            )

    def _placeholder_to_python_if(self, context: FileContext) -> Iterable[Candidate]:
        """The mode placeholder handed to a BN helper of another project module that tests that
        parameter with a Python ``if`` (``bn.normalize(x, train=is_train)``, ``def normalize(self, x,
        train): if train: ...``): the branch is chosen once, while the graph is built.  Only in a file
        that names the BN (the `batch_norm`/`BatchNorm` triggers: the helper class, a BN wrapper)."""
        if "placeholder" not in context.source or (
            "batch_norm" not in context.source and "BatchNorm" not in context.source
        ):
            return
        flow = value_flow(context)
        for call in context.calls:
            method = call.method
            if method is None or (call.qualname or "").startswith(("tf.", "keras.")):
                continue
            passed = [(kw.arg, kw.value) for kw in call.node.keywords if kw.arg]
            passed += enumerate(call.node.args)  # positions: `#0`, `#1`, ...
            for parameter, value in passed:
                if isinstance(value, ast.Name):
                    text = value.id
                elif isinstance(value, ast.Attribute):
                    text = dotted_text(value)
                else:
                    continue
                if text is None or not flags.FLAG_NAME.search(text.rsplit(".", 1)[-1]):
                    continue
                key = TestedParameter(method, parameter)
                if not flow.holds(value, call.function) & Holds.PLACEHOLDER:
                    continue
                yield Candidate(
                    self.finding(
                        context,
                        call,
                        f"the placeholder `{text}` is handed to `{method}`, which tests it with a Python "
                        "`if`: the branch is chosen once, while the graph is built, not by what is fed, so "
                        "BN keeps one mode for training and evaluation",
                        fix=f"branch with `tf.cond({text}, ...)` in `{method}` (or pass a Python bool and "
                        "build one graph per mode)",
                    ),
                    (PythonIfParameter(key),),
                )
                break

    def _python_if_on_placeholder(self, context: FileContext) -> Iterable[Candidate]:
        """``if is_training:`` where ``is_training`` is the placeholder: Python decides once, while the
        graph is built, and the fed value never switches anything."""
        if "placeholder" not in context.source:
            return
        flow = value_flow(context)
        seen: set[int] = set()
        for call in context.calls:
            for test, _ in call.ifs:
                if id(test) in seen:
                    continue
                seen.add(id(test))
                condition = test.test.operand if isinstance(test.test, ast.UnaryOp) else test.test
                text = dotted_text(condition) if isinstance(condition, (ast.Name, ast.Attribute)) else None
                if text is None or not flags.FLAG_NAME.search(text.rsplit(".", 1)[-1]):
                    continue
                if not flow.holds(condition, call.function) & Holds.PLACEHOLDER:
                    continue
                yield Candidate(
                    self.finding(
                        context,
                        None,
                        f"a Python `if` on the placeholder `{text}` is decided once, while the graph is "
                        "built, not by what is fed: BN keeps one mode for training and evaluation",
                        fix=f"pass `{text}` to the BN layer (`training={text}`) or branch with `tf.cond`",
                        node=test,
                    ),
                    (ReachesAnyBN(),),
                )

    def _batch_moments_only(self, context: FileContext) -> Iterable[Candidate]:
        """A BN that keeps no population statistics and takes no mode: ``tf.nn.batch_normalization(x,
        *tf.nn.moments(x))``, or ``(x - mean) / tf.sqrt(var + eps)`` by hand in a function named for BN,
        with moments over the batch axis.  Evaluation then depends on the batch it runs on."""
        if "moments" not in context.source:
            return
        evidence = _evaluation_evidence(context)
        reported: set[int] = set()
        for call in context.calls_named(*NN_BN):
            function = call.function
            if function is None or isinstance(function, ast.Lambda) or call.ifs or len(call.node.args) < 3:
                continue
            if "train" in function.name.lower() or _in_discriminator(call):
                continue  # the training-mode half of a BN (Keras' normalize_batch_in_training)
            if _OTHER_NORM.search(function.name):
                continue  # `def Layernorm(name, norm_axes, inputs)`: moments over the features, by name
            moments = _moments_calls(context, function)
            used = [dotted_text(arg) for arg in call.node.args[1:3]]
            if not moments or not all(name in moments for name in used):
                continue
            if any(_over_batch_axis(context, function, moments[name]) is False for name in used):
                continue  # moments over the features only: a layer or instance norm
            if _keeps_population_statistics(context, function):
                continue
            reported.add(id(function))
            yield Candidate(self._batch_moments_finding(context, function, call.node), evidence)
        for function, moments in _hand_written_bn(context):
            if id(function) in reported or _keeps_population_statistics(context, function):
                continue
            if _DISCRIMINATOR.search(function.name):
                continue
            reported.add(id(function))
            yield Candidate(self._batch_moments_finding(context, function, moments), evidence)

    def _batch_moments_finding(self, context: FileContext, function: ast.AST, node: ast.AST):
        ignored = [a.arg for a in _arguments(function) if flags.FLAG_NAME.search(a.arg)]
        flag = f"takes `{ignored[0]}` but never reads it" if ignored else "takes no training flag"
        return self.finding(
            context,
            None,
            f"`{function.name}` always normalizes with the moments of the current batch: it keeps "
            f"no population statistics and {flag}, so evaluation and inference "
            "depend on the batch they run on",
            fix="keep moving averages of the moments (or use tf.layers.batch_normalization) and "
            "switch on a training flag",
            node=node,
        )

    def _switches(self, context: FileContext) -> Iterable[Candidate]:
        for switch in flags.switches(context):
            literal = None if switch.dead else _exported_beside_literal_mode(context, switch)
            if literal is not None:
                # `is_training = tf.placeholder(tf.bool)` returned for the caller to feed, while the
                # function's BN gets `normalizer_params={'is_training': True}`
                finding = self.finding(
                    context,
                    None,
                    f"`{switch.name}` is handed back for the caller to feed, but the BN layers built next to "
                    f"it get `is_training=True` (line {literal}): the switch changes nothing, and BN uses "
                    "batch statistics when evaluating too",
                    fix=f"give the BN layers `is_training={switch.name}`",
                    node=switch.created,
                )
                yield Candidate(finding)
                continue
            if switch.dead:
                finding = self.finding(
                    context,
                    None,
                    f"`{switch.name}` is fed but never reaches a BN layer (nothing reads it but the feeds): "
                    "the BN layers keep the mode they were built with for training and evaluation alike",
                    fix=f"pass `{switch.name}` to the model as its training flag",
                    node=switch.created,
                )
                yield Candidate(finding, (ReachesAnyBN(),))
            elif flags.fed_only_false(context, switch):
                finding = self.finding(
                    context,
                    None,
                    f"`{switch.name}` is only ever fed False: the BN layers it drives never run in training "
                    "mode, so their moving statistics keep their initial 0 and 1",
                    fix=f"feed `{switch.name}: True` in the training step",
                    node=switch.feeds[0],
                )
                yield Candidate(finding, (ReachesAnyBN(),))

    def _bn_only_when_training(self, context: FileContext) -> Iterable[Candidate]:
        """``if is_training: x = batch_norm(x)`` with no BN otherwise: the inference graph has no BN."""
        sites = [call for call in bn_producers(context) if call.ifs] + [
            call for call in context.calls_named(*NN_BN) if call.ifs
        ]
        reported: set[int] = set()
        for call in sites:
            for test, in_else in call.ifs:
                if in_else or id(test) in reported or not _tests_training_flag(test.test):
                    continue
                scope = call.function
                others = [
                    other
                    for other in bn_producers(context) + context.calls_named(*NN_BN)
                    if other.function is scope and not any(t is test and not e for t, e in other.ifs)
                ]
                if others:
                    continue
                reported.add(id(test))
                yield Candidate(
                    self.finding(
                        context,
                        None,
                        "BN is built only when training: the evaluation and inference graphs built by this "
                        "code have no BN at all, so the network they run is not the one that was trained",
                        fix="build the BN layer in both modes and pass it the flag (`training=is_training`)",
                        node=test,
                    )
                )
