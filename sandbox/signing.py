"""The sandbox's token-signing key: RS256 JWTs and the JWKS that publishes the key."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def b64url(data: bytes) -> str:
    """Base64url without padding, as JOSE uses it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_b64url(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


class SigningKey:
    """One RSA key with a self-signed certificate, as Entra publishes its keys (kid, x5t, x5c)."""

    def __init__(self, key: rsa.RSAPrivateKey, cert: x509.Certificate | None = None) -> None:
        self._key = key
        self._public = key.public_key()
        if cert is None:
            now = dt.datetime.now(dt.UTC)
            name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "accounts.sandbox.local")])
            cert = (
                x509.CertificateBuilder()
                .subject_name(name)
                .issuer_name(name)
                .public_key(self._public)
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1))
                .not_valid_after(now + dt.timedelta(days=365 * 5))
                .sign(key, hashes.SHA256())
            )
        self.certificate = cert
        der = cert.public_bytes(serialization.Encoding.DER)
        self.x5t = b64url(hashlib.sha1(der).digest())  # noqa: S324 - x5t is defined as SHA-1
        self.kid = self.x5t
        self._x5c = base64.b64encode(der).decode("ascii")

    @classmethod
    def load_or_create(cls, path: Path) -> SigningKey:
        """Reuse the key kept in ``path`` and its certificate (whose thumbprint is the ``kid``
        tokens name) so tokens stay valid across restarts."""
        cert_path = path.with_suffix(".crt")
        if path.exists():
            loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if isinstance(loaded, rsa.RSAPrivateKey):
                if cert_path.exists():
                    return cls(loaded, x509.load_pem_x509_certificate(cert_path.read_bytes()))
                kept = cls(loaded)
                cert_path.write_bytes(kept.certificate.public_bytes(serialization.Encoding.PEM))
                return kept
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        path.chmod(0o600)
        created = cls(key)
        cert_path.write_bytes(created.certificate.public_bytes(serialization.Encoding.PEM))
        return created

    def jwk(
        self, issuer: str | None = None, endorsements: list[str] | None = None
    ) -> dict[str, Any]:
        """The public key as a JWK in Entra's shape."""
        numbers = self._public.public_numbers()
        jwk: dict[str, Any] = {
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "x5t": self.x5t,
            "n": _int_b64url(numbers.n),
            "e": _int_b64url(numbers.e),
            "x5c": [self._x5c],
        }
        if issuer is not None:
            jwk["issuer"] = issuer
        if endorsements is not None:
            jwk["endorsements"] = endorsements
        return jwk

    def sign(self, claims: dict[str, Any]) -> str:
        """An RS256 JWT with this key's ``kid`` and ``x5t`` in the header."""
        return jwt.encode(
            claims, self._key, algorithm="RS256", headers={"kid": self.kid, "x5t": self.x5t}
        )

    def verify(self, token: str) -> dict[str, Any]:
        """Check the signature only; callers decide which claims they accept.

        Raises ``jwt.InvalidTokenError`` for a malformed token, a foreign key or a bad signature.
        """
        header = jwt.get_unverified_header(token)
        if header.get("kid") != self.kid:
            raise jwt.InvalidSignatureError("the token was not signed by a key this service knows")
        claims: dict[str, Any] = jwt.decode(
            token,
            self._public,
            algorithms=["RS256"],
            options={
                "verify_signature": True,
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
                "verify_aud": False,
                "verify_iss": False,
            },
        )
        return claims
