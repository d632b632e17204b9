"""``{% rowloop %}``: a ``{% for %}`` for long lists of flat rows, rendered in one pass.

Django renders a template variable in a few microseconds: the lookup, localisation and
escaping per ``{{ }}``. A page with 50 rows of six cells spends a millisecond on that
alone, where the same rows written as Python strings cost a few hundredths of one (the
case list, issue #12: its markup moved from the view into its template and must not get
slower). ``rowloop`` keeps the markup in the template and writes the rows at the speed
of Python strings:

    {% rowloop row in rows %}<tr><td>{{ row.number }}</td></tr>{% empty %}…{% endrowloop %}

The body is rendered once per loop with a marker in place of every ``{{ row.key }}``; the
result is cut at the markers, and each row is the pieces joined with its values escaped
as autoescaping would (a plain ``str`` with ``html.escape``; anything else, a missing key,
a row that is not a dict or a template without autoescaping through Django's own
``VariableNode``, so the output is the same as ``{% for %}``'s).

What the body may hold is checked when the template is compiled: text, ``{{ row.key }}``
without filters, and variables that do not involve the row or ``forloop`` (rendered once,
as they are the same for every row). A tag (``{% if %}``, ``{% url %}``, …) or a filter
on a row value raises ``TemplateSyntaxError``: use ``{% for %}`` for those rows.
"""

from __future__ import annotations

import html
import re

from django import template
from django.template.base import (
    FilterExpression,
    Node,
    NodeList,
    Parser,
    TextNode,
    Token,
    Variable,
    VariableNode,
)
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

MARK = "\x00"  # never in template text; html.escape and autoescaping keep it
# The characters html.escape replaces: a value without any is written as it is.
_NEEDS_ESCAPE = re.compile("[&<>\"']").search


def _nothing(key: str) -> None:
    """The value of every key of a row that is not a dict (rendered by Django)."""
    return None


def _row_key(expression: FilterExpression, loopvar: str) -> str | None:
    """``key`` for ``{{ loopvar.key }}``; None for a variable that does not use the row."""
    var = expression.var
    lookups = var.lookups if isinstance(var, Variable) else None
    if not lookups or lookups[0] not in (loopvar, "forloop"):
        return None
    if lookups[0] == "forloop" or len(lookups) != 2 or expression.filters:
        raise template.TemplateSyntaxError(
            f"rowloop: only {{{{ {loopvar}.key }}}} without filters may use the row, "
            f"not {{{{ {expression.token} }}}}"
        )
    return lookups[1]


class RowLoopNode(Node):
    child_nodelists = ("nodelist_loop", "nodelist_empty")

    def __init__(
        self,
        loopvar: str,
        sequence: FilterExpression,
        nodelist_loop: NodeList,
        nodelist_empty: NodeList,
    ) -> None:
        self.loopvar = loopvar
        self.sequence = sequence
        self.nodelist_loop = nodelist_loop
        self.nodelist_empty = nodelist_empty
        self.cells: dict[str, VariableNode] = {}  # key → a node that renders it
        self.uses = 0  # how often the body uses a row value
        for node in nodelist_loop:
            if isinstance(node, TextNode):
                if MARK in node.s:
                    raise template.TemplateSyntaxError("rowloop: a NUL character in the body")
                continue
            if not isinstance(node, VariableNode):
                raise template.TemplateSyntaxError(
                    f"rowloop: only text and {{{{ variables }}}} in the body, not {node!r}; "
                    "use {% for %} for these rows"
                )
            key = _row_key(node.filter_expression, loopvar)
            if key is not None:
                self.cells.setdefault(key, node)
                self.uses += 1

    def __repr__(self) -> str:
        return f"<RowLoopNode: {self.loopvar} in {self.sequence}>"

    def _pattern(self, context: Context) -> tuple[list[str], list[str]] | None:
        """The body's text pieces and the keys between them; None if a value that is
        the same for every row happened to hold the marker."""
        with context.push():
            context[self.loopvar] = {key: f"{MARK}{key}{MARK}" for key in self.cells}
            pieces = self.nodelist_loop.render(context).split(MARK)
        keys = pieces[1::2]
        if len(keys) != self.uses or any(key not in self.cells for key in keys):
            return None
        return pieces[0::2], keys

    def render(self, context: Context) -> SafeString:
        rows = list(self.sequence.resolve(context, ignore_failures=True) or [])
        if not rows:
            return mark_safe(self.nodelist_empty.render(context))  # noqa: S308 (rendered by the template engine)
        out: list[str] = []
        pattern = self._pattern(context) if context.autoescape else None
        with context.push():
            if pattern is None:  # the plain way, as {% for %}
                for row in rows:
                    context[self.loopvar] = row
                    out.append(self.nodelist_loop.render(context))
                return mark_safe("".join(out))  # noqa: S308 (rendered by the template engine)
            texts, keys = pattern
            # The body as a format string: the template's text with a field per value.
            shape = "{}".join(text.replace("{", "{{").replace("}", "}}") for text in texts)
            needs_escape = _NEEDS_ESCAPE

            def cell(value: object, key: str, row: object) -> str:
                if type(value) is str:  # what autoescaping does to a str
                    return html.escape(value)
                context[self.loopvar] = row  # anything else as Django renders it
                return self.cells[key].render(context)

            for row in rows:
                get = row.get if type(row) is dict else _nothing
                out.append(
                    shape.format(
                        *[
                            value
                            if type(value := get(key)) is str and not needs_escape(value)
                            else cell(value, key, row)
                            for key in keys
                        ]
                    )
                )
        return mark_safe("".join(out))  # noqa: S308 (text of the template, values escaped above)


@register.tag
def rowloop(parser: Parser, token: Token) -> RowLoopNode:
    """``{% rowloop row in rows %}…[{% empty %}…]{% endrowloop %}``."""
    bits = token.split_contents()
    if len(bits) != 4 or bits[2] != "in":
        raise template.TemplateSyntaxError("rowloop: use {% rowloop row in rows %}")
    loopvar, sequence = bits[1], parser.compile_filter(bits[3])
    nodelist_loop = parser.parse(("empty", "endrowloop"))
    token = parser.next_token()
    if token.contents == "empty":
        nodelist_empty = parser.parse(("endrowloop",))
        parser.delete_first_token()
    else:
        nodelist_empty = NodeList()
    return RowLoopNode(loopvar, sequence, nodelist_loop, nodelist_empty)
