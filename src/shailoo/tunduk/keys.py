# SPDX-License-Identifier: Apache-2.0
"""The signing key of the local test identity provider and the demo client's secret.

No Django here: settings.py calls these while it is being read.
"""
import hashlib
import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEY_FILE_NAME = "test_idp_key.pem"


def generate_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def test_idp_private_key(data_dir: Path) -> str:
    """The PEM from SHAILOO_TEST_IDP_KEY, else the one generated once into the data directory.

    Several processes may start at once (test runs, gunicorn workers): the first to link its
    file in place wins and everyone reads that one.
    """
    from_env = os.environ.get("SHAILOO_TEST_IDP_KEY", "").strip()
    if from_env:
        return from_env + "\n"
    key_file = Path(data_dir) / KEY_FILE_NAME
    if not key_file.exists():
        with tempfile.NamedTemporaryFile("w", dir=data_dir, delete=False, prefix=".idp-key-") as draft:
            draft.write(generate_private_key_pem())
        os.chmod(draft.name, 0o600)
        try:
            os.link(draft.name, key_file)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft.name)
    return key_file.read_text()


def demo_client_secret(secret_key: str) -> str:
    """The demo client's secret, derived from the site's secret key so no secret sits in the code."""
    return hashlib.sha256(f"shailoo-test-idp-client:{secret_key}".encode()).hexdigest()
