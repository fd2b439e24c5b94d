from django.urls import path

from .views import auth, health, pages, second_factor

urlpatterns = [
    path("", pages.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", pages.favicon, name="favicon"),
    path("language/", pages.switch_language, name="switch_language"),
    path("accounts/login/", auth.sign_in, name="login"),
    path("accounts/logout/", auth.sign_out, name="logout"),
    path("accounts/password/change/", auth.password_change, name="password_change"),
    path("accounts/password/reset/", auth.password_reset, name="password_reset"),
    path("accounts/password/reset/sent/", auth.password_reset_done, name="password_reset_done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("accounts/second-factor/", second_factor.overview, name="second_factor"),
    path("accounts/second-factor/set-up/", second_factor.enrol, name="second_factor_enrol"),
    path("accounts/second-factor/code/", second_factor.verify, name="second_factor_verify"),
    path(
        "accounts/second-factor/recovery-codes/",
        second_factor.recovery_codes,
        name="second_factor_codes",
    ),
    path(
        "accounts/<int:user_id>/second-factor/reset/",
        second_factor.reset,
        name="second_factor_reset",
    ),
    path(
        "accounts/password/reset/complete/",
        auth.password_reset_complete,
        name="password_reset_complete",
    ),
]
