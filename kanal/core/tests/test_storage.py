"""Uploads on the storage KANAL_MEDIA_STORAGE chooses: the local folder, or S3 for several nodes.

The S3 case runs a Kanal process configured only by environment variables against a
local S3 server (moto's, speaking the S3 API), and reads the bucket back with boto3.
"""

import json
import os
import subprocess
import sys

import boto3
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage


def test_local_storage_is_the_default_and_serves_public_documents(client, tmp_path):
    assert isinstance(default_storage, FileSystemStorage)
    name = default_storage.save("ppid/dip/laporan-2025.pdf", ContentFile(b"%PDF-1.4 test"))
    try:
        response = client.get(f"/media/{name}")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
        assert response["Content-Type"] == "application/pdf"
    finally:
        default_storage.delete(name)
    assert client.get("/media/ppid/dip/missing.pdf").status_code == 404
    assert client.get("/media/ppid/dip/..").status_code == 404
    assert client.get("/media/complaints/secret.jpg").status_code == 404


@pytest.fixture
def s3_server(port):
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    client = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{port}",
        aws_access_key_id="kanal-test",
        aws_secret_access_key="kanal-test-secret",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket="kanal-media")
    yield client
    server.stop()


SCRIPT = r"""
import json, django
django.setup()
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.test import Client
name = default_storage.save("ppid/dip/dip-2025.pdf", ContentFile(b"%PDF-1.4 shared"))
response = Client().get("/media/" + name)
print(json.dumps({
    "backend": type(storages["default"]).__module__ + "." + type(storages["default"]).__name__,
    "name": name,
    "status": response.status_code,
    "body": b"".join(response.streaming_content).decode(),
}))
"""


def test_s3_storage_chosen_by_the_environment_is_shared(s3_server, tmp_path, port):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kanal.settings",
        "KANAL_VAR_DIR": str(tmp_path),
        "KANAL_MEDIA_STORAGE": "s3",
        "KANAL_S3_BUCKET": "kanal-media",
        "KANAL_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "KANAL_S3_REGION": "us-east-1",
        "KANAL_S3_ACCESS_KEY_ID": "kanal-test",
        "KANAL_S3_SECRET_ACCESS_KEY": "kanal-test-secret",
    }
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["backend"] == "storages.backends.s3.S3Storage"
    assert (seen["status"], seen["body"]) == (200, "%PDF-1.4 shared")
    # Another node (here: boto3 itself) sees the same object, private, under the prefix.
    obj = s3_server.get_object(Bucket="kanal-media", Key=f"media/{seen['name']}")
    assert obj["Body"].read() == b"%PDF-1.4 shared"
    grants = s3_server.get_object_acl(Bucket="kanal-media", Key=f"media/{seen['name']}")["Grants"]
    assert all(g["Grantee"].get("URI", "").endswith("AllUsers") is False for g in grants)


def test_an_unknown_storage_is_refused_at_start(tmp_path):
    env = {**os.environ, "KANAL_VAR_DIR": str(tmp_path), "KANAL_MEDIA_STORAGE": "ftp"}
    out = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode != 0
    assert "KANAL_MEDIA_STORAGE is local or s3" in out.stderr
