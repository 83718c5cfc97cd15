"""OData query options as Graph's directory APIs support them (research/graph-entra.md §3.6).

``$filter`` is parsed by odata-query and compiled here into a predicate over the sandbox's
objects. Graph needs "advanced query" mode (``ConsistencyLevel: eventual`` plus ``$count=true``)
for ``ne``, ``not`` and ``endswith``; without it those are refused, as Graph refuses them.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from odata_query import ast
from odata_query.exceptions import ODataException
from odata_query.grammar import ODataLexer, ODataParser

from sandbox.graph import errors

T = TypeVar("T")
Predicate = Callable[[T], bool]

MAX_PAGE = 999
DEFAULT_PAGE = 100

_BASIC_OPS = frozenset({"eq", "in", "startswith"})


@dataclass(frozen=True)
class Prop(Generic[T]):
    """A filterable property: how to read it and which operators Graph allows on it."""

    getter: Callable[[T], Any]
    ops: frozenset[str] = frozenset({"eq", "ne", "in", "not"})


@dataclass(frozen=True)
class CollectionProp(Generic[T]):
    """A filterable collection (``any`` lambdas): its items and their filterable members."""

    items: Callable[[T], Iterable[Mapping[str, Any]]]
    members: frozenset[str]


@dataclass(frozen=True)
class Schema(Generic[T]):
    """What ``$filter`` may say about one entity type."""

    entity: str  # e.g. "User", as Graph names it in messages
    props: Mapping[str, Prop[T]]
    collections: Mapping[str, CollectionProp[T]]


def _literal(node: ast._Node) -> Any:
    if isinstance(node, ast.String):
        return node.val.lower()
    if isinstance(node, ast.GUID):
        return node.val.lower()
    if isinstance(node, ast.Boolean):
        return node.val.lower() == "true"
    if isinstance(node, ast.Integer):
        return int(node.val)
    if isinstance(node, ast.DateTime):
        # Compared as seconds since the epoch: date-time properties' getters answer those.
        try:
            return datetime.fromisoformat(node.val.replace("Z", "+00:00")).timestamp()
        except ValueError:
            raise errors.unsupported_query() from None
    if isinstance(node, ast.Null):
        return None
    if isinstance(node, ast.List):
        return [_literal(v) for v in node.val]
    raise errors.unsupported_query()


def _norm(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


class _Compiler(Generic[T]):
    def __init__(self, schema: Schema[T], advanced: bool) -> None:
        self.schema = schema
        self.advanced = advanced

    def _op_allowed(self, op: str, prop: str, allowed: frozenset[str]) -> None:
        if op not in allowed:
            raise errors.unsupported_query(
                f"Unsupported or invalid query filter clause specified for property '{prop}' "
                f"of resource '{self.schema.entity}'."
            )
        if op not in _BASIC_OPS and not self.advanced:
            raise errors.unsupported_query()

    def _prop(self, node: ast._Node) -> tuple[str, Prop[T]]:
        if not isinstance(node, ast.Identifier):
            raise errors.unsupported_query()
        prop = self.schema.props.get(node.name)
        if prop is None:
            raise errors.unsupported_query(
                f"Unsupported or invalid query filter clause specified for property "
                f"'{node.name}' of resource '{self.schema.entity}'."
            )
        return node.name, prop

    def compile(self, node: ast._Node) -> Predicate[T]:
        if isinstance(node, ast.BoolOp):
            left, right = self.compile(node.left), self.compile(node.right)
            if isinstance(node.op, ast.And):
                return lambda o: left(o) and right(o)
            return lambda o: left(o) or right(o)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            if not self.advanced:
                raise errors.unsupported_query()
            inner = self.compile(node.operand)
            return lambda o: not inner(o)
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.CollectionLambda):
            return self._lambda(node)
        raise errors.unsupported_query()

    def _compare(self, node: ast.Compare) -> Predicate[T]:
        name, prop = self._prop(node.left)
        value = _literal(node.right)
        comparator = node.comparator
        if isinstance(comparator, ast.Eq):
            self._op_allowed("eq", name, prop.ops)
            return lambda o: _norm(prop.getter(o)) == value
        if isinstance(comparator, ast.NotEq):
            self._op_allowed("ne", name, prop.ops)
            return lambda o: _norm(prop.getter(o)) != value
        if isinstance(comparator, ast.In):
            self._op_allowed("in", name, prop.ops)
            if not isinstance(value, list) or len(value) > 15:
                raise errors.unsupported_query()
            members = set(value)
            return lambda o: _norm(prop.getter(o)) in members
        ops = {ast.Lt: "lt", ast.LtE: "le", ast.Gt: "gt", ast.GtE: "ge"}
        op = ops.get(type(comparator))
        if op is None:
            raise errors.unsupported_query()
        self._op_allowed(op, name, prop.ops)
        compare: dict[str, Callable[[Any, Any], bool]] = {
            "lt": lambda a, b: a < b,
            "le": lambda a, b: a <= b,
            "gt": lambda a, b: a > b,
            "ge": lambda a, b: a >= b,
        }
        fn = compare[op]
        return lambda o: (v := _norm(prop.getter(o))) is not None and fn(v, value)

    def _call(self, node: ast.Call) -> Predicate[T]:
        func = node.func.name.lower()
        if func not in ("startswith", "endswith") or len(node.args) != 2:
            raise errors.unsupported_query()
        name, prop = self._prop(node.args[0])
        self._op_allowed(func, name, prop.ops)
        value = _literal(node.args[1])
        if not isinstance(value, str):
            raise errors.unsupported_query()
        if func == "startswith":
            return lambda o: str(prop.getter(o) or "").lower().startswith(value)
        return lambda o: str(prop.getter(o) or "").lower().endswith(value)

    def _lambda(self, node: ast.CollectionLambda) -> Predicate[T]:
        if not isinstance(node.owner, ast.Identifier) or not isinstance(node.operator, ast.Any):
            raise errors.unsupported_query()
        coll = self.schema.collections.get(node.owner.name)
        if coll is None:
            raise errors.unsupported_query(
                f"Unsupported or invalid query filter clause specified for property "
                f"'{node.owner.name}' of resource '{self.schema.entity}'."
            )
        if node.lambda_ is None:
            raise errors.unsupported_query()
        var = node.lambda_.identifier.name
        item_pred = self._item(node.lambda_.expression, var, coll)
        return lambda o: any(item_pred(item) for item in coll.items(o))

    def _item(
        self, node: ast._Node, var: str, coll: CollectionProp[T]
    ) -> Callable[[Mapping[str, Any]], bool]:
        if isinstance(node, ast.BoolOp):
            left, right = self._item(node.left, var, coll), self._item(node.right, var, coll)
            if isinstance(node.op, ast.And):
                return lambda i: left(i) and right(i)
            return lambda i: left(i) or right(i)
        if (
            isinstance(node, ast.Compare)
            and isinstance(node.comparator, ast.Eq)
            and isinstance(node.left, ast.Attribute)
            and isinstance(node.left.owner, ast.Identifier)
            and node.left.owner.name == var
            and node.left.attr in coll.members
        ):
            attr, value = node.left.attr, _literal(node.right)
            return lambda i: _norm(i.get(attr)) == value
        if (
            isinstance(node, ast.Compare)
            and isinstance(node.comparator, ast.Eq)
            and isinstance(node.left, ast.Identifier)
            and node.left.name == var
            and "$it" in coll.members
        ):
            # A collection of primitives: featureTypes/any(f:f eq 'PhoneSystem').
            it_value = _literal(node.right)
            return lambda i: _norm(i.get("$it")) == it_value
        raise errors.unsupported_query()


def compile_filter(text: str, schema: Schema[T], advanced: bool) -> Predicate[T]:
    """Turn a ``$filter`` expression into a predicate, or raise Graph's 400."""
    # Graph accepts "not(...)"; the grammar wants a space after the operator.
    text = re.sub(r"\bnot\(", "not (", text)
    try:
        tree = ODataParser().parse(ODataLexer().tokenize(text))
    except ODataException as exc:
        raise errors.GraphError(400, "BadRequest", f"Invalid filter clause: {exc}") from exc
    return _Compiler(schema, advanced).compile(tree)


