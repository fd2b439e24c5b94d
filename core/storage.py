"""Where uploaded and generated files live: the local folder, or an S3-compatible object store.

Plain data, no Django imports: the settings build the storage from it (docs/adr/0041).
"""

from typing import Any

S3_BACKEND = "storages.backends.s3.S3Storage"


def s3_storage(
    *,
    bucket: str,
    endpoint_url: str = "",
    region: str = "",
    access_key: str = "",
    secret_key: str = "",
) -> dict[str, Any]:
    """The STORAGES entry of a private bucket.

    Files are never public: no ACL is set (the bucket's own policy stays private), and a file's
    URL, where anything asks for one, is signed and lives a minute. Downloads go through the
    access-checked views, which stream the file, so a link never outlives a permission.
    """
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 60,
        # Two uploads with the same name keep both; nothing is overwritten behind a record.
        "file_overwrite": False,
        "signature_version": "s3v4",
        # MinIO and most S3-compatible stores want the bucket in the path, not the host name.
        "addressing_style": "path",
    }
    if endpoint_url:
        options["endpoint_url"] = endpoint_url
    if region:
        options["region_name"] = region
    if access_key:
        options["access_key"] = access_key
        options["secret_key"] = secret_key
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}
