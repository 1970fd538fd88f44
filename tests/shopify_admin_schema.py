"""Shopify's Admin GraphQL API, version 2026-07, as its server judges a request before running it:
the document and its variables against the real schema, the requested query cost against the
single-query limit, and every field against the access scopes the shop granted.

The schema is the introspection JSON Shopify ships in the npm package `@shopify/dev-mcp`
(tests/fixtures/shopify/README.md says which version and how to refresh it). Besides the standard
introspection it records, per type and per field, `requiredAccess` (the access scopes, in prose) and
`isProtected` (protected customer data).

Cost follows Shopify's documented rules for the requested cost (shopify.dev, "GraphQL Admin API rate
limits", Cost calculation): scalars and enums 0, objects 1, a connection 2 + `first` (or `last`) x
the cost of one of its nodes, a union or interface the dearest of its possible selections, every
mutation field 10; a single query may not request more than 1,000 points, and `first`/`last` may not
exceed 250.
"""

from __future__ import annotations

import gzip
import json
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    build_client_schema,
    get_named_type,
    is_leaf_type,
    parse,
    validate,
    visit,
)
from graphql.execution.values import get_argument_values, get_variable_values

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "tests" / "fixtures" / "shopify" / "admin_2026-07.json.gz"
APP_TOML = ROOT / "connectors" / "shopify" / "shopify.app.toml"
MAX_COST = 1000
MAX_PAGE = 250
MUTATION_COST = 10
ACCESS_DOCS = "https://shopify.dev/api/usage/access-scopes"


def app_scopes() -> frozenset[str]:
    """The scopes shopify.app.toml asks for: what a shop that installed the app granted."""
    with APP_TOML.open("rb") as toml:
        return parse_scopes(tomllib.load(toml)["access_scopes"]["scopes"])


def parse_scopes(text: str) -> frozenset[str]:
    return frozenset(scope.strip() for scope in text.split(",") if scope.strip())


@dataclass(frozen=True)
class AdminSchema:
    schema: GraphQLSchema
    field_access: dict[tuple[str, str], str]  # (type, field) → requiredAccess prose
    type_access: dict[str, str]  # type → requiredAccess prose
    protected: dict[tuple[str, str], str]  # (type, field) → protected content ("email", "name", ...)


@cache
def admin_schema() -> AdminSchema:
    with gzip.open(SCHEMA_FILE, "rt", encoding="utf-8") as raw:
        introspection = json.load(raw)["data"]
    field_access, type_access, protected = {}, {}, {}
    for kind in introspection["__schema"]["types"]:
        if kind.get("requiredAccess"):
            type_access[kind["name"]] = kind["requiredAccess"]
        for field in kind.get("fields") or []:
            if field.get("requiredAccess"):
                field_access[(kind["name"], field["name"])] = field["requiredAccess"]
            if field.get("isProtected"):
                protected[(kind["name"], field["name"])] = field.get("protectedContent") or "customer data"
    schema = build_client_schema(introspection)
    # Shopify deprecates some implementations of undeprecated interface fields (ChannelDefinition.id),
    # which graphql-core 3.3's schema check refuses; the schema is Shopify's own, so it is taken as valid.
    schema._validation_errors = []
    return AdminSchema(schema, field_access, type_access, protected)


def scopes_in(required_access: str) -> frozenset[str]:
    """The access scopes a `requiredAccess` text names; any one of them will do. What follows "Also:"
    is about the staff member's permissions (online tokens), which an offline token does not have."""
    return frozenset(re.findall(r"`([a-z_]+)`", required_access.split("Also:")[0]))


def covers(granted: frozenset[str], alternatives: frozenset[str]) -> bool:
    """A write scope includes its read scope (Shopify: "write implies read")."""
    readable = granted | {"read_" + scope.removeprefix("write_") for scope in granted if scope.startswith("write_")}
    return not alternatives or bool(readable & alternatives)


