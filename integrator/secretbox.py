"""Secrets at rest: store tokens and per-shop secrets encrypted with Fernet."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet


class SecretBox:
    def __init__(self, key: str | None, secret_key: str) -> None:
        if not key:
            # Development: derive a stable key from SECRET_KEY (production sets TOKEN_ENCRYPTION_KEY).
            key = base64.urlsafe_b64encode(hashlib.sha256(b"setia-tokens:" + secret_key.encode()).digest()).decode()
        self._fernet = Fernet(key.encode() if isinstance(key, str) else key)

    def encrypt(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode())

    def decrypt(self, token: bytes) -> str:
        return self._fernet.decrypt(bytes(token)).decode()
