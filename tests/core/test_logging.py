"""LG-02: errors while handling case data leave no child's details in reports or logs."""

from django.test import RequestFactory, override_settings

from core.logging import RedactingExceptionReporterFilter


def test_error_reports_hide_every_submitted_value():
    request = RequestFactory().post(
        "/cases/register/", {"given_name": "زهرا", "id_number": "0012345679"}
    )
    cleaned = RedactingExceptionReporterFilter().get_post_parameters(request)
    assert set(cleaned) == {"given_name", "id_number"}
    assert "زهرا" not in str(cleaned) and "0012345679" not in str(cleaned)


def test_error_reports_hide_local_variables():
    def failing(child_name):
        raise RuntimeError("boom")

    try:
        failing("زهرا محمدی")
    except RuntimeError as error:
        frame = error.__traceback__.tb_next.tb_frame
    variables = RedactingExceptionReporterFilter().get_traceback_frame_variables(None, frame)
    assert "زهرا محمدی" not in str(variables)


@override_settings(DEBUG=False)
def test_the_error_page_is_generic(client, db, settings):
    from django.urls import path

    from core.access import public

    @public
    def explode(request):
        raise RuntimeError("زهرا محمدی, 0012345679")

    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [path("explode/", explode)]})
    client.raise_request_exception = False
    response = client.get("/explode/")
    assert response.status_code == 500
    assert "زهرا" not in response.content.decode()
