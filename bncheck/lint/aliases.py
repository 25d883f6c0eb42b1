"""Import-alias resolution: turn ``tf.layers.batch_normalization`` or ``bn`` into one canonical name.

Canonical names drop the spelling differences that do not change behaviour:
``tensorflow.compat.v1.`` and ``tensorflow.`` become ``tf.``; contrib layers,
``tf.contrib.slim`` and ``tf_slim`` become ``slim.``; every Keras spelling
(``tf.keras``, ``tf_keras``, ``keras``) becomes ``keras.``.  ``raw`` keeps the
spelling before canonicalisation, which BN010 needs (``compat.v1`` matters there).
"""

from __future__ import annotations

import ast
import builtins
from functools import lru_cache

# applied in order, repeatedly, to a dotted name
_REWRITES: tuple[tuple[str, str], ...] = (
    ("tensorflow._api.v2.compat.v1.", "tf."),
    ("tensorflow.compat.v1.", "tf."),
    ("tensorflow.compat.v2.", "tf."),
    ("tensorflow.python.keras.", "keras."),
    ("tensorflow.keras.", "keras."),
    ("tensorflow.", "tf."),
    ("tf.compat.v1.", "tf."),
    ("tf.compat.v2.", "tf."),
    ("tf.contrib.slim.", "slim."),
    ("tf.contrib.layers.", "slim."),
    ("tf.contrib.framework.", "slim."),
    ("tf.keras.", "keras."),
    ("tf.python.keras.", "keras."),
    ("tf_keras.", "keras."),
    ("keras.src.", "keras."),
    ("tf_slim.layers.", "slim."),
    ("tf_slim.", "slim."),
    ("slim.layers.", "slim."),
    ("slim.python.slim.", "slim."),
    ("tf.layers.normalization.", "tf.layers."),
    ("tf.python.layers.normalization.", "tf.layers."),
    ("tf.python.layers.", "tf.layers."),
    # the modules behind the public names, as old code imported them
    # (`from tensorflow.contrib.layers.python import layers as tf_layers`)
    ("slim.python.layers.", "slim."),
    ("slim.python.ops.", "slim."),
    ("slim.optimizers.", "slim."),
    ("slim.arg_scope.arg_scope.", "slim.arg_scope."),
    ("tf.contrib.keras.", "keras."),
    ("tf.python.ops.nn_impl.", "tf.nn."),
    ("tf.python.ops.nn_ops.", "tf.nn."),
    ("tf.python.ops.nn.", "tf.nn."),
    ("tf.python.training.saver.", "tf.train."),
    ("tf.python.training.training.", "tf.train."),
    ("tf.python.training.", "tf.train."),
    ("keras.layers.normalization.batch_normalization_v1.", "keras.layers."),
    ("keras.layers.normalization.batch_normalization.", "keras.layers."),
    ("keras.layers.normalization_v2.", "keras.layers."),
    ("keras.layers.normalization.", "keras.layers."),
)

_ROOT_REWRITES = {
    "tensorflow": "tf",
    "tensorflow.compat.v1": "tf",
    "tensorflow.compat.v2": "tf",
    "tensorflow.contrib.slim": "slim",
    "tensorflow.contrib.layers": "slim",
    "tensorflow.contrib.framework": "slim",
    "tensorflow.keras": "keras",
    "tensorflow.python.keras": "keras",
    "tf_keras": "keras",
    "tf_slim": "slim",
}

_BUILTINS = frozenset(dir(builtins))

# roots that mark a name as TensorFlow's (or slim's, or Keras's)
TF_ROOTS = ("tf", "slim", "keras")


# the same few thousand names recur in every file of a project
@lru_cache(maxsize=1 << 16)
def canonical(dotted: str) -> str:
    """The canonical spelling of a fully qualified dotted name."""
    if dotted in _ROOT_REWRITES:
        return _ROOT_REWRITES[dotted]
    name = dotted + "."
    changed = True
    while changed:
        changed = False
        for prefix, replacement in _REWRITES:
            if name.startswith(prefix):
                name = replacement + name[len(prefix) :]
                changed = True
    return name[:-1]


def is_tf_name(name: str | None) -> bool:
    """Whether a canonical name belongs to TensorFlow, slim or Keras."""
    return name is not None and name.split(".", 1)[0] in TF_ROOTS