class Refused(Exception):
    """The request as Shopify would refuse it: the `errors` of its answer."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(str(error.get("message")) for error in errors))
        self.errors = errors


def _graphql_errors(errors: list[GraphQLError], code: str) -> list[dict[str, Any]]:
    return [{**error.formatted, "extensions": {"code": code}} for error in errors]


def check_request(query: str, variables: dict[str, Any] | None, granted: frozenset[str]) -> int:
    """The requested cost of a request Shopify would run; raises Refused with Shopify's errors."""
    admin = admin_schema()
    try:
        document = parse(query)
    except GraphQLError as exc:
        raise Refused(_graphql_errors([exc], "parseError")) from None
    errors = validate(admin.schema, document)
    if errors:
        raise Refused(_graphql_errors(errors, "GRAPHQL_VALIDATION_FAILED"))
    operation = _operation(document)
    coerced = get_variable_values(admin.schema, operation.variable_definitions or (), variables or {})
    if isinstance(coerced, list):
        raise Refused(_graphql_errors(coerced, "INVALID_VARIABLE"))
    denied = access_denials(document, granted) + topic_denials(operation, coerced.coerced, granted)
    denied += owner_denials(query, coerced.coerced, granted)
    if denied:
        raise Refused(denied)
    cost = requested_cost(document, coerced)
    if cost > MAX_COST:
        message = f"Query cost is {cost}, which exceeds the single query max cost limit ({MAX_COST})."
        extensions = {"code": "MAX_COST_EXCEEDED", "cost": cost, "maxCost": MAX_COST}
        raise Refused([{"message": message, "extensions": extensions}])
    return cost


def _operation(document: DocumentNode) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        raise Refused([{"message": "send exactly one operation per request", "extensions": {"code": "badRequest"}}])
    return operations[0]


def _fields_used(document: DocumentNode) -> list[tuple[str, str, str, list[Any]]]:
    """(parent type, field, named return type, path) of every field the document selects."""
    info = TypeInfo(admin_schema().schema)
    found: list[tuple[str, str, str, list[Any]]] = []

    class Fields(Visitor):
        def enter_field(self, node: FieldNode, *_args: Any) -> None:
            parent, field = info.get_parent_type(), info.get_field_def()
            if parent is not None and field is not None and not node.name.value.startswith("__"):
                found.append((parent.name, node.name.value, get_named_type(field.type).name, [node.name.value]))

    visit(document, TypeInfoVisitor(info, Fields()))
    return found


def access_denials(document: DocumentNode, granted: frozenset[str]) -> list[dict[str, Any]]:
    """ACCESS_DENIED errors for every field whose own or whose type's required access is not granted."""
    admin, errors = admin_schema(), []
    for parent, name, returned, path in _fields_used(document):
        for required in (admin.field_access.get((parent, name)), admin.type_access.get(returned)):
            if required and not covers(granted, scopes_in(required)):
                errors.append(
                    {
                        "message": f"Access denied for {name} field. Required access: {required}",
                        "path": path,
                        "extensions": {
                            "code": "ACCESS_DENIED",
                            "documentation": ACCESS_DOCS,
                            "requiredAccess": required,
                        },
                    }
                )
                break
    return errors


def topic_denials(
    operation: OperationDefinitionNode, variables: dict[str, Any], granted: frozenset[str]
) -> list[dict[str, Any]]:
    """Enum values that need a scope, as webhook topics do ("ORDERS_PAID ... Requires at least one of
    the following scopes: read_orders, read_marketplace_orders")."""
    schema, errors = admin_schema().schema, []
    for definition in operation.variable_definitions or ():
        kind = schema.get_type(get_named_type_name(definition.type))
        value = variables.get(definition.variable.name.value)
        if not isinstance(kind, GraphQLEnumType) or not isinstance(value, str) or value not in kind.values:
            continue
        description = kind.values[value].description or ""
        required = frozenset(re.findall(r"\b((?:read|write)_\w+)", description.partition("Requires")[2]))
        if not covers(granted, required):
            message = f"Access denied for {value}: requires one of {', '.join(sorted(required))}"
            errors.append({"message": message, "extensions": {"code": "ACCESS_DENIED", "documentation": ACCESS_DOCS}})
    return errors


# metafieldsSet needs "the same access level needed to mutate the owner resource" (its
# requiredAccess names no scope): an order's metafields need write_orders, as orderUpdate does.
OWNER_SCOPES = {"gid://shopify/Order/": frozenset({"write_orders", "write_marketplace_orders", "write_quick_sale"})}


