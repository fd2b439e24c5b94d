"""One-time, expiring links for invited staff to choose their first password."""

from datetime import timedelta

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

INVITATION_VALID_FOR = timedelta(hours=72)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Like a password-reset token, but with its own salt (a reset link is not an invitation and
    the other way round) and its own lifetime.

    One-time: the hash covers the password field, which is an unusable marker until the invited
    person chooses a password, and a new marker on every resend, so a used or superseded link
    fails. It also covers `is_active`, so deactivating someone kills their pending link.
    """

    key_salt = "ngos.tokens.InvitationTokenGenerator"
    valid_for = INVITATION_VALID_FOR

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"

    def check_token(self, user, token):
        # Django's check reads PASSWORD_RESET_TIMEOUT (one hour); invitations last longer.
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            timestamp = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(
                self._make_token_with_timestamp(user, timestamp, secret), token
            ):
                break
        else:
            return False
        age = self._num_seconds(self._now()) - timestamp
        return 0 <= age <= self.valid_for.total_seconds()


invitation_tokens = InvitationTokenGenerator()
