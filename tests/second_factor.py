"""Signing in with the second factor in tests (AU-03): a device for a user, its current code, and a
test client's session marked verified the way django-otp marks it after a code."""

import time
from binascii import unhexlify

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import second_factor


def give_device(user, key=None):
    """The user's confirmed authenticator app, made with `key` (or a random one) if missing."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="authenticator", key=key or second_factor.new_key(), confirmed=True
        )
    return device


def code_for_key(key_hex, step=None):
    """The six digits an app shows for this key at `step` (now when None)."""
    step = int(time.time()) // 30 if step is None else step
    return f"{hotp(unhexlify(key_hex), step, digits=6):06d}"


def current_code(user):
    """A code the server will accept now: the current time step, or the next one when the
    current was already used (the server accepts one step either side and refuses replays)."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    while True:
        now = int(time.time()) // 30
        step = next((s for s in (now, now + 1) if s > device.last_t), None)
        if step is not None:
            return code_for_key(device.key, step)
        time.sleep(30 - time.time() % 30 + 0.1)  # both used: the next step frees one


def verify_session(client, user):
    """Mark the client's signed-in session as verified, if the user needs the second factor."""
    if not second_factor.required_for(user):
        return client
    device = give_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
