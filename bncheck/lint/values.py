"""Value flow: what an expression may hold, followed through names, containers, calls and returns.

The rules ask questions such as "does this ``control_dependencies`` list hold the BN
update ops?" or "does this Saver's var_list hold only trainable variables?".  Answering
them by the spelling of a name is wrong in real code (a list *named* ``update_ops`` that
holds the trainable variables); this module answers by what flows into the expression:
assignments (also unpacking, ``for``, ``+=``, ``append``/``extend``), list and tuple
building, comprehensions, ``+``, ``tf.group`` and other ops, returns of the file's
functions and the arguments its call sites pass.  The answer is a ``Holds`` flag set;
``UNKNOWN`` means the value may be anything (a parameter nobody in the file passes, a
call into another module), and the rules treat it as "could be" or "cannot tell" as
precision demands.
"""

from __future__ import annotations

import ast
import enum
import re
import weakref

from bncheck.lint.aliases import dotted_text
from bncheck.lint.context import CallSite, FileContext


class Holds(enum.Flag):
    """What a value may contain."""

    NOTHING = 0
    UPDATES = enum.auto()  # BN moving-statistic update ops (UPDATE_OPS, a layer's `updates`, stat assigns)
    AFTER_UPDATES = enum.auto()  # an op or tensor that runs only after the updates (control deps, group)
    TRAINABLE = enum.auto()  # trainable variables (possibly filtered)
    ALL_VARIABLES = enum.auto()  # global/model variables, the moving statistics among them
    TRAIN_OP = enum.auto()  # an optimizer step (minimize, apply_gradients, create_train_op)
    OTHER = enum.auto()  # a known value with none of the above (a tensor, a literal, global_step)
    PLACEHOLDER = enum.auto()  # a fed tensor (tf.placeholder, placeholder_with_default): a switch
    TRUE = enum.auto()  # the Python constant True
    FALSE = enum.auto()  # the Python constant False
    UNKNOWN = enum.auto()  # may be anything


RUNS_UPDATES = Holds.UPDATES | Holds.AFTER_UPDATES
_MAX_DEPTH = 12  # nested evaluations (expression levels, names, calls) before a value is unknown

_TRAINABLE_CALLS = frozenset(
    {"tf.trainable_variables", "slim.get_trainable_variables", "tf.global_variables_trainable"}
)
_ALL_VARIABLE_CALLS = frozenset(
    {
        "tf.global_variables",
        "tf.all_variables",
        "tf.model_variables",
        "tf.moving_average_variables",
        "tf.local_variables",
        "slim.get_model_variables",
        "slim.get_variables",
        "slim.get_variables_to_restore",
        "slim.get_variables_by_name",
        "slim.get_variables_by_suffix",
        "slim.get_local_variables",
        "tf.train.list_variables",
    }
)
_ALL_VARIABLE_METHODS = frozenset({"variables_to_restore", "global_variables", "get_variables_to_restore"})
_COLLECTIONS = {
    "UPDATE_OPS": Holds.UPDATES,
    "update_ops": Holds.UPDATES,
    "TRAINABLE_VARIABLES": Holds.TRAINABLE,
    "trainable_variables": Holds.TRAINABLE,
    "GLOBAL_VARIABLES": Holds.ALL_VARIABLES,
    "VARIABLES": Holds.ALL_VARIABLES,
    "variables": Holds.ALL_VARIABLES,
    "MODEL_VARIABLES": Holds.ALL_VARIABLES,
    "model_variables": Holds.ALL_VARIABLES,
    "MOVING_AVERAGE_VARIABLES": Holds.ALL_VARIABLES,
    "moving_average_variables": Holds.ALL_VARIABLES,
}
# helpers that build a train op which also runs UPDATE_OPS (unless told otherwise)
_TRAIN_OP_HELPERS = frozenset(
    {
        "slim.learning.create_train_op",
        "tf.contrib.training.create_train_op",
        "slim.create_train_op",
        "slim.optimize_loss",
        "slim.training.create_train_op",
    }
)
_PASS_THROUGH = frozenset({"list", "tuple", "sorted", "set", "reversed", "filter", "zip", "dict", "iter"})
_OPS_KEEP = frozenset({"tf.group", "tf.tuple", "tf.identity", "tf.stop_gradient"})
_WITH_DEPENDENCIES = frozenset({"with_dependencies", "tf.control_flow_ops.with_dependencies"})
_STAT_NAME = re.compile(
    r"mean|variance|moving|pop|avg|average|ema|stat|(?<![a-z])var(?![a-z])", re.IGNORECASE
)
_ASSIGNS = frozenset({"tf.assign", "tf.assign_add", "tf.assign_sub", "tf.state_ops.assign"})
_UPDATE_WORD = re.compile(r"update", re.IGNORECASE)
# attributes of a Keras layer or model that hold its update ops / its variables
_UPDATE_ATTRIBUTES = frozenset({"updates", "get_updates_for"})
_TRAINABLE_ATTRIBUTES = frozenset({"trainable_variables", "trainable_weights"})
_VARIABLE_ATTRIBUTES = frozenset({"variables", "weights", "non_trainable_variables", "non_trainable_weights"})


