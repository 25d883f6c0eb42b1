"""What a Python program binds and holds, for checking that a rewrite kept its meaning."""

from __future__ import annotations

import ast
import builtins
import symtable
from collections import Counter


def unbound_names(source: str) -> set[str]:
    """Names a program reads that neither its module nor a builtin binds, nor a local scope of their own."""
    top = symtable.symtable(source, "program.py", "exec")
    module_bound = set(dir(builtins))
    read: set[str] = set()
    tables = [top]
    while tables:
        table = tables.pop()
        tables.extend(table.get_children())
        for symbol in table.get_symbols():
            binds = symbol.is_assigned() or symbol.is_imported() or symbol.is_namespace()
            if binds and (table is top or symbol.is_declared_global()):
                module_bound.add(symbol.get_name())
            if symbol.is_referenced() and (table is top or symbol.is_global()):
                read.add(symbol.get_name())
    return read - module_bound


def literals(source: str) -> Counter:
    """Every str and bytes constant of a program, with how often it occurs."""
    return Counter(
        (type(node.value).__name__, node.value)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))
    )
