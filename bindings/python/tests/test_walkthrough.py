"""The seed walkthrough (authentication-service.rst) against fw-devserver."""

import stat

import pytest

import fwclient
from fwclient import Options, Source

from conftest import DATASTACK


def test_seed_walkthrough(home, secret_file, devserver):
    url = devserver.url

    # client = FrameworkClient(dataset_name); auth = client.auth
    with fwclient.Client(DATASTACK, Options(server_address=url)) as client:
        auth = client.auth
        # print(f"My current token is: {auth.token}")  -> None
        assert auth.token is None
        assert auth.token_source == (Source.NONE, None, None)
        # Without a token the services refuse the request.
        with pytest.raises(fwclient.NotAuthenticatedError) as refused:
            client.datastack_info()
        assert refused.value.http_status == 401
        assert refused.value.server_id == "no_token"
        assert refused.value.name == "FW_ERR_NOT_AUTHENTICATED"
        # The fix in Python's words.
        assert refused.value.remedy == fwclient.Remedy.LOG_IN
        assert refused.value.message.endswith(
            "; then save it with Auth.save_token (Auth.new_token_instructions() gives the steps)")

        # auth.new_token_instructions(): the steps, with the page that makes a token.
        instructions = auth.new_token_instructions()
        assert f"{url}/auth/api/v1/create_token" in instructions
        assert auth.new_token_url == f"{url}/auth/api/v1/create_token"
        assert 'Python: auth.save_token("PASTE_YOUR_TOKEN_HERE")' in instructions
        assert 'Python: auth.set_token("PASTE_YOUR_TOKEN_HERE")' in instructions

        # auth.save_token(token=new_token)
        auth.save_token("fake_token_123")
        assert auth.token == "fake_token_123"
        assert auth.token_file == str(secret_file)

    # The file the Python clients read, byte for byte; private.
    assert secret_file.read_bytes() == b'{"token": "fake_token_123"}'
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600

    # client = FrameworkClient(dataset_name): the saved token is used.
    with fwclient.Client(DATASTACK, Options(server_address=url)) as client:
        assert client.auth.token == "fake_token_123"
        assert client.auth.token_source == (Source.FILE, str(secret_file), "token")
        # "applied to any other services without further use"
        info = client.datastack_info()
        assert info["local_server"] == url
        assert client.local_server == url
        assert client.whoami()["email"] == "ada@example.org"
        # What the server received.
        echo = client.get(f"{url}/echo").json()
        assert echo["authorization"] == "Bearer fake_token_123"
        assert echo["cookie"] == "middle_auth_token=fake_token_123"

    # client_direct = FrameworkClient(dataset_name, auth_token='another_fake_token_678')
    direct = Options(server_address=url, token="another_fake_token_678")
    with fwclient.Client(DATASTACK, direct) as client_direct:
        assert client_direct.auth.token == "another_fake_token_678"
        assert client_direct.auth.token_source.kind == Source.EXPLICIT
        # The server does not know that token.
        with pytest.raises(fwclient.InvalidTokenError) as wrong:
            client_direct.datastack_info()
        assert wrong.value.http_status == 401
        assert wrong.value.server_id == "invalid_token"
        assert "another_fake_token_678" not in str(wrong.value)
    # The saved token is untouched.
    assert secret_file.read_bytes() == b'{"token": "fake_token_123"}'


def test_auth_made_alone_reads_the_saved_token(home, secret_file):
    with fwclient.Auth() as auth:
        auth.save_token("fake_token_123")
    with fwclient.Auth(Options(token_key="token")) as auth:
        assert auth.token == "fake_token_123"
        assert auth.layout == fwclient.Layout.FRAMEWORK
    assert secret_file.read_bytes() == b'{"token": "fake_token_123"}'


def test_a_response_carries_status_headers_and_body(home, devserver):
    opts = Options(server_address=devserver.url, token="fake_token_123")
    with fwclient.Client(DATASTACK, opts) as client:
        r = client.request("POST", f"{devserver.url}/echo/x", body=b"a\0b", content_type="text/plain")
    assert r.status == 200
    assert r.header("Content-Type") == "application/json"
    assert ("content-type", "application/json") in r.headers
    echo = r.json()
    assert (echo["method"], echo["path"], echo["body_len"]) == ("POST", "/echo/x", 3)