def dotted_text(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of attributes on a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


# what a project module re-exports through `import *` when it imported these names the usual way
_CONVENTIONAL_ALIASES = {"tf": "tensorflow", "slim": "tensorflow.contrib.slim"}


class ImportMap:
    """Local names -> fully qualified names, from imports and simple alias assignments."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        # local name -> (module as written, with leading dots for relative imports; imported name or "")
        self.origins: dict[str, tuple[str, str]] = {}
        # `from module import *`, in order (relative modules keep their dots)
        self.star_modules: list[str] = []
        self._pending_aliases: list[tuple[str, str]] = []

    def add_import(self, node: ast.Import | ast.ImportFrom) -> None:
        """Record the names an ``import`` or ``from ... import`` statement binds."""
        if isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            for alias in node.names:
                if alias.name == "*":
                    self.star_modules.append(module)
                else:
                    self.origins[alias.asname or alias.name] = (module, alias.name)
        else:
            for alias in node.names:
                if alias.asname:
                    self.origins[alias.asname] = (alias.name, "")
                elif "." not in alias.name:
                    self.origins[alias.name] = (alias.name, "")
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self.names[alias.asname] = alias.name
                else:
                    root = alias.name.split(".", 1)[0]
                    self.names.setdefault(root, root)
        elif node.module and not node.level:
            for alias in node.names:
                if alias.name != "*":
                    self.names[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    @property
    def pending_alias_roots(self) -> set[str]:
        """The first names of the dotted values that alias assignments wait on."""
        return {text.partition(".")[0] for _, text in self._pending_aliases}

    def add_alias_candidate(self, local: str, value: ast.AST) -> None:
        """``slim = tf.contrib.slim`` or ``bn = tf.layers.batch_normalization``; resolved in ``finish``."""
        text = dotted_text(value)
        if text is not None and text != local:
            self._pending_aliases.append((local, text))

    def bind_star_names(self, used: set[str], bound: set[str]) -> None:
        """Bind the ``used`` names that nothing in the file binds (``bound``) to its star imports.

        The last ``from m import *`` wins, as at run time (which names a module defines is not
        known here): a TensorFlow module gives the name its qualified spelling
        (``from tensorflow.contrib.layers import *`` makes ``batch_norm`` slim's), a project
        module gives it an origin (``from model import *`` makes ``build`` model's ``build``).
        """
        if not self.star_modules:
            return
        for name in sorted(used - bound - _BUILTINS):
            if name in self.names or name in self.origins:
                continue
            module = self.star_modules[-1]
            if not module.startswith(".") and is_tf_name(canonical(module)):
                self.names[name] = f"{module}.{name}"
            elif name in _CONVENTIONAL_ALIASES:
                # `from hyper_parameters import *` where that module did `import tensorflow as tf`
                self.names[name] = _CONVENTIONAL_ALIASES[name]
            else:
                self.origins[name] = (module, name)

    def finish(self) -> None:
        """Resolve alias assignments (twice, so that chains of two aliases work)."""
        for _ in range(2):
            for local, text in self._pending_aliases:
                root, _, rest = text.partition(".")
                target = self.names.get(root)
                if target is not None and local not in self.names:
                    full = target + ("." + rest if rest else "")
                    if is_tf_name(canonical(full)):
                        self.names[local] = full

    def raw(self, node: ast.AST) -> str | None:
        """The fully qualified name of an expression as spelled by its imports, or None."""
        text = dotted_text(node)
        return None if text is None else self.raw_text(text)

    def raw_text(self, text: str) -> str | None:
        """``raw`` for an expression already spelled out as a dotted name (``tf.layers.dense``)."""
        root, _, rest = text.partition(".")
        target = self.names.get(root)
        if target is None:
            return None
        return target + ("." + rest if rest else "")

    def resolve(self, node: ast.AST) -> str | None:
        """The canonical name of an expression (``tf.layers.batch_normalization``), or None."""
        full = self.raw(node)
        return canonical(full) if full is not None else None

    @property
    def uses_tensorflow(self) -> bool:
        """Whether the file imports TensorFlow, slim or Keras under any name."""
        return any(is_tf_name(canonical(full)) for full in self.names.values())


def bound_names(tree: ast.AST) -> set[str]:
    """Every name the module binds anywhere: assignments, parameters, definitions and imports."""
    bound: set[str] = set()
    stack = [tree]
    pop, push, add = stack.pop, stack.append, bound.add
    name_type, arg_type, alias_type, handler_type = ast.Name, ast.arg, ast.alias, ast.ExceptHandler
    definitions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    leaves = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop, ast.Constant)
    while stack:
        node = pop()
        kind = type(node)
        if kind is name_type:
            if type(node.ctx) is not ast.Load:
                add(node.id)
            continue
        if kind is arg_type:
            add(node.arg)
        elif kind is alias_type:
            if node.name != "*":
                add((node.asname or node.name).split(".", 1)[0])
            continue
        elif kind is handler_type and node.name:
            add(node.name)
        elif isinstance(node, definitions):
            add(node.name)
        for field in node._fields:
            value = getattr(node, field, None)
            if type(value) is list:
                for child in value:
                    if isinstance(child, ast.AST) and not isinstance(child, leaves):
                        push(child)
            elif isinstance(value, ast.AST) and not isinstance(value, leaves):
                push(value)
    return bound
