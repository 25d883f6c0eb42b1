"""The training flag as a value: switch placeholders, what the program feeds them, and where they go.

A graph-mode program switches BN between training and inference with a boolean
placeholder (``is_training = tf.placeholder(tf.bool)``) that every ``sess.run`` feeds.
The switch only works if the placeholder reaches the BN layers; a placeholder that is
fed and read nowhere else is a dead switch, and one that is only ever fed ``False``
keeps its BN in inference mode for good.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from bncheck.lint.aliases import dotted_text
from bncheck.lint.context import FileContext
from bncheck.lint.values import Holds, value_flow

# names of a BN mode switch (the placeholder, the argument, the feed key)
FLAG_NAME = re.compile(
    r"(^|_)(is_?train(ing)?|training|phase_?train(ing)?|train(ing)?_?phase|train(ing)?_?mode|bn_?train(ing)?)"
    r"(_(phase|mode|flag|ph|placeholder|tensor|bn|op))?$|^mode$|^phase$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Switch:
    """A placeholder bound to a flag-like name, with every read of it in the file."""

    name: str  # as bound: ``is_training`` or ``self.is_training``
    attribute: str | None  # ``is_training`` for ``self.is_training`` (read as ``net.is_training`` too)
    created: ast.Call  # the placeholder call
    reads: tuple[ast.AST, ...]  # every load of the name (or of ``<anything>.<attribute>``)
    feeds: tuple[ast.expr, ...]  # the values fed to it (dict items and ``feed[name] = value``)
    feed_reads: int  # how many of ``reads`` are feed keys

    @property
    def dead(self) -> bool:
        """Fed, and read nowhere but as a feed key: nothing in the graph depends on it."""
        return bool(self.feeds) and self.feed_reads == len(self.reads)


def _placeholder_call(context: FileContext, value: ast.AST) -> ast.Call | None:
    if isinstance(value, ast.Call) and context.imports.resolve(value.func) in (
        "tf.placeholder",
        "tf.placeholder_with_default",
    ):
        return value
    return None


def _switch_name(name: str) -> bool:
    """Named like a BN switch (a boolean placeholder named ``tst`` or ``mask`` is something else)."""
    return bool(FLAG_NAME.search(name.rsplit(".", 1)[-1]))


def switches(context: FileContext) -> list[Switch]:
    """The BN mode switches the file creates (through unpacked returns too), with their reads and feeds."""
    if "switches" in context.cache:
        return context.cache["switches"]
    found: list[Switch] = []
    if "placeholder" not in context.source:
        context.cache["switches"] = found
        return found
    candidates: dict[str, ast.Call] = {}
    inner_reads: dict[str, list[ast.AST]] = {}  # reads of the local name a returned placeholder had
    for name, assignments in context.assignments.items():
        for assignment in assignments:
            call = _placeholder_call(context, assignment.value)
            if call is not None and _switch_name(name):
                candidates.setdefault(name, call)
    for name, bindings in context.bindings.items():
        for binding in bindings:
            if binding.how != "unpack" or not FLAG_NAME.search(name.rsplit(".", 1)[-1]):
                continue
            origin = _unpacked_placeholder(context, binding)
            if origin is not None:
                candidates.setdefault(name, origin[0])
                inner_reads.setdefault(name, origin[1])
    parents = context.parents if candidates else {}
    for name, call in candidates.items():
        attribute = name.split(".", 1)[1] if name.startswith("self.") and name.count(".") == 1 else None
        if name.count(".") and attribute is None:
            continue
        if attribute is not None and _inherits_from_elsewhere(context, call):
            continue  # a base class in another module may read `self.<attribute>`
        reads: list[ast.AST] = list(context.loads.get(name, ()))
        if attribute is not None:
            for text, loads in context.loads.items():
                if (
                    text != name
                    and text.endswith("." + attribute)
                    and text.count(".") == 1
                    and not _options_object(context, text.split(".", 1)[0])
                ):
                    reads += loads
        reads += inner_reads.get(name, [])
        feeds: list[ast.expr] = []
        feed_reads = 0
        for read in reads:
            parent = parents.get(read)
            if isinstance(parent, ast.Dict) and any(key is read for key in parent.keys):
                feed_reads += 1
                feeds.append(parent.values[[id(key) for key in parent.keys].index(id(read))])
            elif (
                isinstance(parent, ast.Subscript)
                and parent.slice is read
                and isinstance(parent.ctx, ast.Store)
            ):
                feed_reads += 1
                statement = parents.get(parent)
                if isinstance(statement, ast.Assign):
                    feeds.append(statement.value)
        found.append(Switch(name, attribute, call, tuple(reads), tuple(feeds), feed_reads))
    context.cache["switches"] = found
    return found


_OPTIONS = re.compile(r"^(args|FLAGS|flags|opt|opts|options|config|cfg|conf|hparams|hps|params)$")


def _options_object(context: FileContext, name: str) -> bool:
    """``args`` of ``args.is_training``: the program's options (``args = parser.parse_args()``,
    ``FLAGS``), not a model whose placeholder attribute is read."""
    if _OPTIONS.match(name):
        return True
    return any(
        isinstance(a.value, ast.Call) and (dotted_text(a.value.func) or "").endswith(("parse_args", "parse_known_args"))
        for a in context.assignments.get(name, ())
    )


def _inherits_from_elsewhere(context: FileContext, call: ast.Call) -> bool:
    site = value_flow(context).call_site(call)
    for cls in site.classes if site is not None else ():
        for base in cls.bases:
            text = dotted_text(base) or ""
            if text not in ("object", "") and text.split(".")[0] not in context.classes:
                return True
    return False


def _unpacked_placeholder(context: FileContext, binding) -> tuple[ast.Call, list[ast.AST]] | None:
    """``a, b, is_training = self.build()`` where the build returns a placeholder in that place.

    Gives the placeholder call and the reads of the local name inside the build (the return aside).
    """
    value = binding.value
    if not isinstance(value, ast.Call):
        return None
    func = value.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    definitions = context.functions.get(name or "", ())
    if len(definitions) != 1:
        return None
    definition = definitions[0]
    for node in ast.walk(definition):
        if not (isinstance(node, ast.Return) and isinstance(node.value, (ast.Tuple, ast.List))):
            continue
        elements = node.value.elts
        if binding.index >= len(elements) or not isinstance(elements[binding.index], ast.Name):
            continue
        local = elements[binding.index].id
        for assignment in context.assignments.get(local, ()):
            if assignment.function is definition:
                call = _placeholder_call(context, assignment.value)
                if call is not None:
                    returned = {id(element) for element in elements}
                    reads = [
                        load
                        for load in context.loads.get(local, ())
                        if id(load) not in returned
                        and definition.lineno <= load.lineno <= definition.end_lineno
                    ]
                    return call, reads
    return None


def constant_bool(node: ast.AST) -> bool | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return node.value
    return None


def _never_read(context: FileContext, call) -> bool:
    """``train_op = optimizer.minimize(loss)`` whose name nothing reads: the op is built and never run."""
    statement = call.statement
    if not (isinstance(statement, ast.Assign) and statement.value is call.node):
        return False
    names = [dotted_text(target) for target in statement.targets]
    return all(name is not None and not context.loads.get(name) for name in names)


def mode_switches(context: FileContext) -> list[Switch]:
    """The switches that can set a mode: fed, or read by the graph (a placeholder made and never used
    switches nothing: ``is_training = tf.placeholder(tf.bool)`` next to ``model(x, is_training=True)``)."""
    found = []
    for switch in switches(context):
        if switch.feeds:
            found.append(switch)
            continue
        # read where the name bound to the placeholder can be seen (not a parameter of the same name
        # in another function)
        visible = {id(node) for node in value_flow(context).loads_seeing(switch.name, switch.created)}
        if any(id(read) in visible for read in switch.reads) or switch.attribute is not None:
            found.append(switch)
    return found


def fed_only_false(context: FileContext, switch: Switch) -> bool:
    """A training program feeds the switch only the constant False (and its default is not True)."""
    trains = [call for call in context.calls if call.method in ("minimize", "apply_gradients")]
    if not trains or all(_never_read(context, call) for call in trains):
        return False  # an evaluation or export program (a train op copied in and never run): False is right
    if not switch.feeds or any(constant_bool(value) is not False for value in switch.feeds):
        return False
    created = switch.created
    if context.imports.resolve(created.func) != "tf.placeholder_with_default":
        return True  # a plain placeholder: False is all it is ever given
    default = created.args[0] if created.args else next(
        (keyword.value for keyword in created.keywords if keyword.arg == "input"), None
    )
    if constant_bool(default) is not None:
        return constant_bool(default) is False
    # `placeholder_with_default(training, [])`: what the default may be, followed as a value
    flow = value_flow(context)
    return default is not None and flow.holds(default, flow.function_of(created)) == Holds.FALSE
