"""Files on an S3-compatible object store (docs/adr/0041), against a real server that devstack
starts for these tests (MinIO where installed, otherwise moto's server mode): imports read their
upload from the bucket, meeting documents and report files are downloaded through the
access-checked views, and nothing in the bucket is reachable without a signature."""

import urllib.error
import urllib.request
import uuid

import boto3
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse

from children.models import Case
from core.devstack.objectstore import object_store, object_store_available
from core.storage import s3_storage
from imports.models import ImportJob
from meetings import services as meeting_services
from reports.models import Report
from tests.children.test_imports import FA, csv_bytes, good_rows, run
from tests.meetings.conftest import group, meeting, pdf_upload  # noqa: F401 - fixtures
from tests.reports.test_access import WEEK, ready_report

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not object_store_available(), reason="no minio or moto_server installed"),
]

REGION = "us-east-1"


@pytest.fixture(scope="module")
def server():
    with object_store() as store:
        yield store


@pytest.fixture
def bucket(server):
    """A new private bucket, and the project's storage pointed at it for the test."""
    name = f"koodak-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=server.endpoint_url,
        aws_access_key_id=server.access_key,
        aws_secret_access_key=server.secret_key,
        region_name=REGION,
    )
    client.create_bucket(Bucket=name)
    storage = s3_storage(
        bucket=name,
        endpoint_url=server.endpoint_url,
        region=REGION,
        access_key=server.access_key,
        secret_key=server.secret_key,
    )
    with override_settings(STORAGES={**settings.STORAGES, "default": storage}):
        yield client, name


def keys(client, name):
    listing = client.list_objects_v2(Bucket=name)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def test_files_go_to_the_bucket_and_their_links_are_signed_and_short_lived(bucket):
    client, name = bucket
    saved = default_storage.save("notes/a.txt", ContentFile(b"hello"))
    again = default_storage.save("notes/a.txt", ContentFile(b"other"))
    assert saved != again, "a second upload with the same name must not overwrite the first"
    assert keys(client, name) == sorted([saved, again])
    with default_storage.open(saved, "rb") as handle:
        assert handle.read() == b"hello"
    url = default_storage.url(saved)
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=60" in url
    default_storage.delete(saved)
    assert keys(client, name) == [again]


def test_an_object_is_refused_without_a_signature(bucket, server):
    client, name = bucket
    saved = default_storage.save("private/child.txt", ContentFile(b"secret"))
    if server.kind == "moto":
        pytest.skip("moto does not check signatures; MinIO does")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{server.endpoint_url}/{name}/{saved}", timeout=5)  # noqa: S310
    assert refused.value.code == 403


def test_an_import_reads_its_upload_from_the_bucket(bucket, adm, org_a, mgr_a, tehran):
    client, name = bucket
    job = run(adm, org_a, csv_bytes(FA, good_rows(3)))
    assert job.status == ImportJob.Status.DONE
    assert Case.objects.filter(organisation=org_a).count() == 3
    assert job.stored_file.name in keys(client, name)


def test_a_meeting_document_is_served_from_the_bucket_through_its_view(
    bucket,
    client_as,
    min_officer,
    mgr_a,
    meeting,  # noqa: F811
):
    client, name = bucket
    document = meeting_services.meeting_attach_document(
        by=min_officer, meeting=meeting, file=pdf_upload()
    )
    assert document.file.name in keys(client, name)
    response = client_as(mgr_a).get(reverse("meetings:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_report_file_in_the_bucket_reaches_its_organisation_only(
    bucket, client_as, org_a, mgr_a, mgr_b
):
    report = ready_report(Report.Kind.WEEKLY_BACKLOG, WEEK, org_a)
    url = reverse("reports:report_file", args=[report.pk, "pdf"])
    response = client_as(mgr_a).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7"
    assert client_as(mgr_b).get(url).status_code == 404


@pytest.fixture
def tehran(db):
    from tests.factories import province

    return province("tehran")


def test_a_backup_holds_the_buckets_files(bucket, tmp_path):
    import tarfile

    from core.backup import FILES_NAME, backup

    default_storage.save("meeting-documents/a.pdf", ContentFile(b"%PDF-1.4 a"))
    default_storage.save("reports/weekly/b.xlsx", ContentFile(b"PK b"))
    result = backup(tmp_path / "backups")
    assert result.files == 2
    with tarfile.open(result.folder / FILES_NAME) as archive:
        assert sorted(archive.getnames()) == ["meeting-documents/a.pdf", "reports/weekly/b.xlsx"]
        assert archive.extractfile("meeting-documents/a.pdf").read() == b"%PDF-1.4 a"