@dataclass(frozen=True)
class QueryOptions:
    """The query options of one collection request."""

    select: list[str] | None
    top: int
    filter: str | None
    count: bool
    advanced: bool
    skiptoken: str | None


def parse_options(
    query: Mapping[str, str], headers: Mapping[str, str], default_top: int = DEFAULT_PAGE
) -> QueryOptions:
    """Read ``$select``, ``$top``, ``$filter``, ``$count`` and ``$skiptoken``."""
    top = default_top
    raw_top = query.get("$top")
    if raw_top is not None:
        if not raw_top.isdigit() or not 1 <= int(raw_top) <= MAX_PAGE:
            raise errors.unsupported_query(
                f"Invalid page size specified: '{raw_top}'. Must be between 1 and 999 inclusive."
            )
        top = int(raw_top)
    count_raw = query.get("$count", "").lower()
    if count_raw not in ("", "true", "false"):
        raise errors.bad_request(f"Invalid value '{count_raw}' for $count.")
    count = count_raw == "true"
    eventual = headers.get("ConsistencyLevel", "").lower() == "eventual"
    if count and not eventual:
        raise errors.bad_request("$count is not currently supported.")
    select = None
    if query.get("$select"):
        select = [s.strip() for s in query["$select"].split(",") if s.strip()]
    if "$skip" in query:
        raise errors.unsupported_query("'$skip' is not supported by the service.")
    for option in ("$expand", "$search", "$orderby"):
        if option in query:
            raise errors.unsupported_query(f"The sandbox does not implement '{option}' here.")
    return QueryOptions(
        select, top, query.get("$filter"), count, eventual and count, query.get("$skiptoken")
    )


def encode_token(data: dict[str, Any]) -> str:
    """An opaque paging token."""
    raw = json.dumps(data, separators=(",", ":")).encode()
    return "RFNwdAIA" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_token(token: str) -> dict[str, Any]:
    """Read back a token from :func:`encode_token` (400 for anything else)."""
    if not token.startswith("RFNwdAIA"):
        raise errors.bad_request("The specified page token value has expired or is invalid.")
    body = token[8:]
    try:
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (ValueError, json.JSONDecodeError) as exc:
        raise errors.bad_request(
            "The specified page token value has expired or is invalid."
        ) from exc
    if not isinstance(data, dict):
        raise errors.bad_request("The specified page token value has expired or is invalid.")
    return data
