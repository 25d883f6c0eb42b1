"""BN006: ``training=True`` hard-coded on an evaluation, prediction, inference or export path."""

from __future__ import annotations

import ast
import builtins
import re
from typing import Iterable

from bncheck.findings import Severity
from bncheck.lint.aliases import dotted_text
from bncheck.lint.context import CallSite, FileContext
from bncheck.lint.rulebase import Candidate, LintRule, Trigger, lint_rule
from bncheck.lint import flags, semantics
from bncheck.lint.facts import (
    CallsTrainingBNHelper,
    LeavesTrainingDefault,
    ReachesAlwaysTrainingBN,
    ReachesAnyBN,
    TakesTrainingFlagAt,
)
from bncheck.lint.project import EVALUATION_DEF
from bncheck.lint.semantics import is_true
from bncheck.lint.values import Holds, parameter_of, value_flow

_BUILTINS = frozenset(dir(builtins))
_FLAG = re.compile(r"^(is_)?train(ing)?(_mode|_phase)?$|^phase_train$|^train_phase$", re.IGNORECASE)
_EVAL_FUNCTION = re.compile(
    r"(^|_)(eval|evaluate|evaluation|test|valid|validate|validation|val|predict|prediction|infer|"
    r"run_inference|serve|serving|export|classify|score)($|_|\d)",
    re.IGNORECASE,
)
_EVAL_NAME = re.compile(
    r"(^|[_.])(eval|evaluation|test|val|valid|validation|infer|inference|serving|export)($|[_.\d])",
    re.IGNORECASE,
)
_RUN_VALUE_SUFFIX = re.compile(r"_val$", re.IGNORECASE)
_VALUE_SUFFIX = re.compile(r"(?<=loss|cost)(_[a-z]\w*?)?_val$|(?<=error)_val$", re.IGNORECASE)
_EVAL_MODE = re.compile(r"PREDICT|EVAL|INFER|predict|eval|infer|test")
_TRAIN_MODE = re.compile(r"TRAIN\b|'train'|\"train\"")


def _function_is_eval(context: FileContext, function: ast.AST) -> bool:
    name = getattr(function, "name", "")
    if not name or "train" in name.lower() or name == "inference":
        return False
    if name.lower().startswith("test") and context.is_test_file:
        return False
    return bool(_EVAL_FUNCTION.search(name))


def _branch_mode(context: FileContext, test: ast.expr, in_else: bool) -> str | None:
    """'eval' or 'train' when an ``if`` on the mode selects the branch, else None."""
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return None
    text = context.text(test)
    positive = isinstance(test.ops[0], (ast.Eq, ast.In, ast.Is))
    if not positive and not isinstance(test.ops[0], (ast.NotEq, ast.IsNot, ast.NotIn)):
        return None
    if _TRAIN_MODE.search(text):
        return "train" if positive != in_else else "eval"
    if _EVAL_MODE.search(text):
        return "eval" if positive != in_else else None
    return None


def _is_model_fn(context: FileContext, function: ast.AST) -> bool:
    """An Estimator ``model_fn``: it takes ``mode`` and speaks of ModeKeys or returns an EstimatorSpec."""
    key = ("model_fn", id(function))
    if key not in context.cache:
        context.cache[key] = any(
            (
                isinstance(node, ast.Attribute)
                and node.attr in ("ModeKeys", "EstimatorSpec", "TPUEstimatorSpec")
            )
            or (isinstance(node, ast.Name) and node.id in ("ModeKeys", "EstimatorSpec", "TPUEstimatorSpec"))
            for node in ast.walk(function)
        )
    return context.cache[key]


# packages, not project modules: their functions are no project's model builders
_LIBRARIES = frozenset(
    "tensorflow tf_slim keras numpy scipy os sys math random time collections functools itertools six "
    "cv2 PIL matplotlib sklearn torch h5py json re argparse".split()
)


def _from_project_module(context: FileContext, name: str) -> bool:
    """``name`` is imported from a module that may be the project's (``from nets import disp_net``,
    ``import nets``), or may come from a star import of one (``from nets import *``)."""
    origin = context.imports.origins.get(name)
    if origin is not None:
        return origin[0].lstrip(".").split(".", 1)[0] not in _LIBRARIES or origin[0].startswith(".")
    module = context.imports.names.get(name)
    if module is not None and module.split(".", 1)[0] == name:  # `import nets` / `import tflib.network`
        return name not in _LIBRARIES
    return any(
        module.startswith(".") or module.split(".", 1)[0] not in _LIBRARIES
        for module in context.imports.star_modules
    )


def _assigned_to(call: CallSite, augmented: bool = False) -> list[str]:
    """The dotted names the call's result is assigned to (``a, self.b = f(...)``; with
    ``augmented``, ``total += f(...)`` too), else none."""
    statement = call.statement
    if isinstance(statement, ast.Assign) and statement.value is call.node:
        targets = statement.targets
    elif augmented and isinstance(statement, ast.AugAssign) and statement.value is call.node:
        targets = [statement.target]
    else:
        return []
    return [
        dotted_text(element) or ""
        for target in targets
        for element in (target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target])
    ]