def owner_denials(query: str, variables: dict[str, Any], granted: frozenset[str]) -> list[dict[str, Any]]:
    if "metafieldsSet" not in query:
        return []
    owners = [str(item.get("ownerId", "")) for item in variables.get("metafields") or [] if isinstance(item, dict)]
    for prefix, required in OWNER_SCOPES.items():
        if any(owner.startswith(prefix) for owner in owners) and not covers(granted, required):
            message = f"Access denied for metafieldsSet: the owner needs one of {', '.join(sorted(required))}"
            return [{"message": message, "extensions": {"code": "ACCESS_DENIED", "documentation": ACCESS_DOCS}}]
    return []


def get_named_type_name(node: Any) -> str:
    while not hasattr(node, "name"):
        node = node.type
    return str(node.name.value)


def scopes_needed(document: DocumentNode) -> list[frozenset[str]]:
    """For each restricted field or type the document touches: the scopes of which one must be granted."""
    admin, needed = admin_schema(), []
    for parent, name, returned, _path in _fields_used(document):
        for required in (admin.field_access.get((parent, name)), admin.type_access.get(returned)):
            if required and scopes_in(required):
                needed.append(scopes_in(required))
    return needed


def protected_fields(document: DocumentNode) -> set[str]:
    """`Type.field` of every protected-customer-data field the document selects."""
    admin = admin_schema()
    return {f"{p}.{n}" for p, n, _r, _path in _fields_used(document) if (p, n) in admin.protected}


def requested_cost(document: DocumentNode, variables: Any) -> int:
    """`variables`: the coerced VariableValues of graphql-core."""
    operation = _operation(document)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    costing = _Costing(admin_schema().schema, variables, fragments)
    if operation.operation == OperationType.MUTATION:
        return MUTATION_COST * len(operation.selection_set.selections)
    root = admin_schema().schema.query_type
    assert root is not None
    return costing.selections(root, operation.selection_set)


@dataclass
class _Costing:
    schema: GraphQLSchema
    variables: Any
    fragments: dict[str, FragmentDefinitionNode]

    def selections(self, parent: Any, selection_set: SelectionSetNode | None) -> int:
        """Fields add up; fragments on other types are alternatives, of which the dearest counts."""
        direct, alternatives = 0, [0]
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                if not selection.name.value.startswith("__"):
                    direct += self.field(parent.fields[selection.name.value], selection)
                continue
            if isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments[selection.name.value]
                condition, inner = fragment.type_condition, fragment.selection_set
            else:
                assert isinstance(selection, InlineFragmentNode)
                condition, inner = selection.type_condition, selection.selection_set
            target = self.schema.get_type(condition.name.value) if condition else parent
            cost = self.selections(target, inner)
            if target is parent:
                direct += cost
            else:
                alternatives.append(cost)
        return direct + max(alternatives)

    def field(self, field: GraphQLField, node: FieldNode) -> int:
        returned = get_named_type(field.type)
        if is_leaf_type(returned):
            return 0
        if returned.name.endswith("Connection") and "first" in field.args:
            return self.connection(field, node, returned)
        if returned.name == "PageInfo":
            return 0  # part of its connection's 2 points
        return 1 + self.selections(returned, node.selection_set)

    def connection(self, field: GraphQLField, node: FieldNode, returned: Any) -> int:
        arguments = get_argument_values(field, node, self.variables)
        size = arguments.get("first") or arguments.get("last")
        if size is None:
            raise Refused([{"message": f"you must provide one of first or last on {node.name.value}"}])
        if size > MAX_PAGE:
            raise Refused([{"message": f"{node.name.value}: first and last may not exceed {MAX_PAGE}"}])
        per_node = 0
        for selection in node.selection_set.selections if node.selection_set else ():
            if isinstance(selection, FieldNode) and selection.name.value in ("nodes", "edges"):
                inner = returned.fields[selection.name.value]
                if selection.name.value == "nodes":
                    per_node += self.field(inner, selection)
                else:  # an edge's own object is free; its node costs as in `nodes`
                    per_node += self.selections(get_named_type(inner.type), selection.selection_set)
        return 2 + size * per_node
