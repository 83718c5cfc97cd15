"""The conversation store: how to reach a conversation later, kept current."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.conversations import ConversationStore
from storage.database import make_engine, migrate

KEY = "msteams|a:conversation"


def _reference(
    service_url: str = "https://smba.example/emea/", activity: str = "1"
) -> dict[str, Any]:
    return {
        "activityId": activity,
        "conversation": {"id": "a:conversation", "tenantId": "tenant"},
        "channelId": "msteams",
        "serviceUrl": service_url,
    }


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    migrate(engine)
    return engine


def test_a_remembered_conversation_can_be_reached(engine: Engine) -> None:
    store = ConversationStore(engine)
    store.remember(KEY, "tenant", "personal", _reference(), 1.0)
    assert store.reference(KEY) == _reference()


def test_a_new_service_url_replaces_the_old_one(engine: Engine) -> None:
    store = ConversationStore(engine)
    store.remember(KEY, "tenant", "personal", _reference(), 1.0)
    store.remember(KEY, "tenant", "personal", _reference("https://smba.example/amer/", "2"), 2.0)
    assert (store.reference(KEY) or {})["serviceUrl"] == "https://smba.example/amer/"


def test_the_same_reference_with_another_activity_keeps_the_first(engine: Engine) -> None:
    store = ConversationStore(engine)
    store.remember(KEY, "tenant", "personal", _reference(activity="1"), 1.0)
    store.remember(KEY, "tenant", "personal", _reference(activity="2"), 2.0)
    assert (store.reference(KEY) or {})["activityId"] == "1"


def test_an_uninstalled_conversation_cannot_be_reached(engine: Engine) -> None:
    store = ConversationStore(engine)
    store.remember(KEY, "tenant", "personal", _reference(), 1.0)
    store.uninstalled(KEY, 2.0)
    assert store.reference(KEY) is None


def test_a_reinstalled_conversation_can_be_reached_again(engine: Engine) -> None:
    store = ConversationStore(engine)
    store.remember(KEY, "tenant", "personal", _reference(), 1.0)
    store.uninstalled(KEY, 2.0)
    store.remember(KEY, "tenant", "personal", _reference(), 3.0)
    assert store.reference(KEY) == _reference()