def eval_context(context: FileContext, call: CallSite) -> str | None:
    """Why the call runs on an evaluation path (for the message), or None."""
    fetched = _fetched(call) if call.method == "run" else None
    if fetched is not None and _fetches_train_op(fetched, metrics=True):
        return None  # a training step, whatever else it fetches or is fed
    for test, in_else in reversed(call.ifs):
        mode = _branch_mode(context, test.test, in_else)
        if mode == "train":
            return None
        if mode == "eval":
            return "in a branch for the evaluation/prediction mode"
    for function in reversed(call.functions):
        if _function_is_eval(context, function):
            return f"in `{function.name}`"
    for text in _assigned_to(call):
        # what a run returns is a value: `adv_pos_val = sess.run(...)`; of a model's outputs, `loss_val`
        # (`g_loss_val`, `loss_G_val`) is the loss's value, while `val_loss` and `logits_val` are validation's
        stem = _RUN_VALUE_SUFFIX.sub("", text) if call.method == "run" else _VALUE_SUFFIX.sub("", text)
        if _EVAL_NAME.search(stem) and not text.startswith("self.train"):
            return f"assigned to `{text}`"
    # what a model is built on says evaluation (`net(images_val)`); what a run fetches does not: a
    # training step may fetch an op named `eval_prediction` to score its own batch
    arguments = [] if call.method == "run" else list(call.node.args)
    for argument in arguments + [keyword.value for keyword in call.node.keywords]:
        text = dotted_text(argument) if isinstance(argument, (ast.Name, ast.Attribute)) else None
        if text and _EVAL_NAME.search(text.rsplit(".", 1)[-1]) and "train" not in text.lower():
            return f"built on `{text}`"
    scopes = [
        node.value
        for expr in call.withs
        for node in ast.walk(expr)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    # a model scope named 'inference' under name_scope('train') is the training graph
    if not any("train" in scope.lower() for scope in scopes):
        for scope in scopes:
            if _EVAL_NAME.search(scope) and scope.lower() != "inference":
                return f"under scope {scope!r}"
    feed = call.keyword("feed_dict")
    if feed is not None:
        for node in ast.walk(feed):
            text = dotted_text(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
            if text and _EVAL_NAME.search(text):
                return f"fed with `{text}`"
    if call.functions:
        function = call.functions[0]
        if (
            not isinstance(function, ast.Lambda)
            and "mode" in [arg.arg for arg in function.args.args]
            and _is_model_fn(context, function)
        ):
            if any(_branch_mode(context, test.test, in_else) == "train" for test, in_else in call.ifs):
                return None
            if _only_trains(context, function):
                return None
            return f"in `{function.name}`, which also builds the EVAL and PREDICT graphs"
    script = semantics.inference_script(context.path, context.source)
    if script is not None and not any("train" in getattr(f, "name", "").lower() for f in call.functions):
        return f"in the inference script `{script}`"
    return None


def _only_trains(context: FileContext, function: ast.AST) -> bool:
    """A model_fn that refuses every mode but TRAIN (``if mode != TRAIN: raise``) builds no eval graph."""
    for node in ast.walk(function):
        if isinstance(node, ast.If) and _branch_mode(context, node.test, False) == "eval":
            if node.body and isinstance(node.body[0], ast.Raise):
                return True
        if isinstance(node, ast.Assert) and _branch_mode(context, node.test, False) == "train":
            return True
    return False


_DATA_READER = re.compile(
    r"input|dataset|preprocess|reader|loader|augment|pipeline|queue|^(get_|next_)?batch(es)?$|argparse|"
    r"parse_arg|config|option|setting|"
    r"^(load|read|get)_?(data|images|batch\w*)$|^data$|^(get|load|read|make|next)_(\w+_)?batch",
    re.IGNORECASE,
)


def _is_data_reader(call: CallSite) -> bool:
    """``ImageReader(...)``, ``get_batch(...)``: its mode or flag is the input pipeline's, not BN's."""
    return bool(_DATA_READER.search((call.callee or "").rsplit(".", 1)[-1]))


def _exclusive(one: CallSite, other: CallSite) -> bool:
    """The two calls sit in opposite branches of one ``if`` (``if FLAGS.is_train: Model(True) else:
    Model(False)``): a run of the program makes only one of them."""
    if one.function is not other.function:
        return False
    branches = dict((id(branch), in_else) for branch, in_else in one.ifs)
    return any(branches.get(id(branch), in_else) != in_else for branch, in_else in other.ifs)


def _asks_for_a_mode(context: FileContext, build: CallSite | None = None) -> bool:
    """Some call of the file passes a training flag that may be something else than True (a
    placeholder, False, an unknown value), followed as a value; with ``build``, not counting calls
    in the other branch of an ``if`` around it."""
    flow = value_flow(context)
    for call in context.calls:
        if _is_data_reader(call) or (build is not None and _exclusive(call, build)):
            continue  # `H5DataLoader(path, False)`: a data reader's switch is not a BN mode
        for keyword in call.node.keywords:
            if keyword.arg and _FLAG.match(keyword.arg) and not is_true(keyword.value):
                if flow.holds(keyword.value, call.function) != Holds.TRUE:
                    return True
        if any(isinstance(arg, ast.Constant) and arg.value is False for arg in call.node.args):
            return True
    return False


def _literal_model_builds(hardcoded: dict[CallSite, tuple[str, tuple]]) -> list[CallSite]:
    """The calls handed a literal ``is_training=True`` that may build a model: not TensorFlow's own,
    not a run, not a data reader, and needing no project fact (a keyword, not a positional True)."""
    return [
        call
        for call, (_, facts) in hardcoded.items()
        if not facts
        and call.method not in (None, "run")
        and not (call.qualname or "").startswith(("tf.", "keras."))
        and not _is_data_reader(call)
    ]


def _fetches_what_was_built(context: FileContext, run: CallSite, build: CallSite) -> bool:
    """Some name the run fetches was last bound, before the run and in its function, by the statement
    of ``build`` (``(x, y_), train_step, accuracy, _, saver = build_graph(is_training=True)``)."""
    fetched = _fetched(run)
    elements = fetched.elts if isinstance(fetched, (ast.List, ast.Tuple)) else [fetched]
    for element in elements:
        if not isinstance(element, ast.Name):
            continue
        scope = run.function
        statements = [a.statement for a in context.assignments.get(element.id, ()) if a.function is scope]
        statements += [b.statement for b in context.bindings.get(element.id, ()) if b.function is scope]
        earlier = [statement for statement in statements if statement.lineno < run.line]
        if earlier and max(earlier, key=lambda statement: statement.lineno) is build.statement:
            return True
    return False


def _latest_binding(context: FileContext, name: str, scope: ast.AST | None, line: int) -> ast.stmt | None:
    """The statement that last bound ``name`` in ``scope`` before ``line`` (an assignment, an
    unpacking, ``+=``, a ``for``); the module's last binding when ``scope`` has none."""
    items = (*context.assignments.get(name, ()), *context.bindings.get(name, ()))
    local = [item for item in items if item.function is scope and item.statement.lineno < line]
    if scope is not None and not local:
        local = [item for item in items if item.function is None]
    return max(local, key=lambda item: item.statement.lineno).statement if local else None


def _fetches_derive_from(context: FileContext, run: CallSite, build: CallSite) -> bool:
    """What the run fetches is computed from what ``build`` returned: followed back through the names
    each value is made of, each to its last binding before the run in the run's function (or the
    module's), some name was bound by the build's statement (``logits = model(x, is_training=True)``,
    ``correct = tf.equal(tf.argmax(logits, 1), y)``, ``sess.run(accuracy)``; ``g = Graph(True)`` and
    ``sess.run(g.cost)``)."""
    if run.function is not build.function and build.function is not None:
        return False
    fetched = _fetched(run)
    pending = [fetched] if fetched is not None else []
    seen: set[str] = set()
    while pending and len(seen) < 200:
        expression = pending.pop()
        for node in ast.walk(expression):
            if not isinstance(node, (ast.Name, ast.Attribute)):
                continue
            text = dotted_text(node)
            if text is None or text in seen:
                continue
            seen.add(text)
            statement = _latest_binding(context, text, run.function, run.line)
            if statement is None:
                continue
            if statement is build.statement:
                return True
            value = getattr(statement, "value", None) or getattr(statement, "iter", None)
            if isinstance(value, ast.AST):
                pending.append(value)
    return False


def _fetched(call: CallSite) -> ast.expr | None:
    """What ``sess.run(...)`` fetches: its first argument, or ``fetches=``."""
    return call.node.args[0] if call.node.args else call.keyword("fetches")


def _fetches_model_output(call: CallSite) -> bool:
    """``sess.run(x)`` fetches something other than an initializer or a saver op."""
    fetched = _fetched(call)
    text = dotted_text(fetched) or ""
    if isinstance(fetched, ast.Call):
        text = dotted_text(fetched.func) or ""
    return not re.search(r"init|initializer|restore|iterator|summary", text, re.IGNORECASE)


# validation or test results; `val` only in front (`val_loss`): `loss_val` is a value
_VALIDATION_NAME = re.compile(
    r"(^|[_.])(eval|evaluation|test|valid|validation)($|[_.\d])|(^|[_.])val($|_|\d)(?<!_val)", re.IGNORECASE
)


def _fetches_train_op(fetched: ast.AST, metrics: bool = False) -> bool:
    """The fetches hold a train op: a name with ``train``, ``optim`` or ``update`` (with ``metrics``,
    not ``update``: an evaluation fetches its metrics' update ops, ``iou_update``)."""
    pattern = r"train|optim" if metrics else r"train|optim|update"
    for node in fetched.elts if isinstance(fetched, (ast.List, ast.Tuple)) else [fetched]:
        if re.search(pattern, dotted_text(node) or "", re.IGNORECASE):
            return True
    return False


def validation_runs(
    context: FileContext, in_evaluation_functions: bool = False
) -> list[tuple[CallSite, str]]:
    """The file's ``sess.run`` calls that score validation or test data on the model, each with how
    it shows that (``_validation_run``); with ``in_evaluation_functions`` also every run of the model
    inside a function named for evaluation."""
    runs = []
    for call in context.calls:
        if call.method != "run" or not isinstance(call.node.func, ast.Attribute) or _fetched(call) is None:
            continue
        where = _validation_run(call, context)
        if where is None and in_evaluation_functions:
            evaluating = [f for f in call.functions if semantics.is_evaluation_function(f)]
            where = f"the run in `{evaluating[-1].name}`" if evaluating else None
        if where is not None and _fetches_model_output(call) and not _fetches_only_input(context, call):
            runs.append((call, where))
    return runs


def _validation_functions_given(context: FileContext, build: CallSite) -> list[tuple[CallSite, str]]:
    """Calls that hand what ``build`` returned (``cnn_model = Model(is_train=True)``) to a function of
    this file named for evaluation whose ``sess.run`` fetches from that parameter
    (``valid_epoch(cnn_model, sess, X_val, y_val)``, ``def valid_epoch(model, ...): sess.run(model.acc)``)."""
    built = {name for name in _assigned_to(build) if name}
    if not built:
        return []
    found = []
    for call in context.calls:
        if _exclusive(call, build) or call.line <= build.line or not isinstance(call.node.func, ast.Name):
            continue
        given = [i for i, arg in enumerate(call.node.args) if (dotted_text(arg) or "") in built]
        for function in context.functions.get(call.node.func.id, ()) if given else ():
            if not semantics.is_evaluation_function(function):
                continue
            positional = [arg.arg for arg in function.args.posonlyargs + function.args.args]
            parameters = {positional[i] for i in given if i < len(positional)}
            runs = [
                run
                for run in context.calls
                if run.method == "run"
                and run.function is function
                and _fetched(run) is not None
                and not _fetches_train_op(_fetched(run))
                and any(
                    isinstance(node, ast.Name) and node.id in parameters for node in ast.walk(_fetched(run))
                )
            ]
            if runs:
                found.append((call, f"`{call.node.func.id}({dotted_text(call.node.args[given[0]])}, ...)`"))
    return found


def _defaults_to_true(function: ast.FunctionDef, name: str) -> bool:
    """``name`` is a parameter of ``function`` whose default is the literal True."""
    parameter = parameter_of(function, name)
    return parameter is not None and is_true(parameter[1])


def _fed(call: CallSite) -> ast.expr | None:
    """What ``sess.run(fetches, feed_dict)`` is fed: ``feed_dict=``, or its second argument."""
    feed = call.keyword("feed_dict")
    if feed is None and len(call.node.args) > 1:
        feed = call.node.args[1]
    return feed


def _fed_dict(call: CallSite, context: FileContext | None) -> ast.expr | None:
    """What the run is fed; with ``context``, a name is followed to the dict display last assigned to
    it in the run's function before the run (``val_feed = {x: x_val}; sess.run(op, val_feed)``)."""
    feed = _fed(call)
    if isinstance(feed, ast.Name) and context is not None:
        feed = _dict_assigned_before(context, feed.id, call)
    return feed


def _feeds_a_flag(call: CallSite, context: FileContext | None = None) -> bool:
    """The run's feed dict has a key named like a training flag (a mode switch, whatever it is); with
    ``context``, also a feed dict built in a name before the run."""
    feed = _fed_dict(call, context)
    if not isinstance(feed, ast.Dict):
        return False
    return any(
        flags.FLAG_NAME.search((dotted_text(key) or "").rsplit(".", 1)[-1]) for key in feed.keys if key is not None
    )


def _fetches_only_input(context: FileContext, call: CallSite) -> bool:
    """``val_images, val_labels = sess.run([val_image_batch, val_label_batch])``: every fetch is a name
    the input pipeline made (bound only from a data reader's call or an iterator's ``get_next()``), so
    the run pulls the next batch and scores nothing."""
    fetched = _fetched(call)
    elements = fetched.elts if isinstance(fetched, (ast.List, ast.Tuple)) else [fetched]
    for element in elements:
        if not isinstance(element, ast.Name):
            return False
        values = [a.value for a in context.assignments.get(element.id, ())] + [
            b.value for b in context.bindings.get(element.id, ()) if b.how == "unpack"
        ]
        if not values or not all(
            isinstance(value, ast.Call)
            and (
                _DATA_READER.search((dotted_text(value.func) or "").rsplit(".", 1)[-1])
                or (dotted_text(value.func) or "").endswith("get_next")
            )
            for value in values
        ):
            return False
    return bool(elements)


def _validation_run(call: CallSite, context: FileContext | None = None) -> str | None:
    """How a ``sess.run`` shows it scores validation or test data, for the message; else None.

    A run that also fetches the train op (a name with ``train``, ``optim`` or ``update``) is a
    training step, whatever its other results are called.  With ``context``, a feed held in a name
    is followed to the dict display last assigned to it in the run's function (``val_feed = {x:
    val_inputs}; sess.run(fetches, val_feed)``).
    """
    if _fetches_train_op(_fetched(call)):
        return None
    for text in _assigned_to(call, augmented=True):
        if _VALIDATION_NAME.search(text) and "train" not in text.lower():
            return f"`{text} = ...run(...)`"
    feed = _fed_dict(call, context)
    if isinstance(feed, ast.Dict):
        for value in feed.values:
            text = dotted_text(value) if isinstance(value, (ast.Name, ast.Attribute)) else None
            if text and _EVAL_NAME.search(text) and "train" not in text.lower():  # `x_val` is data
                return f"the run fed with `{text}`"
    return None


def hardcoded_flag(call: CallSite, context: FileContext | None = None) -> str | None:
    """``training=True`` (or a feed of ``is_training: True``) given to the call, as text; else None.

    With ``context``, a feed held in a name is followed to the dict display last assigned to it in
    the same function before the run (``feed_dict = {x: batch, training: True}; sess.run(op, feed_dict)``).
    """
    for keyword in call.node.keywords:
        if is_true(keyword.value) and keyword.arg and _FLAG.match(keyword.arg):
            return f"{keyword.arg}=True"
    if call.method != "run":
        return None
    feed = _fed_dict(call, context)
    if isinstance(feed, ast.Dict):
        for key, value in zip(feed.keys, feed.values):
            text = dotted_text(key) if key is not None else None
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                # `'train_phase_placeholder:0'`, `'attention/is_training:0'`: a tensor named for the flag
                text = key.value.split(":")[0].rsplit("/", 1)[-1]
                if flags.FLAG_NAME.search(text) and is_true(value):
                    return f"{key.value}: True"
            if text and _FLAG.match(text.rsplit(".", 1)[-1]) and is_true(value):
                return f"{text}: True"
    return None


def _module_owner(call: CallSite) -> str | None:
    """The name a module-level function of another module is reached through: ``disp_net`` for
    ``disp_net(...)``, ``nets`` for ``nets.disp_net(...)`` and ``tflib.network.im2latex_cnn(...)``;
    None for a method (``self.net(...)``, ``model().build(...)``)."""
    callee = call.callee  # the dotted spelling, None for `f()(...)` or `a[0].f(...)`
    if callee is None:
        return None
    root = callee.partition(".")[0]
    return None if root in ("self", "cls") else root


def _owner_from_project(context: FileContext, call: CallSite) -> bool:
    """``disp_net(...)`` or ``nets.disp_net(...)``, ``disp_net``/``nets`` imported from a project module."""
    func = call.node.func
    owner = func.value if isinstance(func, ast.Attribute) else func
    return isinstance(owner, ast.Name) and _from_project_module(context, owner.id)


def positional_true(call: CallSite) -> int | None:
    """The position of a literal ``True`` handed positionally to a function of the project
    (``densenet_cifar(x, keep_prob, True)``); whether it is that function's training flag is a
    project fact (``TakesTrainingFlagAt``)."""
    method = call.method
    if method is None or method == "run" or method in _BUILTINS:
        return None
    if (call.qualname or "").startswith(("tf.", "keras.")):
        return None
    for index, argument in enumerate(call.node.args):
        if type(argument) is ast.Constant and argument.value is True:
            return index
    return None


def _dict_assigned_before(context: FileContext, name: str, call: CallSite) -> ast.Dict | None:
    """The value last assigned to ``name`` in the call's function before the call, if a dict display."""
    before = [
        assignment
        for assignment in context.assignments.get(name, ())
        if assignment.function is call.function and assignment.statement.lineno <= call.line
    ]
    if not before:
        return None
    value = max(before, key=lambda assignment: assignment.statement.lineno).value
    return value if isinstance(value, ast.Dict) else None


_TRAIN_MODE_STRING = frozenset({"train", "training", "TRAIN", "TRAINING"})


def train_mode_string(context: FileContext, call: CallSite) -> str | None:
    """``mode='train'`` handed to a model of this project (``ICNet(reader, cfg, mode='train')``), as text.

    Only for a class or function of the project: a mode given to TensorFlow or to a data reader
    (``ImageReader(cfg, mode='train')``) says nothing about BN.
    """
    value = call.keyword("mode")
    if value is None or (call.qualname or "").startswith(("tf.", "keras.")) or _is_data_reader(call):
        return None
    if isinstance(value, ast.Constant) and value.value in _TRAIN_MODE_STRING:
        return f"mode={value.value!r}"
    text = dotted_text(value) or ""
    return f"mode={text}" if text.endswith("ModeKeys.TRAIN") else None


@lint_rule
class TrainingHardcoded(LintRule):
    code = "BN006"
    title = "training=True hard-coded on an evaluation or inference path"
    severity = Severity.ERROR
    # a flag name, then `=` or `:` and a literal True, maybe parenthesized or after a comment:
    # `training=(True)`, `feed_dict={model.is_training: True}`, `{'is_training:0': True}`
    triggers = (
        Trigger(
            (b"True",),
            rb"train(?:ing)?(?:_mode|_phase)?(?:_placeholder|_ph|_flag|_tensor)?(?::\w*)?['\"]?\s*[:=][\s(\\]*"
            rb"(?:#[^\n]*\n[\s(\\]*)*true",
            window=Trigger.EVERYWHERE,
            ignore_case=True,
        ),
        # a test/predict function that runs a graph whose BN is fixed in training mode
        Trigger((b".run(",), EVALUATION_DEF, window=Trigger.EVERYWHERE),
        # `logits = densenet(x, keep_prob, True)` in a program that runs a session (`sess.run(`)
        Trigger((b"True", b"ess.run("), rb"\w\([^()\n]*,[ \t]*True[ \t]*[,)]", window=Trigger.EVERYWHERE),
        # the Keras learning phase fixed to training before the model is built, reset afterwards
        Trigger((b"set_learning_phase",)),
        # a validation model built in the training mode: `val_net = Net(reader, mode='train')`
        # (case-sensitive over the whole file: the regex engine skips ahead to each "mode")
        Trigger(
            (b"mode",),
            rb"mode\s*=[\s(\\]*(?:#[^\n]*\n[\s(\\]*)*(?:[uU]?['\"](?:train|TRAIN)|[\w.]*ModeKeys\.TRAIN\b)",
            window=Trigger.EVERYWHERE,
        ),
    )
    what = (
        "A call with `training=True` / `is_training=True` (or a `feed_dict` feeding `is_training: True`,\n"
        "also one built in a name before the run,\n"
        "`mode='train'` handed to a model of a program that builds BN, or a positional `True` where a\n"
        "BN-building function of the project takes its training flag: `densenet(x, keep_prob, True)`)\n"
        "in evaluation, prediction, inference or export code: a function named so, a branch for\n"
        "`ModeKeys.EVAL`/`PREDICT`, a result named `eval_*`/`test_*`/`*_val`, validation inputs, test or\n"
        "validation data in the feed, an inference script (`predict_*.py`, `eval_*.py`), or an Estimator\n"
        "`model_fn` that serves every mode with one hard-coded flag. Also a test or predict function\n"
        "that runs the one graph of a program whose BN (in another module) is fixed in training mode,\n"
        "and a validation or test run (`val_acc = sess.run(...)`, a feed of `x_val`, also one built in a\n"
        "name: `val_feed = {x: x_val}`) on the one graph\n"
        "that a model function called once with `is_training=True` builds, or, in a file with other\n"
        "builds or mode switches, whose fetches are computed from what that build returned; on the graph\n"
        "that a model class builds with BN's flag a Python bool from its constructor\n"
        "(`is_training=self.training`, `def __init__(self, training=True)`, or `self.is_training = True`\n"
        "that a validating method sets to False after the graph exists) when the class's own method runs\n"
        "the validation batches; or on the graph\n"
        "that a script's training build returns when the test run comes before its inference build.\n"
        "Also `set_learning_phase(False)` after a Keras model with BN was built under\n"
        "`set_learning_phase(True)` (the phase is read when the layers are built), and a feed of a\n"
        "tensor named for the flag (`'train_phase_placeholder:0': True`) on an evaluation path.\n"

        "Not a BN flag: `is_training=True` handed to a data reader or a config; unit tests are not\n"
        "inference code."
    )
    why = (
        "In training mode BN normalizes each batch with its own statistics, so predictions depend on\n"
        "the batch, and every evaluation step overwrites the moving statistics with validation data.\n"
        "Feeding `is_training: True` at test time often hides moving statistics that never updated\n"
        "(BN001) and makes single-example inference wrong."
    )
    fix = (
        "Pass `training=False` on evaluation paths, or the mode:\n"
        "`training=(mode == tf.estimator.ModeKeys.TRAIN)`."
    )
    bad = (
        "import tensorflow.compat.v1 as tf\n"
        "def evaluate(images):\n"
        "    return tf.layers.batch_normalization(images, training=True)  # expect: BN006\n",
        "import tensorflow as tf\n"
        "def model_fn(features, labels, mode):\n"
        "    logits = tf.layers.batch_normalization(features, training=True)  # expect: BN006\n"
        "    return tf.estimator.EstimatorSpec(mode, predictions=logits)\n",
        "import tensorflow.compat.v1 as tf\n"
        "is_training = tf.placeholder(tf.bool)\n"
        "acc = tf.reduce_mean(tf.layers.batch_normalization(tf.zeros([2]), training=is_training))\n"
        "with tf.Session() as sess:\n"
        "    test_acc = sess.run(acc, feed_dict={is_training: True})  # expect: BN006\n",
        "import tensorflow.compat.v1 as tf\n"
        "class Net(object):\n"
        "    def __init__(self, images, mode):\n"
        "        self.out = tf.layers.batch_normalization(images, training=mode == 'train')\n"
        "train_net = Net(tf.zeros([8, 4]), mode='train')\n"
        "val_net = Net(tf.zeros([8, 4]), mode='train')  # expect: BN006\n",
        "import tensorflow.compat.v1 as tf\n"
        "def build(x, is_training):\n"
        "    return tf.layers.dense(tf.layers.batch_normalization(x, training=is_training), 10)\n"
        "x = tf.placeholder(tf.float32, [None, 4])\n"
        "accuracy = tf.reduce_mean(build(x, is_training=True))\n"
        "with tf.Session() as sess:\n"
        "    val_accuracy = sess.run(accuracy, feed_dict={x: val_x})  # expect: BN006\n",
        "import tensorflow.compat.v1 as tf\n"
        "def build(x, keep_prob, is_training):\n"
        "    return tf.nn.dropout(tf.layers.batch_normalization(x, training=is_training), keep_prob)\n"
        "def evaluate(sess, x):\n"
        "    logits = build(x, 1.0, True)  # expect: BN006\n"
        "    return sess.run(logits)  # expect: BN006\n",
    )
    good = (
        "import tensorflow.compat.v1 as tf\n"
        "def evaluate(images):\n"
        "    return tf.layers.batch_normalization(images, training=False)\n",
        "import tensorflow.compat.v1 as tf\n"
        "tf.keras.backend.set_learning_phase(0)\n"
        "model = tf.keras.applications.ResNet50(weights=None)\n"
        "scores = model.predict(images)\n",
        "import tensorflow as tf\n"
        "def model_fn(features, labels, mode):\n"
        "    logits = tf.layers.batch_normalization(features, training=mode == tf.estimator.ModeKeys.TRAIN)\n"
        "    return tf.estimator.EstimatorSpec(mode, predictions=logits)\n",
        "import tensorflow.compat.v1 as tf\n"
        "is_training = tf.placeholder(tf.bool)\n"
        "loss = tf.reduce_mean(tf.layers.batch_normalization(tf.zeros([2]), training=is_training))\n"
        "with tf.Session() as sess:\n"
        "    train_loss = sess.run(loss, feed_dict={is_training: True})\n",
        "import tensorflow as tf\n"
        "def augment(images, mode):\n"
        "    return tf.keras.layers.RandomFlip(mode)(images, training=True)\n",
        "import tensorflow.compat.v1 as tf\n"
        "class Net(object):\n"
        "    def __init__(self, images, mode):\n"
        "        self.out = tf.layers.batch_normalization(images, training=mode == 'train')\n"
        "val_reader = ImageReader('val.txt', mode='train')  # the reader's mode: which list it reads\n"
        "val_net = Net(val_reader.images, mode='eval')\n",
        "import tensorflow.compat.v1 as tf\n"
        "def build(x, keep_prob, is_training):\n"
        "    return tf.nn.dropout(tf.layers.batch_normalization(x, training=is_training), keep_prob)\n"
        "def evaluate(sess, x, shuffle):\n"
        "    logits = build(shuffle(x, True), 1.0, False)  # `True` is the shuffle's, not the flag\n"
        "    return sess.run(logits)\n",
        "import tensorflow.compat.v1 as tf\n"
        "class Model(object):\n"
        "    def __init__(self, training=True):\n"
        "        self.training = tf.placeholder_with_default(training, [])\n"
        "        self.x = tf.placeholder(tf.float32, [None, 3])\n"
        "        self.y = tf.layers.batch_normalization(self.x, training=self.training)\n"
        "    def validate(self, sess, x_valid):\n"
        "        return sess.run(self.y, feed_dict={self.x: x_valid, self.training: False})\n",
    )
    bad += (
        "import tensorflow.compat.v1 as tf\n"
        "class Model(object):\n"
        "    def __init__(self, training=True):\n"
        "        self.training = training\n"
        "        self.x = tf.placeholder(tf.float32, [None, 3])\n"
        "        self.y = tf.layers.batch_normalization(self.x, training=self.training)\n"
        "    def fit(self, sess, x_valid):\n"
        "        return sess.run(self.y, feed_dict={self.x: x_valid})  # expect: BN006\n",
        "import tensorflow.compat.v1 as tf\n"
        "class Net(object):\n"
        "    def __init__(self):\n"
        "        self.is_training = True\n"
        "        self.x = tf.placeholder(tf.float32, [None, 3])\n"
        "        self.y = tf.layers.batch_normalization(self.x, training=self.is_training)\n"
        "    def validate(self, sess, x):\n"
        "        self.is_training = False\n"
        "        return sess.run(self.y, feed_dict={self.x: x})  # expect: BN006\n",
        "import tensorflow.compat.v1 as tf\n"
        "def build(x, is_training):\n"
        "    return tf.layers.batch_normalization(x, training=is_training)\n"
        "x = tf.placeholder(tf.float32, [None, 4])\n"
        "probs = build(x, is_training=True)\n"
        "test_probs = build(x, is_training=False)\n"
        "with tf.Session() as sess:\n"
        "    val_feed = {x: x_val}\n"
        "    sess.run(probs, val_feed)  # expect: BN006\n",
        "import tensorflow.compat.v1 as tf\n"
        "tf.keras.backend.set_learning_phase(1)\n"
        "model = tf.keras.applications.ResNet50(weights=None)\n"
        "tf.keras.backend.set_learning_phase(0)  # expect: BN006\n"
        "scores = model.predict(images)\n",
    )

    def check(self, context: FileContext) -> Iterable[Candidate]:
        if not context.imports.uses_tensorflow or context.is_test_file:
            return  # unit tests are not evaluation or inference code
        modes = "mode" in context.source  # `mode='train'` cannot be there otherwise
        positionals = None  # whether the file holds a trigger of the rule, asked at the first positional True
        hardcoded = {}  # call -> (its hard-coded flag as text, the facts it needs), for the checks below
        for call in context.calls:
            node = call.node
            flag = hardcoded_flag(call, context) if node.keywords or call.method == "run" else None
            facts: tuple = ()
            if flag is not None:
                flag = f"`{flag}`"
                hardcoded[call] = (flag, facts)
            elif modes and node.keywords:
                flag = train_mode_string(context, call)
                flag = f"`{flag}`" if flag is not None else None
                facts = (ReachesAnyBN(),)  # a mode handed to a model of a program that builds BN
            if flag is None and positionals is not False and node.args:
                index = positional_true(call)
                if index is not None and positionals is None:
                    positionals = self._holds_triggers(context)
                if index is not None and positionals:
                    # `densenet(x, keep_prob, True)`: a True where the project's function takes its flag
                    flag = f"`True` as the training flag of `{call.method}`"
                    facts = (TakesTrainingFlagAt(call.method, index), ReachesAnyBN())
                    hardcoded[call] = ("`True` as its training flag", facts)
            if flag is None or _is_data_reader(call):
                continue  # `is_training=True` handed to an input pipeline or a config is not a BN flag
            where = eval_context(context, call)
            if where is None:
                continue
            yield Candidate(
                self.finding(
                    context,
                    call,
                    f"{flag} is hard-coded on an evaluation path ({where}): BN uses batch statistics there "
                    "and overwrites its moving statistics",
                    fix="pass `training=False` (or the mode) on evaluation and inference paths",
                ),
                facts,
            )
        yield from self._evaluates_training_graph(context)
        yield from self._validates_on_training_graph(context, hardcoded)
        yield from self._default_training_on_eval(context)
        yield from self._validates_in_constructed_mode(context)
        yield from self._validates_before_rebuild(context, hardcoded)
        yield from self._learning_phase_reset_after_build(context)

    def _learning_phase_reset_after_build(self, context: FileContext) -> Iterable[Candidate]:
        """``set_learning_phase(True)``, then a Keras model with BN built (an application, a Keras BN
        layer), then ``set_learning_phase(False)`` with no new build after it: the phase was read when
        the layers were built, so the later call changes nothing and inference runs BN in training mode."""
        if "set_learning_phase" not in context.source:
            return
        phases = [
            (call, constant)
            for call in context.calls
            if call.method == "set_learning_phase"
            and call.node.args
            and isinstance(call.node.args[0], ast.Constant)
            and (constant := call.node.args[0].value) in (True, False, 0, 1)
        ]
        if not any(value for _, value in phases) or not any(not value for _, value in phases):
            return
        builds = [
            call.line
            for call in context.calls
            if semantics.is_keras_bn(call) or semantics.is_bn_application(call)
        ]
        for on, value in phases:
            if not value:
                continue
            built = [line for line in builds if line > on.line]
            if not built:
                continue
            for off, later in phases:
                if later or off.line <= built[0] or any(line > off.line for line in builds):
                    continue
                yield Candidate(
                    self.finding(
                        context,
                        off,
                        f"`set_learning_phase({ast.unparse(off.node.args[0])})` comes after the Keras BN layers "
                        f"were built (line {built[0]}) with the learning phase fixed to training (line "
                        f"{on.line}): it does not change the built graph, so what runs next still normalizes "
                        "with batch statistics",
                        fix="set the learning phase before building the model, or build a second model for "
                        "inference (or feed `K.learning_phase()` instead of fixing it)",
                    )
                )
                return

    def _validates_before_rebuild(
        self, context: FileContext, hardcoded: dict[CallSite, tuple[str, tuple]]
    ) -> Iterable[Candidate]:
        """A script that builds one graph after another: the training graph with ``is_training=True``,
        then, after training, the inference graph with False (often after ``tf.reset_default_graph()``).
        A validation or test run made in between, on what the training build returned, runs on the
        training graph (the tutorial that scores ``mnist.test`` every 50 steps while it trains)."""
        if flags.mode_switches(context):
            return
        builds = _literal_model_builds(hardcoded)
        if not builds:
            return
        resets = [call for call in context.calls if (call.qualname or "").endswith("reset_default_graph")]
        for run, where in validation_runs(context):
            scope = run.function
            before = [b for b in builds if b.function is scope and b.line < run.line]
            if not before:
                continue
            build = max(before, key=lambda b: b.line)
            calls_of_builder = [call for call in context.calls if call.method == build.method]
            if len(calls_of_builder) == 1 and not resets:
                continue  # one graph: `_validates_on_training_graph` decides
            if any(r.function is scope and build.line < r.line < run.line for r in resets) or any(
                call.function is scope and build.line < call.line < run.line for call in calls_of_builder
            ):
                continue
            if not _fetches_what_was_built(context, run, build):
                continue
            yield Candidate(
                self.finding(
                    context,
                    run,
                    f"{where} runs on the graph that `{build.method}` built with {hardcoded[build][0]} "
                    f"(line {build.line}), before the evaluation graph is built: BN normalizes those "
                    "batches with their own statistics, not the moving averages",
                    fix="score validation and test data on the graph built with `is_training=False`, or "
                    "feed a mode placeholder",
                ),
                (ReachesAnyBN(),),
            )
            return  # one finding per file: the root cause is the graph

    def _validates_in_constructed_mode(self, context: FileContext) -> Iterable[Candidate]:
        """A model class whose BN takes ``is_training=self.training``, a Python bool fixed when the object
        is built (``def __init__(self, ..., training=True)``), and whose own method runs a validation
        batch through that one graph: validation uses the BN mode of training (batch statistics)."""
        if "True" not in context.source or ".run(" not in context.source or flags.mode_switches(context):
            return
        runs = [(call, where) for call, where in validation_runs(context, in_evaluation_functions=True) if call.classes]
        if not runs:
            return
        for call, where in runs:
            owner = call.classes[-1]
            key = ("constructed_bn_flag", id(owner))
            if key not in context.cache:
                context.cache[key] = self._constructed_bn_flag(context, owner)
            found = context.cache[key]
            if found is None or _feeds_a_flag(call, context):
                continue
            attribute, later = found
            if later is None and not _validation_run(call, context):
                continue  # a run in an evaluation function, only where the flag is set anew for it
            how = "fixed when the object is made (default True)"
            if later is not None:
                if not self._holds_triggers(context):
                    continue
                how = (
                    f"set to True when the object is made; setting it to False at line {later} does not "
                    "change the graph already built"
                )
            yield Candidate(
                self.finding(
                    context,
                    call,
                    f"{where} runs the graph that `{owner.name}` built with `{attribute}`, a Python bool "
                    f"{how}: BN normalizes the validation batches "
                    "with their own statistics, as in training, not with the moving averages",
                    fix="build a second model with `training=False` that reuses the variables, or make the "
                    "flag a placeholder fed False when validating",
                )
            )
            return  # one finding per file: the root cause is the graph

    def _constructed_bn_flag(self, context: FileContext, owner: ast.ClassDef) -> tuple[str, int | None] | None:
        """``self.<flag>`` when the class's BN layers take it as their training flag and ``__init__``
        sets it only from a parameter that defaults to True (with None), or to a literal True while a
        method that runs the session sets it to False after the graph is built (with that line);
        else None."""
        for call in semantics.bn_producers(context):
            if not call.classes or call.classes[-1] is not owner:
                continue
            value = call.keyword("is_training")
            if value is None:
                value = call.keyword("training")
            text = dotted_text(value) if isinstance(value, ast.Attribute) else None
            if text is None or not text.startswith("self.") or text.count(".") != 1:
                continue
            assignments = context.assignments.get(text, ())
            if assignments and all(
                isinstance(a.value, ast.Name)
                and _FLAG.match(a.value.id)  # `training=True`: the rule's trigger, for the pre-filter
                and isinstance(a.function, ast.FunctionDef)
                and a.function.name == "__init__"
                and any(a.function is node for node in owner.body)
                and _defaults_to_true(a.function, a.value.id)
                for a in assignments
            ):
                return text, None
            # `self.is_training = True` in __init__ before the build; `self.is_training = False` in a
            # method that runs the session: a Python attribute read once, when the graph was built
            methods = [node for node in owner.body if isinstance(node, ast.FunctionDef)]
            built = [a for a in assignments if a.function is not None and getattr(a.function, "name", "") == "__init__"]
            later = [a for a in assignments if a not in built]
            if (
                len(built) == 1
                and is_true(built[0].value)
                and any(built[0].function is method for method in methods)
                and later
                and all(
                    any(a.function is method for method in methods)
                    and isinstance(a.value, ast.Constant)
                    and a.value.value in (True, False)
                    and any(run.method == "run" and run.function is a.function for run in context.calls)
                    for a in later
                )
            ):
                off = [a.statement.lineno for a in later if a.value.value is False]
                if off:
                    return text, off[0]
        return None

    def _default_training_on_eval(self, context: FileContext) -> Iterable[Candidate]:
        """A test/inference graph built with a model function of another project module whose flag
        defaults to True (``def disp_net(image, is_training=True)``), called without it.  Only in a
        file that holds one of the rule's triggers (a hard-coded True elsewhere, or an evaluation
        function that runs a session), so that the byte pre-filter never changes what is reported."""
        candidates = list(self._default_training_candidates(context))
        if candidates and self._holds_triggers(context):
            yield from candidates

    def _holds_triggers(self, context: FileContext) -> bool:
        data = context.source.encode("utf-8", "replace")
        for trigger in self.triggers:
            if not all(literal in data for literal in trigger.literals):
                continue
            text = data.lower() if trigger.ignore_case else data
            if trigger.pattern is None or re.search(trigger.pattern, text):
                return True
        return False

    def _calls_leaving_flags(self, context: FileContext) -> list[tuple[CallSite, frozenset[str]]]:
        """Calls of module-level functions of project modules that pass no training flag, with the
        keywords they pass: any of them may leave a flag that defaults to True."""
        if "calls_leaving_flags" in context.cache:
            return context.cache["calls_leaving_flags"]
        found: list[tuple[CallSite, frozenset[str]]] = []
        context.cache["calls_leaving_flags"] = found
        # the owner, `disp_net` or `nets` of `nets.disp_net`, is a name imported from a project module
        owners = (
            None
            if context.imports.star_modules
            else {
                name
                for name in {*context.imports.origins, *context.imports.names}
                if _from_project_module(context, name)
            }
        )
        if owners == set():
            return found
        for call in context.calls:
            method = call.method
            owner = _module_owner(call)
            if owner is None or (owners is not None and owner not in owners):
                continue
            if (
                method is None
                or method in _BUILTINS
                or method in context.functions
                or method in context.classes
                or (call.qualname or "").startswith(("tf.", "keras."))
            ):
                continue  # only a function of another module can be that module's model function
            if any(isinstance(arg, ast.Starred) for arg in call.node.args) or call.has_star_kwargs:
                continue
            if not _from_project_module(context, owner):
                continue
            if any(keyword.arg and _FLAG.match(keyword.arg) for keyword in call.node.keywords):
                continue
            found.append((call, frozenset(keyword.arg for keyword in call.node.keywords if keyword.arg)))
        return found

    def _default_training_candidates(self, context: FileContext) -> Iterable[Candidate]:
        for call, keywords in self._calls_leaving_flags(context):
            method = call.method
            where = eval_context(context, call)
            if where is None:
                continue
            yield Candidate(
                self.finding(
                    context,
                    call,
                    f"`{method}` is called {where} without its training flag, whose default is True: BN "
                    "uses batch statistics there, not the moving averages",
                    fix="pass the flag (`is_training=False`) when building evaluation and inference graphs",
                ),
                (LeavesTrainingDefault(method, keywords, len(call.node.args)), ReachesAnyBN()),
            )

    def _validates_on_training_graph(
        self, context: FileContext, hardcoded: dict[CallSite, tuple[str, tuple]]
    ) -> Iterable[Candidate]:
        """The program's one model is built by a project function called once with a literal
        ``is_training=True``, nothing in the file asks for another mode, and a ``sess.run`` that
        feeds validation or test data (or whose results are named so) runs on that graph: the
        validation score of a training loop normalized with batch statistics."""
        if "True" not in context.source:
            return  # no literal `is_training=True` anywhere
        builds = _literal_model_builds(hardcoded)
        if not builds:  # `densenet(x, keep_prob, True)`: a function of this file or of a project module
            builds = [
                call
                for call, (_, facts) in hardcoded.items()
                if facts
                and (call.method in context.functions or _owner_from_project(context, call))
                and not _is_data_reader(call)
            ]
        if not builds:
            yield from self._validates_on_default_graph(context)
            return
        builds = [build for build in builds if eval_context(context, build) is None]
        if not builds:
            return  # the builds are on evaluation paths (reported above)
        runs = []
        if len(builds) == 1 and not flags.mode_switches(context) and not _asks_for_a_mode(context, builds[0]):
            build = builds[0]
            builder_calls = [call for call in context.calls if call.method == build.method]
            # called once: no other call of the builder can build the evaluation graph
            if sum(1 for call in builder_calls if not _exclusive(call, build)) == 1:
                runs = [
                    (run, where)
                    for run, where in validation_runs(context)
                    if not _exclusive(run, build) and not _feeds_a_flag(run, context)
                ]
                runs = runs or _validation_functions_given(context, build)
        if not runs:
            # other graphs or mode switches in the file: only a validation run whose fetches are
            # computed from what the training build returned runs on that graph
            for run, where in validation_runs(context):
                build = next((b for b in builds if _fetches_derive_from(context, run, b)), None)
                if build is not None and not _feeds_a_flag(run, context):
                    runs = [(run, where)]
                    break
        for call, where in runs[:1]:  # one finding per file: the root cause is the graph
            yield Candidate(
                self.finding(
                    context,
                    call,
                    f"{where} runs on the graph that `{build.method}` builds with {hardcoded[build][0]} "
                    f"(line {build.line}): BN normalizes those batches with their own statistics, not the "
                    "moving averages",
                    fix="build an evaluation graph with `is_training=False` (reuse the variables), or feed "
                    "a mode placeholder",
                ),
                (ReachesAnyBN(), *hardcoded[build][1]),
            )

    def _validates_on_default_graph(self, context: FileContext) -> Iterable[Candidate]:
        """As ``_validates_on_training_graph``, for a program whose model function of a project module
        leaves its training flag at a default of True (``im2latex_cnn(X, 64, True)`` with
        ``def im2latex_cnn(X, num_feats, bn, train_mode=True)``).  Which of the file's calls of project
        functions builds the model is a project fact: the finding stands if one of them leaves such a flag."""
        if ".run(" not in context.source:
            return
        runs = validation_runs(context, in_evaluation_functions=True)
        if not runs or flags.mode_switches(context) or _asks_for_a_mode(context):
            return
        counts: dict[str, int] = {}
        for call in context.calls:
            if call.method:
                counts[call.method] = counts.get(call.method, 0) + 1
        facts = tuple(
            LeavesTrainingDefault(call.method, keywords, len(call.node.args))
            for call, keywords in self._calls_leaving_flags(context)
            if counts[call.method] == 1 and eval_context(context, call) is None
        )
        if not facts or not self._holds_triggers(context):
            return
        call, where = runs[0]  # one finding per file: the root cause is the graph
        yield Candidate(
            self.finding(
                context,
                call,
                f"{where} runs on the one graph of this program, whose model function leaves its "
                "training flag at its default, True: BN normalizes those batches with their own "
                "statistics, not the moving averages",
                fix="build an evaluation graph with `is_training=False` (reuse the variables), or feed "
                "a mode placeholder",
            ),
            (ReachesAnyBN(),),
            any_of=facts,
        )

    def _evaluates_training_graph(self, context: FileContext) -> Iterable[Candidate]:
        """A test/predict function runs the one graph of a program whose BN (in another module) is fixed
        in training mode, and nothing in this file ever asks for another mode.  In the BN's own file this
        is a literal ``training=True`` shared by training and evaluation (a missing flag is BN004's); from
        another file, only when this file composes the network from that module's layer helpers (a
        script that instantiates a model class leaves the flag to the class's file, BN004 there)."""
        if not semantics.runs_evaluation(context):
            return
        if flags.mode_switches(context) or _asks_for_a_mode(context):
            return
        # a program that only instantiates a model class of another module: the missing flag is that
        # module's (BN004 there); one composing its network from training-mode layer helpers holds it
        called = frozenset(call.method for call in context.calls if call.method)
        facts: tuple = (ReachesAlwaysTrainingBN(), CallsTrainingBNHelper(called))
        if semantics.always_training_bn(context):
            if not semantics.literal_training_bn(context):
                return
            facts = ()
        for call in context.calls:
            if call.method != "run" or not isinstance(call.node.func, ast.Attribute):
                continue
            if _fetched(call) is None:
                continue
            function = next(
                (f for f in reversed(call.functions) if semantics.is_evaluation_function(f)), None
            )
            if function is None or not _fetches_model_output(call):
                continue
            yield Candidate(
                self.finding(
                    context,
                    call,
                    f"`{function.name}` runs the model built by this program, whose BN layers are fixed in "
                    "training mode (no `is_training`/`training` switch reaches them): evaluation uses the "
                    "statistics of each batch, not the moving averages",
                    fix="build the evaluation graph with `is_training=False` (or feed a mode placeholder)",
                ),
                facts,
            )
            return  # one finding per file: the root cause is the graph, not each run
