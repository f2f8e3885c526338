"""Errors: the exception of each code, with what the server said; bad
input refused before or by the library, never losing the saved token."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import fwclient
from fwclient import Options, SaveFlags

from conftest import DATASTACK

SAVED = b'{"token": "fake_token_123"}'


@pytest.fixture
def saved(home, secret_file):
    with fwclient.Auth() as auth:
        auth.save_token("fake_token_123")
    assert secret_file.read_bytes() == SAVED
    return secret_file


def test_save_over_an_existing_key_is_refused_and_writes_nothing(saved):
    with fwclient.Auth() as auth:
        with pytest.raises(fwclient.TokenExistsError) as e:
            auth.save_token("other_fake_token_1")
        assert e.value.code == 3 and e.value.name == "FW_ERR_TOKEN_EXISTS"
        assert "other_fake_token_1" not in str(e.value)
        # caveclient's words (and its ValueError) for the problem, the fix in Python's.
        assert isinstance(e.value, ValueError)
        assert e.value.problem == f'Key "token" already exists in token file "{saved}"'
        assert e.value.message == (
            f"{e.value.problem}; to replace it, call "
            "Auth.save_token(token, flags=SaveFlags.OVERWRITE)")
        assert e.value.remedy == fwclient.Remedy.OVERWRITE and e.value.remedy_data is None
        assert saved.read_bytes() == SAVED
        auth.save_token("other_fake_token_1", flags=SaveFlags.OVERWRITE)
    assert saved.read_bytes() == b'{"token": "other_fake_token_1"}'


def test_every_remedy_has_a_fix_in_python_words():
    for remedy in fwclient.Remedy:
        fix = fwclient._errors.fix_in_python(remedy, "DATA")
        assert (fix is None) == (remedy == fwclient.Remedy.NONE), remedy
        assert fix is None or ("fw_" not in fix and "FW_" not in fix), fix


def test_a_malformed_token_is_refused_without_echoing_it(saved):
    with fwclient.Auth() as auth:
        with pytest.raises(fwclient.InvalidTokenFormatError) as e:
            auth.save_token("bad token")
        assert "bad token" not in str(e.value)
    with pytest.raises(fwclient.InvalidTokenFormatError):
        Options(token="tab\there")
    assert saved.read_bytes() == SAVED


def test_a_nul_cannot_truncate_a_string(saved):
    with fwclient.Auth() as auth:
        with pytest.raises(ValueError, match="NUL"):
            auth.save_token("fake\0token")
    with pytest.raises(TypeError):
        Options(token=b"fake_token_123")
    assert saved.read_bytes() == SAVED


def test_an_unreadable_secret_file_names_the_file(home, secret_file):
    secret_file.parent.mkdir(parents=True)
    secret_file.write_bytes(b"{not json")
    # Making the Auth succeeds (a token can still be saved over the file);
    # reading the token fails, naming the file and the expected form.
    with fwclient.Auth() as auth:
        with pytest.raises(fwclient.SecretFileError) as e:
            auth.token
    assert str(secret_file) in e.value.message
    assert '{"token": "<your token>"}' in e.value.message
    # The fix in Python's words, never a C flag.
    assert "flags=SaveFlags.OVERWRITE | SaveFlags.REPLACE_INVALID" in e.value.message
    assert "FW_SAVE" not in e.value.message and "fw_" not in e.value.message
    assert e.value.remedy == fwclient.Remedy.REPLACE_INVALID
    assert e.value.remedy_data == str(secret_file)
    assert secret_file.read_bytes() == b"{not json"


def test_server_refusals_carry_status_id_url_and_body(home, devserver):
    url = devserver.url
    ada = Options(server_address=url, token="fake_token_123")
    with fwclient.Client("flywire_fafb", ada) as client:
        with pytest.raises(fwclient.ForbiddenError) as e:
            client.datastack_info()
    assert (e.value.http_status, e.value.server_id) == (403, "missing_permission")
    assert e.value.url == f"{url}/info/api/v2/datastack/full/flywire_fafb"
    assert b"missing_permission" in e.value.body

    tos = Options(server_address=url, token="tos_fake_token_789")
    with fwclient.Client("flywire_fafb", tos) as client:
        with pytest.raises(fwclient.MissingTosError) as e:
            client.datastack_info()
    assert e.value.tos_form_url == f"{url}/sticky_auth/api/v1/tos/7/accept"

    with fwclient.Client(DATASTACK, ada) as client:
        with pytest.raises(fwclient.HttpStatusError) as e:
            client.get(f"{url}/fault/status?code=418")
        assert e.value.http_status == 418
        assert e.value.body.startswith(b'{"error":"test_error"')
        with pytest.raises(fwclient.InvalidUrlError):
            client.get("not a url")


def test_every_error_is_an_fw_error(home):
    with pytest.raises(fwclient.FwError) as e:
        fwclient.Client("")
    assert isinstance(e.value, fwclient.InvalidArgumentError)
    assert e.value.message


def test_a_closed_handle_refuses_calls(home):
    client = fwclient.Client(DATASTACK)
    with client:
        auth = client.auth
    assert client.closed
    with pytest.raises(ValueError, match="closed"):
        client.datastack_info()
    # The auth outlives the client it came from.
    assert auth.token is None
    auth.close()
    auth.close()
    with pytest.raises(ValueError, match="closed"):
        auth.token


def test_close_during_a_call_frees_after_it(home, devserver):
    opts = Options(server_address=devserver.url, token="fake_token_123")
    client = fwclient.Client(DATASTACK, opts)
    result = {}

    def slow():
        result["r"] = client.get(f"{devserver.url}/fault/stall?ms=500")

    t = threading.Thread(target=slow)
    t.start()
    while client._users == 0 and t.is_alive():
        time.sleep(0.001)
    client.close()
    t.join()
    assert result["r"].status == 200
    assert client._ptr is None  # freed by the call that was in progress


def test_one_client_shared_by_threads(home, devserver):
    opts = Options(server_address=devserver.url, token="fake_token_123")
    with fwclient.Client(DATASTACK, opts) as client:
        def work(i):
            echo = client.get(f"{devserver.url}/echo/{i}").json()
            return echo["path"], echo["authorization"], client.datastack_info()["local_server"]

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(work, range(64)))
    assert results == [(f"/echo/{i}", "Bearer fake_token_123", devserver.url) for i in range(64)]


def test_numbers_the_library_does_not_know_are_refused(saved):
    with pytest.raises(fwclient.InvalidArgumentError):
        Options(layout=7)
    with fwclient.Auth() as auth:
        with pytest.raises(fwclient.InvalidArgumentError) as e:
            auth.save_token("other_fake_token_1", flags=1024)
    assert "0x400" in e.value.message
    assert saved.read_bytes() == SAVED
