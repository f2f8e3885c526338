"""fwclient.get_many and send_many against fw-devserver: every item once, in
completion order, each with its own outcome; no more connections than
max_in_flight; leaving the loop stops the batch (a stalled request is
abandoned); a bad argument is the batch's own error."""

import json
import threading

import pytest

import fwclient
from fwclient import Options


def client_of(devserver):
    return fwclient.Client(None, Options(server_address=devserver.url, token="fake_token_123"))


def connections(client, url):
    return client.get(url + "/fault/connections").json()["connections"]


def test_every_item_once_over_at_most_max_in_flight_connections(home, devserver):
    url = devserver.url
    with client_of(devserver) as client:
        before = connections(client, url)
        seen = []
        for index, outcome in fwclient.get_many(client, [f"{url}/echo?item={i}" for i in range(30)],
                                                max_in_flight=4):
            assert isinstance(outcome, fwclient.Response), outcome
            body = outcome.json()
            assert body["query"] == f"item={index}"
            assert body["authorization"] == "Bearer fake_token_123"
            seen.append(index)
        assert connections(client, url) - before <= 4
    assert sorted(seen) == list(range(30))


def test_an_items_error_is_its_own(home, devserver):
    url = devserver.url
    with client_of(devserver) as client:
        got = dict(fwclient.get_many(client, [url + "/fault/status?code=404", url + "/echo"], 2))
    assert isinstance(got[0], fwclient.HttpStatusError) and got[0].http_status == 404
    assert "fake_token_123" not in str(got[0])
    assert isinstance(got[1], fwclient.Response)


def test_leaving_the_loop_abandons_the_stalled_request(home, devserver):
    url = devserver.url
    urls = [url + "/fault/stall?ms=600000", url + "/echo?a", url + "/echo?b"]
    with client_of(devserver) as client:
        for index, outcome in fwclient.get_many(client, urls, 3):
            assert index != 0 and isinstance(outcome, fwclient.Response)
            break
    assert not [t for t in threading.enumerate() if t.name == "fwclient-batch"]


def test_send_many_sends_each_method_and_body(home, devserver):
    url = devserver.url
    requests = [("POST" if i % 2 == 0 else "PUT", url + "/echo", b"\0x" * i,
                 "application/octet-stream") for i in range(4)]
    with client_of(devserver) as client:
        got = dict(fwclient.send_many(client, requests, 2))
    assert sorted(got) == [0, 1, 2, 3]
    for i, outcome in got.items():
        body = json.loads(outcome.body)
        assert body["method"] == requests[i][0] and body["body_len"] == 2 * i


def test_zero_in_flight_is_the_batchs_error(home, devserver):
    with client_of(devserver) as client:
        with pytest.raises(fwclient.InvalidArgumentError):
            list(fwclient.get_many(client, [devserver.url + "/echo"], 0))
