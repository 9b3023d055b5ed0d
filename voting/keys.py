"""The meeting's Ed25519 signing key: created when ballots are first issued, kept in the instance folder.

One key per meeting (not per deployment): a compromised or lost key affects one meeting, and an
observer pins exactly the key printed on that meeting's ballots. The private key never leaves
the instance folder (mode 0600); the public key is stored with the meeting and published.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class KeyMissing(RuntimeError):
    """The meeting has a public key but this machine lacks its private key."""


def key_path(instance_path: str, meeting_id: int) -> Path:
    return Path(instance_path) / "keys" / f"meeting-{meeting_id}.ed25519.pem"


def create_key(instance_path: str, meeting_id: int) -> str:
    """Generate and store the meeting's private key (0600); return the public key as hex."""
    path = key_path(instance_path, meeting_id)
    path.parent.mkdir(mode=0o700, exist_ok=True)
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
        f.flush()
        os.fsync(f.fileno())
    return public_hex(private.public_key())


def ensure_key(instance_path: str, meeting_id: int) -> str:
    """Return the meeting's public key, creating the private key file if there is none yet.

    Issuing ballots creates the file inside a database transaction; if that transaction then fails,
    the file stays behind, and the next attempt must reuse it rather than fail on it.
    """
    try:
        return create_key(instance_path, meeting_id)
    except FileExistsError:
        return public_hex(load_key(instance_path, meeting_id).public_key())


def load_key(instance_path: str, meeting_id: int) -> Ed25519PrivateKey:
    """Load the meeting's private key or raise KeyMissing."""
    path = key_path(instance_path, meeting_id)
    try:
        return serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise KeyMissing(
            f"{path} is missing: copy the instance folder of the machine that issued the ballots"
        ) from None


def public_hex(public: Ed25519PublicKey) -> str:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def fingerprint(public_key_hex: str) -> str:
    """Return the printed fingerprint: SHA-256 of the raw public key, 80 bits in groups of 4 hex."""
    digest = hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()[:20].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 20, 4))


def sign(instance_path: str, meeting_id: int, data: bytes) -> str:
    """Sign bytes with the meeting's key; return the signature as hex."""
    return load_key(instance_path, meeting_id).sign(data).hex()
