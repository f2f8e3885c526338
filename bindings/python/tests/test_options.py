"""Each option reaches the library: what the server receives changes."""

import pytest

import fwclient
from fwclient import Options

from conftest import DATASTACK


def echo(client, url):
    return client.get(f"{url}/echo").json()


def test_the_token_goes_to_a_trusted_origin_only(home, devserver):
    base = dict(server_address=devserver.url, token="fake_token_123")
    with fwclient.Client(DATASTACK, Options(**base)) as client:
        assert echo(client, devserver.url)["authorization"] == "Bearer fake_token_123"
        other = echo(client, devserver.other_url)
        assert other["authorization"] is None and other["cookie"] is None
    trusted = Options(**base, trusted_origins=[devserver.other_url])
    with fwclient.Client(DATASTACK, trusted) as client:
        assert echo(client, devserver.other_url)["authorization"] == "Bearer fake_token_123"


def test_a_withheld_token_says_how_to_trust_the_origin_in_python(home, devserver):
    opts = Options(server_address=devserver.url, token="fake_token_123")
    with fwclient.Client(DATASTACK, opts) as client:
        with pytest.raises(fwclient.UntrustedOriginError) as e:
            client.get(f"{devserver.other_url}/auth/api/v1/user/me")
    assert e.value.remedy == fwclient.Remedy.TRUST_ORIGIN
    assert e.value.remedy_data == devserver.other_url
    assert e.value.message == (
        f'{e.value.problem}; to trust it, pass Options(trusted_origins=["{devserver.other_url}"])')
    assert "fw_" not in e.value.message and "withheld" in e.value.problem


def test_limits_and_timeouts(home, devserver):
    url = devserver.url
    opts = Options(server_address=url, token="fake_token_123", max_body_bytes=100,
                   timeout_ms=(1000, 300), max_retries=0)
    with fwclient.Client(DATASTACK, opts) as client:
        assert len(client.get(f"{url}/fault/big?bytes=100").body) == 100
        with pytest.raises(fwclient.BadResponseError):
            client.get(f"{url}/fault/big?bytes=101")
        with pytest.raises(TimeoutError) as e:  # the builtin: fwclient.TimeoutError is one
            client.get(f"{url}/fault/stall?ms=3000")
        assert type(e.value) is fwclient.TimeoutError is fwclient.FwTimeoutError
        with pytest.raises(fwclient.HttpStatusError) as e:
            client.get(f"{url}/fault/flaky?key=py&fail=1")
        assert e.value.http_status == 503


def test_token_file_and_key(home, tmp_path):
    f = tmp_path / "mine.json"
    f.write_text('{"other": "fake_token_123"}')
    with fwclient.Auth(Options(token_file=f, token_key="other")) as auth:
        assert auth.token == "fake_token_123"
        assert auth.token_source == (fwclient.Source.FILE, str(f), "other")


def test_layout_and_secrets_dir(home, tmp_path):
    secrets = tmp_path / "secrets"
    opts = Options(secrets_dir=secrets, layout=fwclient.Layout.CAVE,
                   server_address="https://global.fwclient-test.invalid")
    with fwclient.Auth(opts) as auth:
        assert auth.layout == fwclient.Layout.CAVE
        auth.save_token("fake_token_123")
    assert (secrets / "cave-secret.json").read_bytes() == b'{"token": "fake_token_123"}'
    assert (secrets / "global.fwclient-test.invalid-cave-secret.json").exists()
    assert not (home / ".cloudvolume").exists()


def test_plain_http_to_another_host_needs_consent(home):
    # Refused before any I/O (and .invalid never resolves).
    opts = Options(server_address="http://fwclient-test.invalid", token="fake_token_123")
    with fwclient.Client(DATASTACK, opts) as client:
        with pytest.raises(fwclient.InsecureUrlError):
            client.datastack_info()


def test_a_clients_auth_is_the_one_it_sends(home, devserver):
    with fwclient.Client(DATASTACK, Options(server_address=devserver.url)) as client:
        assert echo(client, devserver.url)["authorization"] is None
        client.auth.set_token("fake_token_123")
        assert echo(client, devserver.url)["authorization"] == "Bearer fake_token_123"
        assert client.auth.request_header() == "Bearer fake_token_123"
    assert not (home / ".cloudvolume").exists()  # set_token writes nothing
