"""Our condition expressions written as, and read from, the XPath subset XLSForm uses.

``{"op": "eq", "q": "A1", "value": "yes"}`` ↔ ``${A1} = 'yes'``. Reading accepts
``and``, ``or``, ``not()``, ``selected()``, the comparisons, ``+`` and literals;
anything else is an ``XPathError`` that says what cannot be represented.
Within a constraint, ``.`` is the question itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pollwatch.forms.conditions import Expression

OPERATORS = {"eq": "=", "ne": "!=", "gt": ">", "ge": ">=", "lt": "<", "le": "<="}
OPS_BY_SYMBOL = {symbol: op for op, symbol in OPERATORS.items()}
TOKEN = re.compile(
    r"""\s*(?:
    (?P<ref>\$\{[^}]*\})
    |(?P<str>'[^']*'|"[^"]*")
    |(?P<num>\d+(?:\.\d+)?|\.\d+)
    |(?P<cmp>!=|>=|<=|=|>|<)
    |(?P<name>[A-Za-z_][A-Za-z0-9_:-]*)
    |(?P<punct>[()+,.-])
    )""",
    re.VERBOSE,
)

Node = tuple[Any, ...]


class XPathError(ValueError):
    """An XPath expression outside the subset pollwatch represents."""


# Writing -------------------------------------------------------------------------------


def to_xpath(expr: Mapping[str, Any]) -> str:
    op = expr["op"]
    if op in ("and", "or"):
        return f" {op} ".join(_grouped(arg) for arg in expr["args"])
    if op == "not":
        return f"not({to_xpath(expr['arg'])})"
    if op == "answered":
        return f"${{{expr['q']}}} != ''"
    if op == "selected":
        return f"selected(${{{expr['q']}}}, {literal(expr['value'])})"
    if op == "in":
        parts = [f"selected(${{{expr['q']}}}, {literal(value)})" for value in expr["values"]]
        return parts[0] if len(parts) == 1 else "(" + " or ".join(parts) + ")"
    if "q" in expr:
        text = f"${{{expr['q']}}} {OPERATORS[op]} {literal(expr['value'])}"
    else:
        text = f"{term_to_xpath(expr['left'])} {OPERATORS[op]} {term_to_xpath(expr['right'])}"
    if not _true_when_unanswered(expr):
        return text
    guards = "".join(f" and ${{{code}}} != ''" for code in _questions_compared(expr))
    return f"({text}{guards})"


# On a device an unanswered question is the empty string, and XPath compares it
# like any other value: ``${A} != 'yes'`` holds when A is unanswered, and so does
# ``${A} = ${B}`` when neither is. A comparison with a missing answer is false in
# pollwatch's conditions, so such comparisons are written with the questions
# they compare required to be answered, and read back as one comparison.


def _true_when_unanswered(expr: Mapping[str, Any]) -> bool:
    """Whether a device could find ``expr`` true with a question it compares unanswered."""
    if expr["op"] == "ne":
        return True
    if expr["op"] != "eq":
        return False
    if "q" in expr:
        return expr["value"] == ""
    return all(set(term) == {"q"} for term in (expr["left"], expr["right"])) or "" in (
        expr["left"].get("value"),
        expr["right"].get("value"),
    )


def _questions_compared(expr: Mapping[str, Any]) -> list[str]:
    if "q" in expr:
        return [expr["q"]]
    codes = [*_term_questions(expr["left"]), *_term_questions(expr["right"])]
    return list(dict.fromkeys(codes))


def _term_questions(term: Mapping[str, Any]) -> list[str]:
    if term.get("op") == "sum":
        return [code for arg in term["args"] for code in _term_questions(arg)]
    return [term["q"]] if "q" in term else []


def _grouped(expr: Mapping[str, Any]) -> str:
    text = to_xpath(expr)
    return f"({text})" if expr["op"] in ("and", "or") else text


def term_to_xpath(term: Mapping[str, Any]) -> str:
    if term.get("op") == "sum":
        if len(term["args"]) < 2:
            raise XPathError("a sum needs at least two terms to be written in XLSForm")
        return " + ".join(term_to_xpath(arg) for arg in term["args"])
    if "q" in term:
        return f"${{{term['q']}}}"
    return literal(term["value"])


def literal(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise XPathError(f"{value!r} cannot be written as an XPath literal")
    if not isinstance(value, str):
        return repr(value)
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise XPathError(f"{value!r} holds both kinds of quote")


# Reading -------------------------------------------------------------------------------


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise XPathError(f"cannot read {text[position:].strip()[:20]!r}")
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.position = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            expected = f"{value!r}" if value else "more"
            raise XPathError(f"expected {expected} but the expression ends or differs")
        self.position += 1
        return token

    def at(self, value: str) -> bool:
        token = self.peek()
        return token is not None and token[1] == value and token[0] in ("name", "punct", "cmp")

    def parse(self) -> Node:
        node = self.chain("or", self.chain_and)
        if self.peek() is not None:
            raise XPathError(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        return node

    def chain(self, word: str, parse_part: Any) -> Node:
        parts = [parse_part()]
        while self.at(word):
            self.take()
            parts.append(parse_part())
        return parts[0] if len(parts) == 1 else (word, parts)

    def chain_and(self) -> Node:
        return self.chain("and", self.comparison)

    def comparison(self) -> Node:
        left = self.addition()
        token = self.peek()
        if token is not None and token[0] == "cmp":
            self.take()
            return ("cmp", OPS_BY_SYMBOL[token[1]], left, self.addition())
        return left

    def addition(self) -> Node:
        parts = [self.unary()]
        while self.at("+"):
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else ("sum", parts)

    def unary(self) -> Node:
        if self.at("-"):
            self.take()
            kind, text = self.take()
            if kind != "num":
                raise XPathError("a minus sign is only understood before a number")
            return ("num", -_number(text))
        return self.primary()

    def primary(self) -> Node:
        kind, text = self.take()
        if kind == "ref":
            return ("ref", text[2:-1].strip())
        if kind == "str":
            return ("str", text[1:-1])
        if kind == "num":
            return ("num", _number(text))
        if text == ".":
            return ("self",)
        if text == "(":
            inner = self.chain("or", self.chain_and)
            self.take(")")
            return ("paren", inner)
        if kind == "name" and self.at("("):
            return self.call(text)
        raise XPathError(f"{text!r} is not understood here")

    def call(self, name: str) -> Node:
        self.take("(")
        args = []
        if not self.at(")"):
            args.append(self.chain("or", self.chain_and))
            while self.at(","):
                self.take()
                args.append(self.chain("or", self.chain_and))
        self.take(")")
        return ("call", name, args)


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def parse_xpath(text: str) -> Node:
    """The syntax tree of an XPath expression of the subset (``XPathError`` otherwise)."""
    if not text.strip():
        raise XPathError("the expression is empty")
    return _Parser(text).parse()


def conjuncts(node: Node) -> list[Node]:
    """The parts of a top-level ``a and b and c`` (parenthesised groups stay whole)."""
    return list(node[1]) if node[0] == "and" else [node]


def to_expression(node: Node, self_code: str | None = None) -> Expression:
    """Our boolean expression for an XPath syntax tree."""
    kind = node[0]
    if kind == "paren":
        guarded = _guarded_comparison(node[1], self_code)
        return guarded if guarded is not None else to_expression(node[1], self_code)
    if kind in ("and", "or"):
        args = [to_expression(part, self_code) for part in node[1]]
        return _as_in(args) if kind == "or" else {"op": "and", "args": args}
    if kind == "cmp":
        return _as_on_devices(_comparison(node, self_code))
    if kind == "call":
        return _call(node, self_code)
    raise XPathError("a value stands where a condition is expected")


def _guarded_comparison(node: Node, self_code: str | None) -> Expression | None:
    """``(X != Y and ${X} != '' and ${Y} != '')``, as written above, is X ne Y."""
    if node[0] != "and" or node[1][0][0] != "cmp":
        return None
    comparison = _comparison(node[1][0], self_code)
    if not _true_when_unanswered(comparison) or comparison["op"] == "answered":
        return None
    guards = [_comparison(part, self_code) if part[0] == "cmp" else {} for part in node[1][1:]]
    answered = [guard.get("q") for guard in guards if guard.get("op") == "answered"]
    if len(answered) != len(guards) or answered != _questions_compared(comparison):
        return None
    return comparison


def _as_on_devices(comparison: Expression) -> Expression:
    """A comparison read from a form, with the meaning it has on devices, where an
    unanswered question is the empty string (see ``_true_when_unanswered``)."""
    if not _true_when_unanswered(comparison) or comparison["op"] == "answered":
        return comparison
    unanswered: dict[str, Expression] = {
        code: {"op": "not", "arg": {"op": "answered", "q": code}}
        for code in _questions_compared(comparison)
    }
    if comparison["op"] == "eq" and comparison.get("value") == "":
        return unanswered[comparison["q"]]
    if comparison["op"] == "eq":
        # Two questions, or a question and '': equal when both are unanswered.
        literal_empty = "" in (comparison["left"].get("value"), comparison["right"].get("value"))
        if literal_empty:
            codes = list(unanswered)
            return (
                unanswered[codes[0]]
                if len(codes) == 1
                else {"op": "and", "args": list(unanswered.values())}
            )
        return {"op": "or", "args": [{"op": "and", "args": list(unanswered.values())}, comparison]}
    if "q" not in comparison and all(
        set(term) == {"q"} for term in (comparison["left"], comparison["right"])
    ):
        # Two questions differ when exactly one is answered, or both are and differ.
        left, right = comparison["left"]["q"], comparison["right"]["q"]
        if left == right:
            return {"op": "and", "args": [{"op": "answered", "q": left}, comparison]}
        one_only = [
            {"op": "and", "args": [unanswered[left], {"op": "answered", "q": right}]},
            {"op": "and", "args": [{"op": "answered", "q": left}, unanswered[right]]},
        ]
        return {"op": "or", "args": [*one_only, comparison]}
    return {"op": "or", "args": [*unanswered.values(), comparison]}


def _as_in(args: list[Expression]) -> Expression:
    """``selected(${q}, 'a') or selected(${q}, 'b')`` is ``in``."""
    selected_one_question = all(arg["op"] == "selected" for arg in args) and (
        len({arg.get("q") for arg in args}) == 1
    )
    if len(args) > 1 and selected_one_question:
        return {"op": "in", "q": args[0]["q"], "values": [arg["value"] for arg in args]}
    return {"op": "or", "args": args}


def _call(node: Node, self_code: str | None) -> Expression:
    _, name, args = node
    if name == "not" and len(args) == 1:
        return {"op": "not", "arg": to_expression(args[0], self_code)}
    if name == "selected" and len(args) == 2:
        question = to_term(args[0], self_code)
        value = to_term(args[1], self_code)
        if "q" in question and "value" in value:
            return {"op": "selected", "q": question["q"], "value": value["value"]}
        raise XPathError("selected() needs a question and a literal choice")
    raise XPathError(f"the function {name}() with {len(args)} argument(s) is not supported")


def _comparison(node: Node, self_code: str | None) -> Expression:
    _, op, left_node, right_node = node
    left, right = to_term(left_node, self_code), to_term(right_node, self_code)
    if op == "ne" and set(left) == {"q"} and right == {"value": ""}:
        return {"op": "answered", "q": left["q"]}
    if set(left) == {"q"} and set(right) == {"value"}:
        return {"op": op, "q": left["q"], "value": right["value"]}
    return {"op": op, "left": left, "right": right}


def to_term(node: Node, self_code: str | None = None) -> Expression:
    kind = node[0]
    if kind == "paren":
        return to_term(node[1], self_code)
    if kind == "ref":
        return {"q": node[1]}
    if kind in ("num", "str"):
        return {"value": node[1]}
    if kind == "sum":
        return {"op": "sum", "args": [to_term(part, self_code) for part in node[1]]}
    if kind == "self":
        if self_code is None:
            raise XPathError("'.' (the question itself) only makes sense in a constraint")
        return {"q": self_code}
    if kind == "call" and node[1] not in ("not", "selected"):
        raise XPathError(f"the function {node[1]}() is not supported")
    raise XPathError("a condition stands where a value is expected")


BOUND_KEYS = {
    ("self", "ge"): "min",
    ("self", "le"): "max",
    ("string-length", "le"): "max_length",
    ("count-selected", "ge"): "min_choices",
    ("count-selected", "le"): "max_choices",
}
BOUND_TYPES = {
    "self": ("integer", "decimal"),
    "string-length": ("text",),
    "count-selected": ("multiple_choice",),
}


def read_bound(node: tuple[Any, ...], question_type: str, bounds: dict[str, Any]) -> bool:
    """Store ``. >= 3``-style bounds in ``bounds``; False when ``node`` is no bound."""
    if node[0] != "cmp" or node[3][0] != "num":
        return False
    _, op, subject, (_, number) = node
    if subject == ("self",):
        kind = "self"
    elif (
        subject[0] == "call"
        and subject[1] in ("string-length", "count-selected")
        and subject[2] == [("self",)]
    ):
        kind = subject[1]
    else:
        return False
    if question_type == "integer" and kind == "self" and op in ("gt", "lt"):
        op, number = ("ge", number + 1) if op == "gt" else ("le", number - 1)
    key = BOUND_KEYS.get((kind, op))
    if key is None or question_type not in BOUND_TYPES[kind] or key in bounds:
        return False
    bounds[key] = number
    return True
