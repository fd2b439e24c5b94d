"""Production settings for the two-web-process test: plain HTTP on loopback, files in a bucket.

Everything is production's except what needs TLS in front; the default storage is the bucket the
test names (S3_* variables), as in a deployment with several web machines.
"""

from config.settings.production import env
from core.storage import s3_storage
from tests.core.drill_settings import *  # noqa: F403
from tests.core.drill_settings import STORAGES

STORAGES = {
    **STORAGES,
    "default": s3_storage(
        bucket=env.str("S3_BUCKET"),
        endpoint_url=env.str("S3_ENDPOINT_URL"),
        region=env.str("S3_REGION"),
        access_key=env.str("S3_ACCESS_KEY_ID"),
        secret_key=env.str("S3_SECRET_ACCESS_KEY"),
    ),
}
