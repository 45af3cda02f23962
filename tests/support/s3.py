"""A real S3 endpoint for tests: moto's threaded server over HTTP on a free local port."""

from __future__ import annotations

import os
import socket

import boto3

BUCKET = "challenge-test"
REGION = "eu-central-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MotoS3:
    """Start, stop and restart moto on one port (its data survives restarts in-process)."""

    def __init__(self) -> None:
        # moto checks signatures loosely but boto3 needs some credentials to sign with.
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = None

    def start(self) -> None:
        import logging

        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request otherwise

        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def create_bucket(self, name: str = BUCKET) -> None:
        client = boto3.client("s3", endpoint_url=self.url, region_name=REGION)
        existing = {bucket["Name"] for bucket in client.list_buckets().get("Buckets", [])}
        if name not in existing:
            client.create_bucket(
                Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
            )

    def settings_env(self, prefix: str = "") -> dict[str, str]:
        return {
            "storage": "s3",
            "s3_bucket": BUCKET,
            "s3_endpoint_url": self.url,
            "s3_region": REGION,
            "s3_prefix": prefix,
        }
