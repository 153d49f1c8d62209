"""ECS's cluster query language (the `memberOf` expression) translated into node selector terms.

https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-query-language.html
Attributes with a well-known node label translate; anything else is refused with the expression
quoted, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

HOSTNAME = "kubernetes.io/hostname"
ZONE = "topology.kubernetes.io/zone"

# ECS built-in attributes that have a well-known Kubernetes node label. Others (ecs.ami-id, ecs.vpc-id,
# ecs.subnet-id, ecs.os-family, ecs.capability.*) have none, and are rejected rather than guessed.
ECS_ATTRIBUTE_LABELS = {
    "ecs.availability-zone": ZONE,
    "ecs.instance-type": "node.kubernetes.io/instance-type",
    "ecs.cpu-architecture": "kubernetes.io/arch",
    "ecs.os-type": "kubernetes.io/os",
}
# ECS reports x86_64 and arm64; Kubernetes calls them amd64 and arm64.
_ARCH_VALUES = {"x86_64": "amd64"}

MAX_NODE_SELECTOR_TERMS = 64  # `or` expands multiplicatively under `and`; keep the pod spec readable

_LABEL_NAME = r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?"
_LABEL_KEY = re.compile(
    rf"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?{_LABEL_NAME}$"
)
_LABEL_VALUE = re.compile(rf"^({_LABEL_NAME})?$")


class PlacementError(ValueError):
    """ECS placement settings that cannot become a valid pod spec."""


class PlacementExpressionError(PlacementError):
    """A `memberOf` expression with no Kubernetes equivalent; the message quotes the expression."""

    def __init__(self, expression: str, reason: str) -> None:
        super().__init__(f'cannot translate memberOf expression "{expression}": {reason}')
        self.expression = expression
        self.reason = reason


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<quoted>'[^']*'|"[^"]*")
      | (?P<symbol>==|!=|=~|!~|>=|<=|&&|\|\||[<>()\[\],!])
      | (?P<word>[^\s()\[\],!=<>~&|'"]+)
    )""",
    re.VERBOSE,
)
_REGEX_OPERATORS = {"=~", "!~", "matches", "not_matches"}
_ORDER_OPERATORS = {
    ">",
    ">=",
    "<",
    "<=",
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
}
_NEGATED = {"In": "NotIn", "NotIn": "In", "Exists": "DoesNotExist", "DoesNotExist": "Exists"}
_SUBJECTS_WITHOUT_NODE_LABEL = {
    "agentconnected": "the ECS agent's connection",
    "agentversion": "the ECS agent's version",
    "ec2instanceid": "EC2 instance ids (use a node label as a custom attribute)",
    "registeredat": "registration time",
    "runningtaskscount": "running task counts",
    "task:group": "task groups",
}


@dataclass(frozen=True)
class _Match:
    key: str
    operator: str  # a NodeSelectorRequirement operator: In, NotIn, Exists, DoesNotExist
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Not:
    operand: _Node


@dataclass(frozen=True)
class _All:
    operands: tuple[_Node, ...]


@dataclass(frozen=True)
class _Any:
    operands: tuple[_Node, ...]


_Node = _Match | _Not | _All | _Any


@dataclass
class _Token:
    kind: str  # quoted | symbol | word
    text: str

    def is_keyword(self, *words: str) -> bool:
        return self.kind in ("symbol", "word") and self.text.lower() in words


def _tokens(expression: str) -> list[_Token]:
    tokens, position = [], 0
    while position < len(expression):
        if not expression[position:].strip():
            break
        found = _TOKEN.match(expression, position)
        if found is None or found.end() == position:
            raise PlacementExpressionError(
                expression, f"unexpected text at {expression[position:].strip()!r}"
            )
        kind = found.lastgroup or "word"
        tokens.append(_Token(kind, found.group(kind)))
        position = found.end()
    return tokens


def attribute_label(attribute: str, expression: str) -> str:
    """The node label key for an ECS attribute name (`ecs.availability-zone` or a custom attribute)."""
    if attribute in ECS_ATTRIBUTE_LABELS:
        return ECS_ATTRIBUTE_LABELS[attribute]
    if attribute.startswith("ecs.") or attribute.startswith("com.amazonaws.ecs."):
        raise PlacementExpressionError(
            expression, f"the ECS attribute {attribute} has no Kubernetes node label"
        )
    if not _LABEL_KEY.match(attribute):
        raise PlacementExpressionError(expression, f"attribute {attribute} is not a valid node label key")
    return attribute


