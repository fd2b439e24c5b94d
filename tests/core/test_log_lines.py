"""LG-04 piece by piece: the log filter, the loggers it sits on (Django, runserver, Celery,
gunicorn), the access log formats of gunicorn and Caddy, and Celery tasks that take ids only.
tests/browser/test_logs.py runs the whole journey against real servers."""

import datetime
import importlib.util
import inspect
import io
import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from celery import current_app

from core.logging import NoQueryStringFilter, redact
from core.spreadsheets.reading import MAX_BYTES

ROOT = Path(__file__).resolve().parents[2]
NAME = "%D8%B2%D9%87%D8%B1%D8%A7"  # "زهرا" as a browser sends it
# What a task may take: ids, and a few switches that name no one.
TASK_ARGUMENTS = re.compile(r"^(self|.*_ids?|kind|dry_run)$")


def test_query_strings_and_database_key_values_are_cut_from_log_text():
    line = (
        f'"GET /cases/?q={NAME}&province=8 HTTP/1.1" 200 5 "https://k.example/cases/?q=0012345679"'
    )
    assert redact(line) == '"GET /cases/ HTTP/1.1" 200 5 "https://k.example/cases/"'
    detail = "DETAIL:  Key (organisation_id, id_number)=(3, 0012345679) already exists."
    assert "0012345679" not in redact(detail)
    assert redact("Not Found: /cases/99/") == "Not Found: /cases/99/"  # nothing else changes


def test_the_filter_cleans_a_records_arguments_and_its_traceback():
    try:
        raise ValueError("Key (id_number)=(0012345679) already exists")
    except ValueError:
        record = logging.LogRecord(
            "gunicorn.error",
            logging.ERROR,
            __file__,
            1,
            "Error handling request %s",
            (f"/cases/pick/?q={NAME}",),
            sys.exc_info(),
        )
    assert NoQueryStringFilter().filter(record) is True
    text = logging.Formatter().format(record)
    assert NAME not in text and "0012345679" not in text
    assert "Error handling request /cases/pick/" in text


def output_of(logger_name, *args):
    """What the handlers of `logger_name`, as configured by the settings, write for one record."""
    logger = logging.getLogger(logger_name)
    owner = logger
    while not owner.handlers and owner.propagate and owner.parent:
        owner = owner.parent  # django.request writes through the handlers of "django"
    streams = []
    ours = [h for h in owner.handlers if not type(h).__module__.startswith("_pytest")]
    assert ours
    for handler in ours:
        assert any(isinstance(f, NoQueryStringFilter) for f in handler.filters), handler
        stream = io.StringIO()
        streams.append((handler, handler.setStream(stream), stream))
    try:
        logger.info(*args)
    finally:
        for handler, old, _stream in streams:
            handler.setStream(old)
    return "".join(stream.getvalue() for _h, _old, stream in streams)


def test_runserver_and_django_log_lines_leave_out_the_query_string():
    # runserver's request log goes through the project's filtered handler (make run).
    served = output_of("django.server", '"%s" %s %s', f"GET /cases/?q={NAME} HTTP/1.1", 200, 9)
    assert "GET /cases/ HTTP/1.1" in served and NAME not in served
    warned = output_of("django.request", "Bad request: %s", f"/outreach/?district={NAME}")
    assert "/outreach/" in warned and NAME not in warned


def test_celery_worker_handlers_get_the_filter():
    from config.celery import _no_query_strings_in_worker_logs

    logger = logging.Logger("celery-worker-test")
    logger.addHandler(logging.StreamHandler(io.StringIO()))
    _no_query_strings_in_worker_logs(logger=logger)
    assert any(isinstance(f, NoQueryStringFilter) for f in logger.handlers[0].filters)


def test_celery_tasks_take_ids_not_childrens_details():
    import config.celery  # noqa: F401  (registers the project's tasks)

    current_app.loader.import_default_modules()
    ours = [
        task
        for name, task in current_app.tasks.items()
        if not name.startswith("celery.")
        and name.split(".")[0] in {"core", "children", "ngos", "meetings", "reports", "imports"}
    ]
    assert len(ours) > 10
    for task in ours:
        for parameter in inspect.signature(task.run).parameters:
            assert TASK_ARGUMENTS.match(parameter), (task.name, parameter)


