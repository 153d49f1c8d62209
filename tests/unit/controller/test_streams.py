"""The pure parts of the pod and child streams: splitting a watch response into events, and what a
fresh listing proves gone (the HTTP side runs against the real API server in the integration tier)."""

import pytest

from ecs_operator.controller import resources
from ecs_operator.controller.store import OwnerIndex, Store
from ecs_operator.controller.streams import CollectionStream, Gone, json_lines


def test_lines_split_across_chunks_come_out_whole_and_once():
    parts: list[bytes] = []
    out: list[bytes] = []
    for chunk in [b'{"a":', b"1}\n{", b'"b":2}\n', b"\n", b'{"c":3}\n{"d"', b":4}\n"]:
        out += json_lines(parts, chunk)
    assert out == [b'{"a":1}', b'{"b":2}', b'{"c":3}', b'{"d":4}']
    assert parts == []


def test_an_unfinished_line_waits_for_the_rest():
    parts: list[bytes] = []
    assert list(json_lines(parts, b'{"a":1}\n{"b"')) == [b'{"a":1}']
    assert list(json_lines(parts, b":2")) == []
    assert list(json_lines(parts, b"}\n")) == [b'{"b":2}']


def meta(name, rv):
    return {"metadata": {"namespace": "ns", "name": name, "resourceVersion": str(rv)}}


def test_a_listing_drops_what_it_no_longer_holds_but_not_what_is_newer_than_it():
    store = Store()
    for name, rv in (("kept", 5), ("deleted", 6), ("created-after", 12)):
        store.upsert("deployments", meta(name, rv))
    removed = store.sweep("deployments", [meta("kept", 5)], as_of="10")
    assert [body["metadata"]["name"] for body in removed] == ["deleted"]
    assert sorted(name for _, name in store.keys("deployments")) == ["created-after", "kept"]


def test_an_empty_listing_at_a_known_version_drops_everything_older():
    store = Store()
    store.upsert("pods", meta("ghost", 3))
    assert [b["metadata"]["name"] for b in store.sweep("pods", [], as_of="9")] == ["ghost"]
    # Without the listing's version an empty listing proves nothing.
    store.upsert("pods", meta("ghost", 3))
    assert store.sweep("pods", []) == []


def test_the_owner_index_forgets_names_a_listing_no_longer_holds():
    owners = OwnerIndex()
    owners.record("services", meta("ours", 1))
    owners.record("services", meta("gone", 2))
    owners.retain("services", [meta("ours", 1)])
    assert owners.owners("services", "ns", "ours") == frozenset()
    assert owners.owners("services", "ns", "gone") is None


def test_a_watch_error_for_a_version_the_server_no_longer_has_means_list_again():
    delivered = []
    stream = CollectionStream(None, resources.POD, lambda t, b: delivered.append((t, b)), lambda *_: None)
    stream.version = "7"
    stream._deliver({"type": "BOOKMARK", "object": {"metadata": {"resourceVersion": "9"}}})
    assert stream.version == "9" and delivered == []
    stream._deliver({"type": "MODIFIED", "object": {"metadata": {"name": "p", "resourceVersion": "10"}}})
    assert delivered == [
        ("MODIFIED", {"metadata": {"name": "p", "resourceVersion": "10"}, "apiVersion": "v1", "kind": "Pod"})
    ]
    assert stream.version == "10"
    with pytest.raises(Gone):
        stream._deliver({"type": "ERROR", "object": {"kind": "Status", "code": 410, "reason": "Expired"}})
    with pytest.raises(RuntimeError, match="forbidden"):
        stream._deliver({"type": "ERROR", "object": {"code": 403, "message": "forbidden"}})


def test_a_handler_that_fails_on_one_event_does_not_stop_the_next():
    delivered = []

    def handler(kind, body):
        if body["metadata"]["name"] == "bad":
            raise KeyError("spec")
        delivered.append(body["metadata"]["name"])

    stream = CollectionStream(None, resources.POD, handler, lambda *_: None)
    for name, version in (("bad", "1"), ("good", "2")):
        stream._deliver({"type": "ADDED", "object": {"metadata": {"name": name, "resourceVersion": version}}})
    assert delivered == ["good"] and stream.version == "2"
