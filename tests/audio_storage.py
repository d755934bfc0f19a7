"""Where the tests keep voice notes' audio: a bucket on a real S3-compatible HTTP server, or files on disk.

bin/test starts moto's standalone S3 server and sets HEARTH_AUDIO_BUCKET and its address, so the whole suite
keeps audio in that bucket, over HTTP, as a council's web servers and workers would. Run without bin/test
(plain pytest), audio is on disk as on a laptop, and the tests that are about the bucket start a server of
their own. `audio_on_disk` and `audio_in_bucket` pin one or the other for a test."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import empty

from config.settings.base import audio_bucket, audio_files
from voice.storage import private_storage

TEST_BUCKET = "hearth-test-audio"
REGION = "eu-west-2"
# moto accepts any credentials; boto3 needs some.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    bucket: str

    def client(self):  # boto3's clients are typed by a stubs package Hearth does not install
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "testing"),
            aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "testing"),
        )

    def make_bucket(self) -> None:
        """As a council would make it: private, public access blocked, encrypted by default."""
        s3 = self.client()
        if self.bucket not in [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]]:
            s3.create_bucket(Bucket=self.bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_public_access_block(
            Bucket=self.bucket,
            PublicAccessBlockConfiguration={key: True for key in PUBLIC_ACCESS_BLOCK},
        )

    def keys(self, prefix: str = "") -> list[str]:
        listed = self.client().list_objects_v2(Bucket=self.bucket, Prefix=prefix)
        return [item["Key"] for item in listed.get("Contents", [])]


PUBLIC_ACCESS_BLOCK = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_moto(port: int, log: Path) -> subprocess.Popen[bytes]:
    """moto's standalone server, from the virtual environment running the tests."""
    moto = Path(sys.executable).with_name("moto_server")
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603 - our own test server
            [str(moto), "-H", "127.0.0.1", "-p", str(port)], stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    raise RuntimeError(f"moto's S3 server did not start:\n{log.read_text()[-2000:]}")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory) -> Iterator[S3Server]:
    """The S3 server bin/test started, or one started here for this run when there is none."""
    endpoint = os.environ.get("HEARTH_AUDIO_BUCKET_ENDPOINT_URL")
    if endpoint:
        server = S3Server(endpoint, os.environ.get("HEARTH_AUDIO_BUCKET") or TEST_BUCKET)
        server.make_bucket()
        yield server
        return
    for key, value in CREDENTIALS.items():
        os.environ.setdefault(key, value)  # read by the storage here and by workers started from here
    port = free_port()
    process = start_moto(port, tmp_path_factory.mktemp("moto") / "moto.log")
    server = S3Server(f"http://127.0.0.1:{port}", TEST_BUCKET)
    server.make_bucket()
    yield server
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session", autouse=True)
def _bucket_for_the_run() -> None:
    """Under bin/test the settings already keep audio in the bucket: make it once for the run."""
    if os.environ.get("HEARTH_AUDIO_BUCKET") and os.environ.get("HEARTH_AUDIO_BUCKET_ENDPOINT_URL"):
        S3Server(os.environ["HEARTH_AUDIO_BUCKET_ENDPOINT_URL"], os.environ["HEARTH_AUDIO_BUCKET"]).make_bucket()


@pytest.fixture
def audio_in_bucket(s3_server, settings, monkeypatch) -> S3Server:
    """This test's audio goes to the bucket, configured as production configures it (config.settings.base)."""
    monkeypatch.setenv("HEARTH_AUDIO_BUCKET_ENDPOINT_URL", s3_server.endpoint)
    settings.STORAGES = {**settings.STORAGES, "private": audio_bucket(s3_server.bucket)}
    return s3_server


@pytest.fixture
def audio_on_disk(settings, tmp_path) -> Path:
    """This test's audio is files on disk, as on a laptop."""
    folder = tmp_path / "private-media"
    settings.PRIVATE_MEDIA_ROOT = folder
    settings.STORAGES = {**settings.STORAGES, "private": audio_files(folder)}
    return folder


@receiver(setting_changed)
def _private_storage_follows_the_settings(*, setting: str, **kwargs: object) -> None:
    """As Django does for default_storage: a test that changes STORAGES gets the storage it asked for."""
    if setting == "STORAGES":
        private_storage._wrapped = empty  # type: ignore[assignment]
