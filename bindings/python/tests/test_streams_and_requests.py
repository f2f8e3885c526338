"""What the package adds over the seed's calls: streams as file-like
objects, per-request options through a view (timeout, Cancel), reload,
diagnose, and paths as bytes."""

import io
import json
import os
import shutil
import threading

import pytest

import fwclient
from fwclient import Cancel, Options, RequestOptions

from conftest import DATASTACK

STALL = "/fault/stall?ms=10000"


def client_for(devserver, **more):
    return fwclient.Client(DATASTACK, Options(server_address=devserver.url,
                                              token="fake_token_123", **more))


def test_a_stream_is_a_binary_file_object(home, devserver):
    with client_for(devserver) as client:
        with client.open("GET", f"{devserver.url}/fault/big?bytes=100000") as stream:
            assert isinstance(stream, io.RawIOBase)
            assert stream.status == 200
            assert stream.readable()
            assert stream.header("content-length") == "100000"
            assert ("content-length", "100000") in stream.headers
            first = stream.read(10)
            sink = io.BytesIO()
            shutil.copyfileobj(stream, sink)
            assert first + sink.getvalue() == b"a" * 100000
            assert stream.read() == b""  # the end
        assert stream.closed


def test_a_stream_carries_the_token_and_reads_whole(home, devserver):
    with client_for(devserver) as client:
        with client.open("GET", f"{devserver.url}/echo") as stream:
            received = json.loads(stream.readall())
    assert received["authorization"] == "Bearer fake_token_123"


def test_a_failed_read_raises_the_timeout(home, devserver):
    with client_for(devserver, timeout_ms=(1000, 400), max_retries=0) as client:
        with client.open("GET", f"{devserver.url}/fault/stall-body?ms=3000") as stream:
            with pytest.raises(fwclient.FwTimeoutError):
                while stream.read(256):
                    pass


def test_a_view_with_a_timeout_ends_requests_and_streams(home, devserver):
    with client_for(devserver) as client, RequestOptions(timeout=0.2) as ro:
        with client.with_options(ro) as view:
            with pytest.raises(fwclient.FwTimeoutError):
                view.get(devserver.url + STALL)
            with pytest.raises(fwclient.FwTimeoutError):
                view.open("GET", devserver.url + STALL)
            assert view.whoami()  # a quick call is unaffected
        # The client itself keeps its own settings.
        assert client.get(f"{devserver.url}/fault/stall?ms=1").status == 200


def test_a_cancel_triggered_from_another_thread_ends_the_request(home, devserver):
    cancel = Cancel()
    started = threading.Event()
    with client_for(devserver) as client, RequestOptions(cancel=cancel) as ro:
        view = client.with_options(ro)
        trigger = threading.Thread(target=lambda: (started.wait(), cancel.trigger()))
        trigger.start()
        started.set()
        with pytest.raises(fwclient.CanceledError) as e:
            view.get(devserver.url + STALL)
        trigger.join()
        assert "canceled" in e.value.message
        # Triggered stays triggered: a stream on the view ends at once.
        with pytest.raises(fwclient.CanceledError):
            view.open("GET", devserver.url + STALL)
        view.close()
    cancel.close()


def test_request_options_refuse_what_they_cannot_hold(home):
    with pytest.raises(ValueError):
        RequestOptions(timeout=-1)
    with pytest.raises(TypeError):
        RequestOptions(cancel="now")
    with fwclient.Client(DATASTACK) as client, pytest.raises(TypeError):
        client.with_options(None)


def test_reload_picks_up_a_token_rotated_in_its_file(home):
    token_file = home / "token.json"
    token_file.write_text('{"token": "fake_token_123"}')
    with fwclient.Auth(Options(token_file=token_file)) as auth:
        assert auth.token == "fake_token_123"
        token_file.write_text('{"token": "another_fake_token_678"}')
        auth.reload()
        assert auth.token == "another_fake_token_678"
        assert auth.token_source.path == str(token_file)


def test_diagnose_reports_without_the_token(home, monkeypatch):
    monkeypatch.setenv("FW_AUTH_TOKEN", "fake_token_123")
    with fwclient.Auth() as auth:
        report = auth.diagnose()
        assert auth.token_source.kind == fwclient.Source.ENV
    assert isinstance(report, dict)
    assert "fake_token_123" not in json.dumps(report)


def test_paths_go_as_bytes_and_must_be_utf8(home):
    # os.fsencode's bytes reach the library as they are: UTF-8 is used...
    directory = home / "secrets-\u00e9"
    with fwclient.Auth(Options(secrets_dir=os.fsencode(directory), token="fake_token_123")) as a:
        a.save_token()
    assert (directory / "chunkedgraph-secret.json").read_bytes() == b'{"token": "fake_token_123"}'
    # ...and what is not UTF-8 is refused, as the header says, never cut or replaced.
    with pytest.raises(fwclient.InvalidArgumentError) as e:
        Options(secrets_dir=bytes(home) + b"/\xff")
    assert "UTF-8" in e.value.message