class _Parser:
    """Recursive descent over `or` < `and` < `not` < comparison, as the cluster query language nests."""

    def __init__(self, expression: str) -> None:
        self.expression = expression
        self.tokens = _tokens(expression)
        self.position = 0

    def fail(self, reason: str) -> PlacementExpressionError:
        return PlacementExpressionError(self.expression, reason)

    def peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise self.fail("it ends too early")
        self.position += 1
        return token

    def expect(self, symbol: str) -> None:
        token = self.take()
        if token.text != symbol:
            raise self.fail(f"expected {symbol!r}, got {token.text!r}")

    def parse(self) -> _Node:
        if not self.tokens:
            raise self.fail("it is empty")
        node = self.any_of()
        if self.peek() is not None:
            raise self.fail(f"unexpected {self.take().text!r}")
        return node

    def any_of(self) -> _Node:
        operands = [self.all_of()]
        while (token := self.peek()) is not None and token.is_keyword("or", "||"):
            self.take()
            operands.append(self.all_of())
        return operands[0] if len(operands) == 1 else _Any(tuple(operands))

    def all_of(self) -> _Node:
        operands = [self.unary()]
        while (token := self.peek()) is not None and token.is_keyword("and", "&&"):
            self.take()
            operands.append(self.unary())
        return operands[0] if len(operands) == 1 else _All(tuple(operands))

    def unary(self) -> _Node:
        token = self.peek()
        if token is not None and token.is_keyword("not", "!"):
            self.take()
            return _Not(self.unary())
        if token is not None and token.text == "(" and token.kind == "symbol":
            self.take()
            node = self.any_of()
            self.expect(")")
            return node
        return self.comparison()

    def comparison(self) -> _Node:
        subject = self.take()
        if subject.kind != "word":
            raise self.fail(
                f"expected a subject such as attribute:ecs.availability-zone, got {subject.text!r}"
            )
        key = self.subject_label(subject.text)
        operator = self.take()
        word = operator.text.lower()
        if word == "!":
            following = self.take()
            word = "!" + following.text.lower()
        if word in _REGEX_OPERATORS:
            raise self.fail(f"regular expression matching ({operator.text}) has no Kubernetes equivalent")
        if word in _ORDER_OPERATORS:
            raise self.fail(
                f"ordering comparison ({operator.text}) has no Kubernetes node-affinity equivalent"
            )
        if word in ("==", "equals"):
            return _Match(key, "In", (self.value(key),))
        if word in ("!=", "not_equals"):
            return _Match(key, "NotIn", (self.value(key),))
        if word == "exists":
            return _Match(key, "Exists")
        if word in ("!exists", "not_exists"):
            return _Match(key, "DoesNotExist")
        if word == "in":
            return _Match(key, "In", self.values(key))
        if word in ("!in", "not_in"):
            return _Match(key, "NotIn", self.values(key))
        raise self.fail(f"unknown operator {operator.text!r}")

    def subject_label(self, subject: str) -> str:
        if subject.lower() in _SUBJECTS_WITHOUT_NODE_LABEL:
            what = _SUBJECTS_WITHOUT_NODE_LABEL[subject.lower()]
            raise self.fail(f"{subject} selects by {what}, which Kubernetes nodes do not carry")
        if not subject.startswith("attribute:"):
            raise self.fail(f"unknown subject {subject!r}")
        return attribute_label(subject.removeprefix("attribute:"), self.expression)

    def value(self, key: str) -> str:
        token = self.take()
        if token.kind == "symbol":
            raise self.fail(f"expected a value, got {token.text!r}")
        text = token.text[1:-1] if token.kind == "quoted" else token.text
        if key == ECS_ATTRIBUTE_LABELS["ecs.cpu-architecture"]:
            text = _ARCH_VALUES.get(text, text)
        if key == ECS_ATTRIBUTE_LABELS["ecs.os-type"]:
            text = text.lower()
        if not _LABEL_VALUE.match(text):
            raise self.fail(f"{text!r} is not a valid node label value")
        return text

    def values(self, key: str) -> tuple[str, ...]:
        # ECS writes argument lists as [a, b]; (a, b) is accepted too.
        opening = self.peek()
        if opening is None or opening.text not in ("[", "(") or opening.kind != "symbol":
            return (self.value(key),)
        closing = "]" if self.take().text == "[" else ")"
        found = [self.value(key)]
        while (token := self.take()).text == ",":
            found.append(self.value(key))
        if token.text != closing:
            raise self.fail(f"expected {closing!r} to end the list, got {token.text!r}")
        return tuple(found)


def _terms(node: _Node, negated: bool, expression: str) -> list[list[_Match]]:
    """Disjunctive normal form: a list of terms (ORed), each a list of matches (ANDed)."""
    if isinstance(node, _Match):
        return [[_Match(node.key, _NEGATED[node.operator], node.values) if negated else node]]
    if isinstance(node, _Not):
        return _terms(node.operand, not negated, expression)
    children = [_terms(operand, negated, expression) for operand in node.operands]
    # De Morgan: a negated `and` is an `or` of the negations, and the other way round.
    conjunction = isinstance(node, _All) != negated
    if not conjunction:
        return [term for child in children for term in child]
    combined: list[list[_Match]] = [[]]
    for child in children:
        combined = [left + right for left, right in product(combined, child)]
        if len(combined) > MAX_NODE_SELECTOR_TERMS:
            raise PlacementExpressionError(
                expression, f"it expands to more than {MAX_NODE_SELECTOR_TERMS} node selector terms"
            )
    return combined


def _requirement(match: _Match) -> dict[str, Any]:
    requirement: dict[str, Any] = {"key": match.key, "operator": match.operator}
    if match.values:
        requirement["values"] = list(dict.fromkeys(match.values))
    return requirement


def node_selector_terms(expression: str) -> list[dict[str, Any]]:
    """Translate a cluster query language expression into required nodeSelectorTerms.

    `or` becomes several terms, `and` several matchExpressions in one term; `not` is pushed down by
    De Morgan (== <-> !=, in <-> not_in, exists <-> not_exists). Raises PlacementExpressionError,
    quoting the expression, for anything without a Kubernetes equivalent.
    """
    tree = _Parser(expression).parse()
    terms: list[dict[str, Any]] = []
    for term in _terms(tree, False, expression):
        requirements = list(unique(_requirement(match) for match in term))
        if requirements not in (existing["matchExpressions"] for existing in terms):
            terms.append({"matchExpressions": requirements})
    return terms


def unique(items: Iterator[Any] | Sequence[Any]) -> Iterator[Any]:
    seen: list[Any] = []
    for item in items:
        if item not in seen:
            seen.append(item)
            yield item
