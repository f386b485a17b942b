"""A connection's context between events: credentials re-checked, grant and loaders renewed."""

from __future__ import annotations

import asyncpg
import pytest
from starlette.types import Message
from starlette.websockets import WebSocket

from gateway.audit.buffer import AuditBuffer
from gateway.auth.api_keys import issue_api_key
from gateway.auth.authenticate import Authenticator
from gateway.auth.errors import API_KEY_REVOKED
from gateway.authz.authorizer import Authorizer
from gateway.authz.universe import POLICY_OBJECTS, schema_fields
from gateway.config import Settings
from gateway.errors import Forbidden
from gateway.http.graphql_view import ANONYMOUS
from gateway.loaders.registry import build_loaders
from gateway.schema.guard import guarded_fields
from gateway.schema.schema import build_schema
from gateway.store import api_keys as api_keys_store
from gateway.subscriptions import connection
from gateway.subscriptions.broker import EventBroker
from gateway.subscriptions.connection import ConnectionContext, CredentialsRefused
from tests.support.auth import TEST_AUTH


async def _nothing() -> Message:
    return {"type": "websocket.disconnect"}


async def _ignore(message: Message) -> None:
    return None


@pytest.fixture
async def context(db: asyncpg.Pool, settings: Settings) -> ConnectionContext:
    """As GraphQLView builds it when a websocket opens: anonymous, nothing readable."""
    schema = build_schema()
    authorizer = Authorizer(
        settings.policy_dir,
        schema_fields(schema._schema),
        guarded_fields(schema, POLICY_OBJECTS),
    )
    grant = authorizer.grant_for(ANONYMOUS)
    socket = WebSocket({"type": "websocket", "path": "/graphql", "headers": []}, _nothing, _ignore)
    return ConnectionContext(
        request=socket,
        response=None,
        db=db,
        principal=ANONYMOUS,
        grant=grant,
        loaders=build_loaders(db, grant),
        settings=settings,
        audit=AuditBuffer(db),
        authenticator=Authenticator(TEST_AUTH, db),
        authorizer=authorizer,
        events=EventBroker(10),
    )


async def test_nothing_is_served_before_sign_in(context: ConnectionContext) -> None:
    with pytest.raises(Forbidden):
        await context.refresh()


async def test_a_key_revoked_mid_connection_stops_the_events(
    context: ConnectionContext, db: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = await issue_api_key(
        db,
        name="Acme listener",
        partner_slug="acme",
        scopes=["read"],
        role="partner_system",
        expires_at=None,
        created_by="test",
    )
    context.connection_params = {"x-API-key": issued.key}
    await context.sign_in()
    assert context.principal.subject == f"apikey:{issued.record.key_id}"
    assert context.grant.can_read_object("Lead")

    loaders_before = context.loaders
    await context.refresh()  # within CREDENTIALS_MAX_AGE: no second authentication
    assert context.loaders is not loaders_before, "fresh loaders for every event"

    await api_keys_store.revoke(db, issued.record.key_id)
    monkeypatch.setattr(connection, "CREDENTIALS_MAX_AGE", 0.0)
    with pytest.raises(CredentialsRefused) as refused:
        await context.refresh()
    assert refused.value.extensions["code"] == API_KEY_REVOKED