def _spelled_other_than_called(source: str, name: str) -> bool:
    """Some whole-word spelling of ``name`` (not an attribute) is followed by neither ``(`` nor a
    keyword's ``=``: it may be a read other than a call (comments and strings count too, so the
    answer errs towards True)."""
    size, length = len(name), len(source)
    start = source.find(name)
    while start >= 0:
        end = start + size
        before = source[start - 1] if start else " "
        after = source[end] if end < length else " "
        if not (before.isalnum() or before in "_.") and not (after.isalnum() or after == "_"):
            rest = source[end:end + 80].lstrip()
            if not rest.startswith("(") and not (rest.startswith("=") and not rest.startswith("==")):
                return True
        start = source.find(name, end)
    return False


class ValueFlow:
    """Answers "what may this expression hold" for one file; memoised (one per FileContext)."""

    def __init__(self, context: FileContext) -> None:
        # a proxy, not a reference: the context keeps this object in its cache, and a reference cycle
        # would keep every file's tree alive until the cyclic collector runs (the engine turns it off)
        self.context = weakref.proxy(context)
        self._memo: dict[tuple[int, int], Holds] = {}
        self._active: set[tuple[int, int]] = set()
        self._open_cycles: set[tuple[int, int]] = set()  # evaluations that met themselves, not yet done
        self._call_sites: dict[int, CallSite] | None = None
        self._mutations: dict[str, list[tuple[ast.expr, ast.AST | None]]] | None = None
        self._calls_by_name: dict[str, list[CallSite]] | None = None
        self._scoped_loads: dict[tuple[str, int], list[ast.AST]] | None = None
        self._function_of: dict[int, ast.AST | None] | None = None
        self._added: dict[str, list[tuple[ast.expr, ast.AST | None]]] | None = None
        self._dependencies: dict[tuple[int, int], bool] = {}  # (with expression, function) -> holds updates

    # ---- entry points

    def holds(self, node: ast.AST | None, function: ast.AST | None) -> Holds:
        """What ``node``, evaluated in ``function`` (None: the module), may hold."""
        if node is None:
            return Holds.NOTHING
        return self._eval(node, function, 0)

    def holds_at(self, node: ast.AST) -> Holds:
        """``holds`` for a node of the file's tree, in the function that contains it."""
        return self.holds(node, self.function_of(node))

    def function_of(self, node: ast.AST) -> ast.AST | None:
        """The innermost function definition (not lambda) around ``node``; None at module level."""
        if self._function_of is None:
            self._function_of = {}
        key = id(node)
        if key not in self._function_of:
            parents = self.context.parents
            parent = parents.get(node)
            while parent is not None and not isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
                parent = parents.get(parent)
            self._function_of[key] = parent
        return self._function_of[key]

    def call_site(self, node: ast.Call) -> CallSite | None:
        if self._call_sites is None:
            self._call_sites = {id(call.node): call for call in self.context.calls}
        return self._call_sites.get(id(node))

    def under_dependencies(self, call: CallSite, depth: int = 0) -> bool:
        """The call sits in ``with control_dependencies(X)`` where X may hold update ops."""
        for expr in call.withs:
            key = (id(expr), id(call.function))
            known = self._dependencies.get(key)
            if known is None:
                known = (
                    isinstance(expr, ast.Call)
                    and (dotted_text(expr.func) or "").endswith("control_dependencies")
                    and bool(expr.args)
                    and self.may_hold_updates(expr.args[0], call.function, depth)
                )
                self._dependencies[key] = known
            if known:
                return True
        return False

    def may_hold_updates(self, node: ast.AST, function: ast.AST | None, depth: int = 0) -> bool:
        """The dependency list may hold the update ops: it does, or it cannot be told and its
        spelling says so (a parameter named ``update_ops``)."""
        value = self._eval(node, function, depth)
        if value & RUNS_UPDATES:
            return True
        return bool(value & Holds.UNKNOWN) and _spelled_updates(node) and not self._metric_update(node)

    def _metric_update(self, node: ast.AST) -> bool:
        """``update_tp`` of ``tp, update_tp, reset_tp = lib.metrics.create_reset_metric(...)``: every
        binding of the name unpacks what a metrics helper returns, a streaming metric's update op."""
        if not isinstance(node, ast.Name):
            return False
        bindings = self.context.bindings.get(node.id, ())
        if not bindings or self.context.assignments.get(node.id):
            return False
        return all(
            binding.how == "unpack"
            and isinstance(binding.value, ast.Call)
            and "metric" in (dotted_text(binding.value.func) or "").lower()
            for binding in bindings
        )

    # ---- evaluation

    def _eval(self, node: ast.AST, function: ast.AST | None, depth: int) -> Holds:
        key = (id(node), id(function))
        memo = self._memo.get(key)
        if memo is not None:
            return memo
        if depth > _MAX_DEPTH:
            return Holds.UNKNOWN
        if key in self._active:
            # `names = {v.op.name: v for v in names}`: a value built from itself adds nothing to what its
            # other assignments hold; what is computed until that value is known is not memoized
            self._open_cycles.add(key)
            return Holds.NOTHING
        self._active.add(key)
        outer, self._open_cycles = self._open_cycles, set()
        try:
            value = self._compute(node, function, depth + 1)
        finally:
            self._active.discard(key)
            inner = self._open_cycles
            inner.discard(key)
            self._open_cycles = outer | inner
        if not inner:
            self._memo[key] = value
        return value

    def _compute(self, node: ast.AST, function: ast.AST | None, depth: int) -> Holds:
        kind = type(node)
        if kind is ast.Constant:
            if node.value is True:
                return Holds.TRUE
            if node.value is False:
                return Holds.FALSE
            return Holds.OTHER
        if kind is ast.Name:
            return self._name(node.id, function, depth)
        if kind in (ast.List, ast.Tuple, ast.Set):
            return self._union((element for element in node.elts), function, depth, Holds.OTHER)
        if kind is ast.Starred:
            return self._eval(node.value, function, depth)
        if kind is ast.Dict:
            return self._union((v for v in node.values if v is not None), function, depth, Holds.OTHER)
        if kind is ast.BinOp:
            return self._eval(node.left, function, depth) | self._eval(node.right, function, depth)
        if kind is ast.BoolOp:
            return self._union(node.values, function, depth, Holds.NOTHING)
        if kind is ast.IfExp:
            return self._eval(node.body, function, depth) | self._eval(node.orelse, function, depth)
        if kind is ast.Subscript:
            return self._eval(node.value, function, depth)
        if kind in (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp):
            return self._comprehension(node, function, depth)
        if kind is ast.Attribute:
            return self._attribute(node, function, depth)
        if kind is ast.Call:
            return self._call(node, function, depth)
        if kind in (ast.Compare, ast.UnaryOp, ast.JoinedStr, ast.Lambda):
            return Holds.OTHER
        return Holds.UNKNOWN

    def _union(self, nodes, function, depth, empty: Holds) -> Holds:
        value = Holds.NOTHING
        seen = False
        for element in nodes:
            seen = True
            value |= self._eval(element, function, depth)
        return value if seen else empty

    def _comprehension(self, node: ast.AST, function: ast.AST | None, depth: int) -> Holds:
        # the elements come from the iterated values when the element is (built from) a loop variable
        targets = {n.id for g in node.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)}
        iterated = Holds.NOTHING
        for generator in node.generators:
            iterated |= self._eval(generator.iter, function, depth)
        element = node.value if isinstance(node, ast.DictComp) else node.elt
        names = {n.id for n in ast.walk(element) if isinstance(n, ast.Name)}
        if names & targets:
            return iterated | self._other_parts(element, targets, function, depth)
        return self._eval(element, function, depth)

    def _other_parts(self, element: ast.AST, targets: set[str], function, depth) -> Holds:
        """What an element built from a loop variable adds besides the iterated value (usually nothing)."""
        if isinstance(element, ast.Name) or isinstance(element, (ast.Attribute, ast.Subscript)):
            return Holds.NOTHING
        if isinstance(element, (ast.Tuple, ast.List)):
            value = Holds.NOTHING
            for part in element.elts:
                if not ({n.id for n in ast.walk(part) if isinstance(n, ast.Name)} & targets):
                    value |= self._eval(part, function, depth)
            return value
        return Holds.NOTHING

    def _attribute(self, node: ast.Attribute, function: ast.AST | None, depth: int) -> Holds:
        attr = node.attr
        if attr == "UPDATE_OPS":
            return Holds.OTHER  # the key itself; get_collection() decides
        if attr in _UPDATE_ATTRIBUTES:
            return Holds.UPDATES
        if attr in _TRAINABLE_ATTRIBUTES:
            return Holds.TRAINABLE
        if attr in _VARIABLE_ATTRIBUTES:
            return Holds.ALL_VARIABLES
        text = dotted_text(node)
        if text is not None and text.split(".", 1)[0] in ("self", "cls"):
            values = self.context.values_of(text)
            bound = self.context.bindings.get(text, ())
            if values or bound:
                value = Holds.NOTHING
                for assignment in self.context.assignments.get(text, ()):
                    value |= self._eval(assignment.value, assignment.function, depth)
                for binding in bound:
                    value |= self._binding(binding, depth)
                return value | self._mutated(text, depth)
        return Holds.UNKNOWN

    def _name(self, name: str, function: ast.AST | None, depth: int) -> Holds:
        context = self.context
        scope = function
        while True:
            local = [a for a in context.assignments.get(name, ()) if a.function is scope]
            bound = [b for b in context.bindings.get(name, ()) if b.function is scope]
            if local or bound:
                value = Holds.NOTHING
                for assignment in local:
                    value |= self._eval(assignment.value, scope, depth)
                for binding in bound:
                    value |= self._binding(binding, depth)
                parameter = parameter_of(scope, name) if scope is not None else None
                if parameter is not None:  # a parameter the function reassigns holds what it is passed too
                    value |= self._argument(scope, name, parameter, depth)
                return value | self._mutated(name, depth, scope)
            if scope is None:
                break
            parameter = parameter_of(scope, name)
            if parameter is not None:
                return self._argument(scope, name, parameter, depth)
            scope = context.enclosing.get(scope)
        if name in context.functions or name in context.classes:
            return Holds.OTHER
        return Holds.UNKNOWN

    def _binding(self, binding, depth: int) -> Holds:
        if binding.how == "augment":
            # `x += y`: x's other bindings are added by the lookup itself
            return self._eval(binding.value, binding.function, depth)
        if binding.how == "enter":
            return Holds.OTHER
        # unpacking or iterating: the elements of the value (a tuple return is unpacked per element)
        value = binding.value
        if binding.how == "unpack" and isinstance(value, ast.Call):
            returned = self._returned_elements(value, binding.function, binding.index, depth)
            if returned is not None:
                return returned
        return self._eval(value, binding.function, depth)

    def _mutated(self, name: str, depth: int, scope: ast.AST | None = None) -> Holds:
        """What ``name.append(x)`` / ``name.extend(x)`` / ``name.insert(i, x)`` put into the list, and
        ``name[key] = x`` into the dict."""
        if self._mutations is None:
            self._mutations = {}
            for call in self.context.calls:
                func = call.node.func
                if call.method in ("append", "extend", "insert", "update") and isinstance(
                    func, ast.Attribute
                ):
                    owner = dotted_text(func.value)
                    if owner is not None and call.node.args:
                        self._mutations.setdefault(owner, []).append((call.node.args[-1], call.function))
            for owner, stored in self.context.stores.items():
                self._mutations.setdefault(owner, []).extend(stored)
        value = Holds.NOTHING
        for added, function in self._mutations.get(name, ()):
            if scope is None or function is scope or name.startswith(("self.", "cls.")):
                value |= self._eval(added, function, depth)
        return value

    def _argument(
        self, function: ast.AST, name: str, parameter: tuple[int, ast.expr | None], depth: int
    ) -> Holds:
        """A parameter: what the file's call sites pass (and the default); UNKNOWN if nobody calls it."""
        position, default = parameter
        if isinstance(function, ast.Lambda):
            return Holds.UNKNOWN
        sites = self._calls_of(function)
        if not sites:
            return Holds.UNKNOWN
        value = Holds.NOTHING
        method = _is_method(function)
        for site in sites:
            passed = site.keyword(name)
            if passed is None:
                args = site.node.args
                offset = position - (1 if method and isinstance(site.node.func, ast.Attribute) else 0)
                if any(isinstance(arg, ast.Starred) for arg in args) or site.has_star_kwargs:
                    return Holds.UNKNOWN
                if 0 <= offset < len(args):
                    passed = args[offset]
            if passed is None:
                value |= self._eval(default, function, depth) if default is not None else Holds.UNKNOWN
            else:
                value |= self._eval(passed, site.function, depth)
        return value

    def callers(self, name: str) -> list[CallSite]:
        """The calls of ``name(...)`` and ``self.name(...)`` / ``cls.name(...)`` in the file."""
        if self._calls_by_name is None:
            self._calls_by_name = {}
            for call in self.context.calls:
                func = call.node.func
                if isinstance(func, ast.Name):
                    self._calls_by_name.setdefault(func.id, []).append(call)
                elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                    if func.value.id in ("self", "cls"):
                        self._calls_by_name.setdefault(func.attr, []).append(call)
        return self._calls_by_name.get(name, [])

    def loads_seeing(self, text: str, binding: ast.AST) -> list[ast.AST]:
        """The loads of ``text`` that can read the value bound at ``binding``.

        A plain name bound inside a function is local to it (unless declared ``global``): only
        the loads in that function and the functions nested in it can read it.  Anything else
        (module names, ``self.x``) may be read anywhere in the file.  Looking at every load of
        the file instead made a file of many functions that all bind ``train_op`` quadratic.
        """
        every = self.context.loads.get(text, [])
        function = self.function_of(binding)
        if "." in text or function is None or text in self._globals_of(function):
            return every
        if self._scoped_loads is None:
            self._scoped_loads = {}
            for name, nodes in self.context.loads.items():
                if "." in name:
                    continue
                for node in nodes:
                    enclosing = self.function_of(node)
                    while enclosing is not None:
                        self._scoped_loads.setdefault((name, id(enclosing)), []).append(node)
                        enclosing = self.function_of(enclosing)
        return self._scoped_loads.get((text, id(function)), [])

    def _globals_of(self, function: ast.AST) -> frozenset[str]:
        key = ("globals", id(function))
        names = self.context.cache.get(key)
        if names is None:
            names = self.context.cache[key] = frozenset(
                name for node in ast.walk(function) if isinstance(node, ast.Global) for name in node.names
            )
        return names

    def _calls_of(self, function: ast.AST) -> list[CallSite]:
        name = getattr(function, "name", "")
        sites = self.callers(name)
        # a name defined more than once, or passed around as a value, cannot be followed
        if not sites or len(self.context.functions.get(name, ())) != 1 or self._passed_as_value(name, sites):
            return []
        return sites

    def _passed_as_value(self, name: str, sites: list[CallSite]) -> bool:
        """``name`` is read other than as a callee (``Estimator(model_fn=model_fn)``): unknown callers."""
        called = sum(1 for call in sites if isinstance(call.node.func, ast.Name))
        # every read of the name is spelled in the source: when each spelling is a call, a definition
        # or a keyword, nothing else reads it, and the file's map of reads is not needed
        if not _spelled_other_than_called(self.context.source, name):
            return False
        return len(self.context.loads.get(name, ())) > called

    def _returns(self, function: ast.AST) -> list[ast.expr]:
        key = ("returns", id(function))
        cache = self.context.cache
        if key not in cache:
            values = []
            stack = list(function.body) if not isinstance(function, ast.Lambda) else []
            while stack:
                statement = stack.pop()
                if isinstance(statement, ast.Return) and statement.value is not None:
                    values.append(statement.value)
                elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                    continue
                else:
                    for child in ast.iter_child_nodes(statement):
                        if isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)):
                            stack.append(child)
            if isinstance(function, ast.Lambda):
                values = [function.body]
            cache[key] = values
        return cache[key]

    def _local_function(self, node: ast.Call, function: ast.AST | None) -> ast.AST | None:
        """The definition in this file that a call runs (a plain name or a ``self.method``)."""
        func = node.func
        name = None
        if isinstance(func, ast.Name):
            name = func.id
        elif (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in ("self", "cls")
        ):
            name = func.attr
        if name is None:
            return None
        definitions = self.context.functions.get(name, ())
        if len(definitions) != 1:
            return None
        # a local function shadowed by an assignment is not the definition
        if name in self.context.assignments and isinstance(func, ast.Name):
            return None
        return definitions[0]

    def _returned_elements(self, node: ast.Call, function, index: int, depth: int) -> Holds | None:
        definition = self._local_function(node, function)
        if definition is None:
            return None
        value = Holds.NOTHING
        for returned in self._returns(definition):
            if isinstance(returned, (ast.Tuple, ast.List)) and index < len(returned.elts):
                value |= self._eval(returned.elts[index], definition, depth)
            else:
                value |= self._eval(returned, definition, depth)
        return value

    def _call(self, node: ast.Call, function: ast.AST | None, depth: int) -> Holds:
        context = self.context
        name = context.imports.resolve(node.func)
        func = node.func
        method = (
            func.attr
            if isinstance(func, ast.Attribute)
            else (func.id if isinstance(func, ast.Name) else None)
        )
        site = self.call_site(node)
        after = (
            Holds.AFTER_UPDATES
            if site is not None and self.under_dependencies(site, depth)
            else Holds.NOTHING
        )
        if method in ("get_collection", "get_collection_ref") and node.args:
            return self._collection(node.args[0], depth) | after
        if name in ("tf.placeholder", "tf.placeholder_with_default"):
            return Holds.PLACEHOLDER
        if name in _TRAINABLE_CALLS or (name is None and method == "trainable_variables"):
            return Holds.TRAINABLE
        if name in _ALL_VARIABLE_CALLS or method in _ALL_VARIABLE_METHODS:
            return Holds.ALL_VARIABLES
        if name in _TRAIN_OP_HELPERS or (name or "").endswith(("create_train_op", "optimize_loss")):
            explicit = _keyword(node, "update_ops")
            if explicit is not None and not isinstance(explicit, ast.Constant):
                runs = self._eval(explicit, function, depth) & RUNS_UPDATES
            else:
                runs = (
                    Holds.NOTHING
                    if isinstance(explicit, ast.Constant) and explicit.value is not None
                    else (Holds.AFTER_UPDATES)
                )
            return Holds.TRAIN_OP | runs | after
        if method in ("minimize", "apply_gradients") and isinstance(func, ast.Attribute):
            return Holds.TRAIN_OP | after
        if method in _WITH_DEPENDENCIES or (name or "").endswith("with_dependencies"):
            if len(node.args) >= 2:
                deps = self._eval(node.args[0], function, depth)
                rest = self._eval(node.args[1], function, depth)
                return rest | (Holds.AFTER_UPDATES if deps & RUNS_UPDATES else Holds.NOTHING) | after
            return Holds.UNKNOWN
        if name in _ASSIGNS or (name is None and method in ("assign", "assign_add", "assign_sub")):
            target = (
                node.args[0]
                if name in _ASSIGNS and node.args
                else (func.value if isinstance(func, ast.Attribute) else None)
            )
            if target is not None and _STAT_NAME.search(context.text(target)):
                return Holds.UPDATES
            return Holds.OTHER | after
        if method == "assign_moving_average" or (name or "").endswith("assign_moving_average"):
            return Holds.UPDATES
        if method == "apply" and isinstance(func, ast.Attribute) and node.args:
            owner = dotted_text(func.value) or ""
            if any(
                isinstance(v, ast.Call)
                and (context.imports.resolve(v.func) or "").endswith("ExponentialMovingAverage")
                for v in context.values_of(owner)
            ):
                if _STAT_NAME.search(context.text(node.args[0])):
                    return Holds.UPDATES
                return Holds.OTHER | after
        if name is None and isinstance(func, ast.Name) and func.id in _PASS_THROUGH:
            return self._union(
                list(node.args) + [k.value for k in node.keywords], function, depth, Holds.OTHER
            )
        if name in _OPS_KEEP:
            inputs = self._union(
                list(node.args) + [k.value for k in node.keywords if k.arg != "name"],
                function,
                depth,
                Holds.NOTHING,
            )
            return (inputs | after) if inputs else (Holds.OTHER | after)
        if name is not None and name.split(".", 1)[0] in ("tf", "slim", "keras"):
            # a TensorFlow op: it depends on its inputs, so it runs after the updates when they do
            inputs = self._union(
                list(node.args) + [k.value for k in node.keywords], function, depth, Holds.NOTHING
            )
            return Holds.OTHER | after | (Holds.AFTER_UPDATES if inputs & RUNS_UPDATES else Holds.NOTHING)
        definition = self._local_function(node, function)
        if definition is not None:
            value = Holds.NOTHING
            for returned in self._returns(definition):
                value |= self._eval(returned, definition, depth)
            if not self._returns(definition):
                value = Holds.OTHER
            return value | after
        return Holds.UNKNOWN | after

    def _collection(self, key: ast.AST, depth: int = 0) -> Holds:
        text = collection_key(key)
        if text is None:
            return Holds.UNKNOWN
        known = _COLLECTIONS.get(text)
        added = self.added_to_collection(text)
        value = Holds.NOTHING
        for node, function in added:
            value |= self._eval(node, function, depth)
        if known is not None:
            return known | value
        # a collection of the program's own holds what the file adds to it; if it adds nothing
        # here, another module does, and it may hold anything (`add_to_collection('bn', moving_mean)`)
        return value if added else Holds.UNKNOWN

    def added_to_collection(self, key: str) -> list[tuple[ast.expr, ast.AST | None]]:
        """The values the file adds to the collection ``key`` (``tf.add_to_collection(key, value)``)."""
        if self._added is None:
            self._added = {}
            for call in self.context.calls:
                if call.method in ("add_to_collection", "add_to_collections") and len(call.node.args) >= 2:
                    keys = call.node.args[0]
                    for element in keys.elts if isinstance(keys, (ast.List, ast.Tuple)) else [keys]:
                        text = collection_key(element)
                        if text is not None:
                            self._added.setdefault(text, []).append((call.node.args[1], call.function))
        return self._added.get(key, [])

    def collection_reads(self, key: str) -> list[ast.Call]:
        """The ``get_collection(key)`` calls of the file."""
        return [
            call.node
            for call in self.context.calls
            if call.method in ("get_collection", "get_collection_ref")
            and call.node.args
            and collection_key(call.node.args[0]) == key
        ]


