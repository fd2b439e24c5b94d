"""Stateless web processes (docs/adr/0041): two gunicorn processes, each in a working folder of
its own with its own MEDIA_ROOT, against one database and one bucket. A ministry officer's
requests move between them: signed in on one, a document uploaded through the other and
downloaded through the first; nothing lands on either process's disk."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid

import boto3
import pytest
import requests
from django.conf import settings
from django.test import Client

from core.devstack.common import PROJECT
from core.devstack.objectstore import object_store, object_store_available
from tests.meetings.conftest import group, meeting  # noqa: F401 - fixtures
from tests.second_factor import verify_session

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not object_store_available(), reason="no minio or moto_server installed"),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL"),
]

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REGION = "us-east-1"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url():
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


def start_web(folder, port, store, bucket, log):
    (folder / "media").mkdir(parents=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.core.stateless_settings",
        "PYTHONPATH": str(PROJECT),
        "SECRET_KEY": settings.SECRET_KEY,  # the session the test made is signed with it
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(folder / "media"),
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": store.endpoint_url,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": store.access_key,
        "S3_SECRET_ACCESS_KEY": store.secret_key,
    }
    env.pop("DATABASE_OWNER_URL", None)
    command = [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "1"]
    command += ["--chdir", str(folder), "config.wsgi"]
    return subprocess.Popen(  # noqa: S603 - a fixed command line
        command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT
    )


def wait_until_up(base, process, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited; see its log"
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{base} did not answer")


def files_under(folder):
    return [path for path in folder.rglob("*") if path.is_file()]


def test_a_users_requests_move_between_two_web_processes_sharing_only_database_and_bucket(
    tmp_path,
    min_officer,
    meeting,  # noqa: F811
):
    with object_store() as store:
        bucket = f"koodak-{uuid.uuid4().hex[:12]}"
        s3 = boto3.client(
            "s3",
            endpoint_url=store.endpoint_url,
            aws_access_key_id=store.access_key,
            aws_secret_access_key=store.secret_key,
            region_name=REGION,
        )
        s3.create_bucket(Bucket=bucket)

        ports = free_port(), free_port()
        folders = tmp_path / "web-a", tmp_path / "web-b"
        logs = [open(tmp_path / f"web-{i}.log", "wb") for i in range(2)]  # noqa: SIM115
        processes = [
            start_web(folder, port, store, bucket, log)
            for folder, port, log in zip(folders, ports, logs, strict=True)
        ]
        try:
            web_a, web_b = (f"http://127.0.0.1:{port}" for port in ports)
            for base, process in zip((web_a, web_b), processes, strict=True):
                wait_until_up(base, process)

            # Signed in (and past the second factor) once: the session lives in the database.
            client = Client()
            client.force_login(min_officer)
            verify_session(client, min_officer)
            browser = requests.Session()
            session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
            browser.cookies.set(settings.SESSION_COOKIE_NAME, session_id)

            page = browser.get(f"{web_a}/meetings/{meeting.pk}/", timeout=30)
            assert page.status_code == 200, page.status_code
            token = TOKEN.search(page.text).group(1)

            pdf = b"%PDF-1.4\n% minutes of the working group\n%%EOF\n"
            uploaded = browser.post(
                f"{web_b}/meetings/{meeting.pk}/documents/",
                data={"csrfmiddlewaretoken": token},
                files={"document": ("minutes.pdf", pdf, "application/pdf")},
                headers={"Referer": f"{web_b}/meetings/{meeting.pk}/"},
                timeout=30,
                allow_redirects=False,
            )
            assert uploaded.status_code == 302, uploaded.status_code

            document = meeting.documents.get()
            downloaded = browser.get(f"{web_a}/meetings/documents/{document.pk}/", timeout=30)
            assert downloaded.status_code == 200
            assert downloaded.content == pdf

            stored = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"]]
            assert stored == [document.file.name]
            assert files_under(folders[0] / "media") == files_under(folders[1] / "media") == []
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
            for log in logs:
                log.close()
            shutil.rmtree(tmp_path / "web-a", ignore_errors=True)