def gunicorn_config():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "config" / "gunicorn.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorns_access_log_has_no_query_string_or_referer():
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    conf = gunicorn_config()
    config = Config()
    config.set("access_log_format", conf.access_log_format)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/cases/?q={NAME}",
        "PATH_INFO": "/cases/",
        "QUERY_STRING": f"q={NAME}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://k.example/cases/?q={NAME}",
        "HTTP_USER_AGENT": "phone",
        "REMOTE_ADDR": "10.0.0.2",
    }
    atoms = Logger(config).atoms(
        SimpleNamespace(status="200 OK", sent=10, headers=[]),
        SimpleNamespace(headers=[]),
        environ,
        datetime.timedelta(milliseconds=12),
    )
    line = conf.access_log_format % atoms
    assert '"GET /cases/ HTTP/1.1" 200' in line
    assert NAME not in line and "k.example" not in line
    # The error log goes through the same filter.
    handlers = conf.logconfig_dict["handlers"]
    assert all(handler["filters"] == ["no_query"] for handler in handlers.values())


def test_compose_puts_the_proxy_in_front_and_gunicorn_uses_its_config():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert "ports" not in services["web"]  # only through the proxy
    assert services["web"]["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    assert "gunicorn -c config/gunicorn.py" in " ".join(services["web"]["command"])
    assert "443:443" in services["proxy"]["ports"]
    dockerfile = (ROOT / "config" / "docker" / "Dockerfile").read_text()
    assert 'CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]' in dockerfile


def test_caddys_log_drops_query_and_headers_and_its_body_limit_is_above_the_imports():
    caddyfile = (ROOT / "config" / "caddy" / "Caddyfile").read_text()
    assert re.search(r"request>uri regexp \\\?\.\*\$ \"\"", caddyfile)
    assert "request>headers delete" in caddyfile
    limit = int(re.search(r"max_size (\d+)MB", caddyfile).group(1)) * 1000 * 1000
    assert MAX_BYTES < limit <= MAX_BYTES * 1.25


@pytest.mark.skipif(not shutil.which("caddy"), reason="caddy is not installed")
@pytest.mark.parametrize("tls", ["auto", "mounted", "internal"])
def test_the_caddyfile_is_valid(tls):
    done = subprocess.run(  # noqa: S603
        [shutil.which("caddy"), "adapt", "--adapter", "caddyfile", "--config", "Caddyfile"],
        cwd=ROOT / "config" / "caddy",
        env={"SITE_ADDRESS": "koodak.example.org", "CADDY_TLS": tls, "HOME": "/tmp"},  # noqa: S108
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_gunicorns_access_logger_writes_the_same_line_as_gunicorns_own():
    # config/gunicorn.py's AccessLogger leaves out the header and environment atoms, which the
    # format does not name; the line is gunicorn's, without the query or the Referer (LG-04).
    from gunicorn.config import Config
    from gunicorn.glogging import Logger, SafeAtoms

    conf = gunicorn_config()
    config = Config()
    config.set("access_log_format", conf.access_log_format)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/cases/?q={NAME}",
        "PATH_INFO": "/cases/",
        "QUERY_STRING": f"q={NAME}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://k.example/cases/?q={NAME}",
        "HTTP_USER_AGENT": 'phone "x"',
        "HTTP_COOKIE": "sessionid=secret",
        "REMOTE_ADDR": "10.0.0.2",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[("Set-Cookie", "a=b")])
    request = SimpleNamespace(headers=[("COOKIE", "sessionid=secret")])
    took = datetime.timedelta(milliseconds=12)

    def line(logger_class):
        atoms = logger_class(config).atoms(response, request, environ, took)
        return config.access_log_format % SafeAtoms(atoms)

    assert conf.logger_class is not Logger
    ours = line(conf.logger_class)
    assert ours == line(Logger)
    assert '"GET /cases/ HTTP/1.1" 200' in ours and '"phone \\"x\\""' in ours
    assert NAME not in ours and "k.example" not in ours and "secret" not in ours
    # A format that names a header gets gunicorn's atoms, all of them.
    config.set("access_log_format", '%(h)s "%({user-agent}i)s"')
    assert line(conf.logger_class) == line(Logger) == '10.0.0.2 "-"'


def test_the_filter_leaves_the_record_formatted_once():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "%s served in %d ms", ("/a/", 5), None
    )
    assert NoQueryStringFilter().filter(record) is True
    assert (record.msg, record.args) == ("/a/ served in 5 ms", ())
    assert record.getMessage() == "/a/ served in 5 ms"
