"""The crawler's storing pipelines: a batch of items per transaction, an item moving on only once its
batch has committed, a failing batch redone item by item (the bad item fails alone)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from twisted.internet import defer, task

from crawler.pipelines import Batch
from storage.listings import get_or_create_platform
from storage.models import Platform


@pytest.fixture
def in_line(monkeypatch):  # type: ignore[no-untyped-def]
    """The batch's worker thread run in line, so a test sees each step without a running reactor."""
    monkeypatch.setattr("twisted.internet.threads.deferToThread", defer.maybeDeferred)


def store_platforms(session, items):  # type: ignore[no-untyped-def]
    for item in items:
        if item["name"] == "坏":
            raise ValueError("a bad item")
        get_or_create_platform(session=session, name=item["name"])


def stored_names(db) -> set[str]:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return set(session.scalars(select(Platform.name)))


def outcome(d: defer.Deferred) -> list:
    seen: list = []
    d.addBoth(seen.append)
    return seen


def test_an_item_moves_on_only_once_its_batch_has_committed(db, in_line):
    batch = Batch(db, store_platforms, size=2, clock=task.Clock())
    seen_when_first_moves_on: list[set[str]] = []
    first = batch.add({"name": "淘好货"})
    first.addCallback(lambda item: seen_when_first_moves_on.append(stored_names(db)))
    assert not first.called and stored_names(db) == set()
    second = outcome(batch.add({"name": "拼多多"}))
    assert seen_when_first_moves_on == [{"淘好货", "拼多多"}]  # both committed, in one transaction
    assert second == [{"name": "拼多多"}]


def test_a_batch_that_is_not_full_is_written_after_the_wait(db, in_line):
    clock = task.Clock()
    batch = Batch(db, store_platforms, size=50, wait=0.2, clock=clock)
    item = outcome(batch.add({"name": "淘好货"}))
    clock.advance(0.1)
    assert item == []
    clock.advance(0.1)
    assert item == [{"name": "淘好货"}] and stored_names(db) == {"淘好货"}


def test_once_the_crawl_is_drained_a_batch_is_written_without_the_wait(db, in_line):
    drained = [False]
    batch = Batch(db, store_platforms, size=50, wait=0.2, clock=task.Clock(), drained=lambda: drained[0])
    early = outcome(batch.add({"name": "淘好货"}))
    assert early == []  # more pages may come: it waits for its batch
    drained[0] = True  # nothing scheduled or downloading any more: no item can join it
    last = outcome(batch.add({"name": "拼多多"}))
    assert early == [{"name": "淘好货"}] and last == [{"name": "拼多多"}]
    assert stored_names(db) == {"淘好货", "拼多多"}


def test_a_failing_batch_is_redone_item_by_item_and_only_the_bad_item_fails(db, in_line):
    batch = Batch(db, store_platforms, size=3, clock=task.Clock())
    good, bad, other = (outcome(batch.add({"name": name})) for name in ("淘好货", "坏", "拼多多"))
    assert good == [{"name": "淘好货"}] and other == [{"name": "拼多多"}]
    assert bad[0].check(ValueError)
    assert stored_names(db) == {"淘好货", "拼多多"}


def test_items_arriving_while_a_batch_is_written_form_the_next_batch(db, monkeypatch):
    writes: list[defer.Deferred] = []

    def held_thread(f, *args):  # type: ignore[no-untyped-def]
        d = defer.Deferred().addCallback(lambda _: f(*args))
        writes.append(d)
        return d

    monkeypatch.setattr("twisted.internet.threads.deferToThread", held_thread)
    batch = Batch(db, store_platforms, size=1, clock=task.Clock())
    first = outcome(batch.add({"name": "淘好货"}))
    second = outcome(batch.add({"name": "拼多多"}))
    closed = outcome(batch.close())
    assert len(writes) == 1  # one batch is written at a time
    writes[0].callback(None)
    assert first == [{"name": "淘好货"}] and second == [] and len(writes) == 2
    writes[1].callback(None)
    assert second == [{"name": "拼多多"}] and closed == [None]
    assert stored_names(db) == {"淘好货", "拼多多"}


def test_closing_writes_what_is_pending(db, in_line):
    batch = Batch(db, store_platforms, size=50, clock=task.Clock())
    item = outcome(batch.add({"name": "淘好货"}))
    closed = outcome(batch.close())
    assert item == [{"name": "淘好货"}] and closed == [None]
    assert stored_names(db) == {"淘好货"}
