"""Messages (core/messages.py): Django's cookie-then-session storage with one cookie signer per
signing key; a message set on one request is read on the next, and a new key counts at once."""

from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from core.messages import MessageStorage, SharedSignerCookieStorage


def _request(cookies=None):
    request = RequestFactory().get("/")
    request.COOKIES.update(cookies or {})
    request.session = SessionStore()
    return request


def _stored(messages_text, storage_class=MessageStorage):
    request = _request()
    storage = storage_class(request)
    for text in messages_text:
        storage.add(constants.INFO, text)
    response = HttpResponse()
    storage.update(response)
    return response.cookies[CookieStorage.cookie_name].value


def test_the_project_uses_it():
    assert isinstance(get_messages(_with_storage(_request())), MessageStorage)


def _with_storage(request):
    from django.contrib.messages.middleware import MessageMiddleware

    MessageMiddleware(lambda r: HttpResponse()).process_request(request)
    return request


def test_a_message_written_by_djangos_storage_is_read_and_the_other_way_round():
    from django.contrib.messages.storage.fallback import FallbackStorage

    for writer, reader in ((FallbackStorage, MessageStorage), (MessageStorage, FallbackStorage)):
        cookie = _stored(["Saved.", "Sent <b>"], writer)
        read = reader(_request({CookieStorage.cookie_name: cookie}))
        assert [str(m) for m in read] == ["Saved.", "Sent <b>"]


def test_a_new_secret_key_signs_with_the_new_key_at_once():
    with override_settings(SECRET_KEY="k1" * 30):
        old_cookie = _stored(["Old."])
        signer = SharedSignerCookieStorage(_request()).signer
        assert SharedSignerCookieStorage(_request()).signer is signer  # shared
    with override_settings(SECRET_KEY="k2" * 30):
        assert SharedSignerCookieStorage(_request()).signer is not signer
        # A cookie signed with a key no longer configured is not believed.
        assert list(MessageStorage(_request({CookieStorage.cookie_name: old_cookie}))) == []
        new_cookie = _stored(["New."])
    # The old key as a fallback: cookies signed with either are read, every time.
    with override_settings(SECRET_KEY="k3" * 30, SECRET_KEY_FALLBACKS=["k1" * 30, "k2" * 30]):
        for _ in range(2):
            for cookie, text in ((old_cookie, "Old."), (new_cookie, "New.")):
                read = MessageStorage(_request({CookieStorage.cookie_name: cookie}))
                assert [str(m) for m in read] == [text]
