"""BIND's ``nsupdate`` against the provider zone's primary, run as a provider's tooling runs it
(RFC 2136 updates signed with TSIG, RFC 8945): its output is checked as BIND 9 prints it."""

from __future__ import annotations

import re
import shutil
import subprocess

from tests.support.provider_dns import ProviderDns

NSUPDATE = shutil.which("nsupdate") or "/usr/bin/nsupdate"
WRONG_SECRET = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTIzNDU2"


def _key(zone: ProviderDns, name: str | None = None, secret: str | None = None) -> str:
    """``-y`` as nsupdate takes it: ``[hmac:]name:secret``."""
    return f"{zone.algorithm}:{name or zone.key_name}:{secret or zone.secret}"


def _nsupdate(zone: ProviderDns, commands: str, key: str) -> subprocess.CompletedProcess[str]:
    """One update to the primary; ``answer`` makes nsupdate print the server's reply."""
    host, port = zone.servers[0]
    script = f"server {host} {port}\nzone {zone.zone}.\n{commands}\nsend\nanswer\nquit\n"
    return subprocess.run(
        [NSUPDATE, "-y", key],
        input=script,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )


def _status(output: str) -> str:
    """The reply's rcode as nsupdate prints its header (``status: NOTAUTH``)."""
    match = re.search(r"opcode: UPDATE, status: ([A-Z]+),", output)
    assert match, output
    return match.group(1)


def _tsig_line(output: str) -> list[str]:
    """The fields of the reply's TSIG pseudosection record."""
    match = re.search(r";; TSIG PSEUDOSECTION:\n(.+)\n", output)
    assert match, output
    return match.group(1).split()


def test_nsupdate_with_the_key_updates_the_zone(zone: ProviderDns, label: str) -> None:
    """A TSIG-signed update is applied; the reply is signed with the same key."""
    result = _nsupdate(zone, f'update add {zone.fqdn(label)} 300 TXT "by-nsupdate"', _key(zone))
    assert result.returncode == 0, result.stdout + result.stderr
    assert _status(result.stdout) == "NOERROR"
    fields = _tsig_line(result.stdout)
    assert fields[:5] == [zone.key_name, "0", "ANY", "TSIG", f"{zone.algorithm}."]
    assert fields[7] == "32"  # a 256-bit MAC, which nsupdate verified (it exits 0)
    assert zone.txt(zone.fqdn(label)) == ["by-nsupdate"]


def test_nsupdate_with_a_wrong_secret_gets_an_unsigned_badsig(
    zone: ProviderDns, label: str
) -> None:
    """RFC 8945 §5.2.2: NOTAUTH with BADSIG and a MAC of size 0; nsupdate fails, nothing
    changes."""
    result = _nsupdate(
        zone, f'update add {zone.fqdn(label)} 300 TXT "x"', _key(zone, secret=WRONG_SECRET)
    )
    assert result.returncode != 0
    assert "tsig indicates error" in result.stderr
    assert _status(result.stdout) == "NOTAUTH"
    fields = _tsig_line(result.stdout)
    assert fields[6:8] == ["300", "0"]
    assert fields[-2:] == ["BADSIG", "0"]
    assert zone.txt(zone.fqdn(label)) == []


def test_nsupdate_with_an_unknown_key_gets_an_unsigned_badkey(
    zone: ProviderDns, label: str
) -> None:
    """RFC 8945 §5.2.1: NOTAUTH with BADKEY, the key name echoed, MAC size 0; nothing
    changes."""
    result = _nsupdate(
        zone, f'update add {zone.fqdn(label)} 300 TXT "x"', _key(zone, "stranger.", WRONG_SECRET)
    )
    assert result.returncode != 0
    assert _status(result.stdout) == "NOTAUTH"
    fields = _tsig_line(result.stdout)
    assert fields[0] == "stranger."
    assert fields[6:8] == ["300", "0"]
    assert fields[-2:] == ["BADKEY", "0"]
    assert zone.txt(zone.fqdn(label)) == []
