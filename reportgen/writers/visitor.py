"""The one way writers walk the model: dispatch by node class.

A writer subclasses :class:`Visitor` and defines ``visit_<snake_name>`` for
each node it renders (``visit_heading`` for :class:`model.Heading`,
``visit_bullet_list`` for :class:`model.BulletList`, ``visit_line_break`` for
:class:`model.LineBreak` ...). A node it has no method for is an explicit
failure naming the writer and the node type, never a silently dropped node:
a node added to the model fails every writer's tests until each renders it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, ClassVar

from reportgen.errors import WriterError


def method_name(node_class: type) -> str:
    """``visit_`` and the class name in snake case: BulletList -> visit_bullet_list."""
    return _method_name(node_class.__name__)


@cache
def _method_name(class_name: str) -> str:
    return "visit_" + re.sub(r"(?<!^)(?=[A-Z])", "_", class_name).lower()


class Visitor:
    """Dispatches :meth:`visit` to the ``visit_<snake_name>`` method of the node's class."""

    writer: ClassVar[str] = "writer"  # named in the error for a node it does not handle

    def visit(self, node: object, *args: Any, **kwargs: Any) -> Any:
        method = getattr(self, method_name(type(node)), None)
        if method is None:
            raise WriterError(f"{self.writer} writer: cannot render a {type(node).__name__} node "
                              f"(no {method_name(type(node))} method)")
        return method(node, *args, **kwargs)