def collection_key(key: ast.AST) -> str | None:
    """``UPDATE_OPS`` for ``tf.GraphKeys.UPDATE_OPS``, the string for ``'train_op'``; else None."""
    if isinstance(key, ast.Attribute):
        return key.attr
    if isinstance(key, ast.Name):
        return key.id
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return key.value
    return None


def _keyword(node: ast.Call, name: str) -> ast.expr | None:
    for keyword in node.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def parameter_of(function: ast.AST, name: str) -> tuple[int, ast.expr | None] | None:
    """(position, default) of parameter ``name`` of ``function``, or None."""
    args = function.args
    positional = list(args.posonlyargs) + list(args.args)
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for position, (arg, default) in enumerate(zip(positional, defaults)):
        if arg.arg == name:
            return position, default
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        if arg.arg == name:
            return -1, default
    if (args.vararg and args.vararg.arg == name) or (args.kwarg and args.kwarg.arg == name):
        return -1, None
    return None


def _is_method(function: ast.AST) -> bool:
    args = getattr(function, "args", None)
    return bool(args and args.args and args.args[0].arg in ("self", "cls"))


def _spelled_updates(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and _UPDATE_WORD.search(sub.id):
            return True
        if isinstance(sub, ast.Attribute) and _UPDATE_WORD.search(sub.attr):
            return True
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and _UPDATE_WORD.search(sub.value):
            return True
    return False


def value_flow(context: FileContext) -> ValueFlow:
    """The file's value flow (one per file)."""
    flow = context.cache.get("value_flow")
    if flow is None:
        flow = context.cache["value_flow"] = ValueFlow(context)
    return flow
