"""What ABI 0.2 adds for a script: a Client on an existing Auth (shared
live), the proxy option, SaveFlags.REPLACE_INVALID, every response header."""

import pytest

import fwclient
from fwclient import Options, SaveFlags

from conftest import DATASTACK
from connect_proxy import ConnectProxy


def echo(client, url):
    return client.get(f"{url}/echo").json()


def test_a_client_made_on_an_auth_shares_it_live(home, devserver):
    url = devserver.url
    auth = fwclient.Auth(Options(server_address=url))
    client = fwclient.Client(DATASTACK, auth=auth)
    assert echo(client, url)["authorization"] is None
    # Set on the auth after the client was made: the client sends it.
    auth.set_token("fake_token_123")
    assert echo(client, url)["authorization"] == "Bearer fake_token_123"
    assert client.server_address == url  # the auth's
    # The client holds its own reference: it outlives the Auth object.
    auth.close()
    with client:
        client.auth.set_token("another_fake_token_678")
        assert echo(client, url)["authorization"] == "Bearer another_fake_token_678"
    assert not (home / ".cloudvolume").exists()


def test_a_client_on_an_auth_takes_http_settings_from_its_options(home, devserver):
    url = devserver.url
    with fwclient.Auth(Options(server_address=url, token="fake_token_123")) as auth:
        with fwclient.Client(DATASTACK, Options(max_body_bytes=100), auth=auth) as client:
            assert len(client.get(f"{url}/fault/big?bytes=100").body) == 100
            with pytest.raises(fwclient.BadResponseError):
                client.get(f"{url}/fault/big?bytes=101")
        with pytest.raises(TypeError):
            fwclient.Client(DATASTACK, auth="fake_token_123")


def test_requests_go_through_the_proxy_option(home, devserver):
    port = devserver.url.rsplit(":", 1)[1]
    server = f"http://fwclient-test.invalid:{port}"  # not loopback: proxied
    proxy = ConnectProxy(int(port))
    try:
        opts = Options(server_address=server, token="fake_token_123", proxy=proxy.url,
                       allow_insecure_http=True)
        with fwclient.Client(DATASTACK, opts) as client:
            received = echo(client, server)
        assert received["authorization"] == "Bearer fake_token_123"
        assert proxy.requests == [f"CONNECT fwclient-test.invalid:{port} HTTP/1.1"]
    finally:
        proxy.stop()


def test_a_proxy_of_another_scheme_is_refused_without_its_password(home):
    with pytest.raises(fwclient.InvalidArgumentError) as e:
        Options(proxy="socks5://user:pr0xy-secret@127.0.0.1:1080")
    assert "pr0xy-secret" not in str(e.value)
    assert "socks5" in str(e.value)


def test_an_invalid_secret_file_is_replaced_only_when_asked(home, secret_file):
    secret_file.parent.mkdir(parents=True)
    secret_file.write_bytes(b"{not json")
    with fwclient.Auth() as auth:
        with pytest.raises(fwclient.SecretFileError):
            auth.save_token("fake_token_123", flags=SaveFlags.OVERWRITE)
        assert secret_file.read_bytes() == b"{not json"
        auth.save_token("fake_token_123", flags=SaveFlags.REPLACE_INVALID)
    assert secret_file.read_bytes() == b'{"token": "fake_token_123"}'
    kept = list(secret_file.parent.glob("chunkedgraph-secret.json.invalid-*"))
    assert [p.read_bytes() for p in kept] == [b"{not json"]


def test_every_response_header_is_kept(home, devserver):
    opts = Options(server_address=devserver.url)
    with fwclient.Client(DATASTACK, opts) as client:
        r = client.get(f"{devserver.url}/fault/headers")
    assert r.header_values("X-Fw-Repeat") == ["one", "two"]
    assert r.header("x-fw-repeat") == "one, two"
    assert r.header("X-Fw-Single") == "alone"
    assert r.header("X-Fw-Absent") is None and r.header_values("X-Fw-Absent") == []
    names = [n for n, _ in r.headers]
    assert names.count("x-fw-repeat") == 2
    assert names.index("x-fw-repeat") < names.index("x-fw-single")


def test_every_token_source_has_the_headers_name():
    # The names come from the library's one table (fw_token_source_name).
    for source in fwclient.Source:
        assert source.c_name == f"FW_SOURCE_{source.name}"
