"""Knot DNS's own clients against the provider zone's servers: ``kdig`` (queries, DO bit, EDNS
version, TCP, truncation, TSIG) and ``knsupdate`` (RFC 2136 updates), run as a provider's tooling
runs them. Their output is checked as Knot prints it for a real Knot server. kdig has no option
to sign at another time, so a stale signature is sent by kdig under ``faketime``."""

from __future__ import annotations

import re
import shutil
import subprocess

import dns.update
import pytest

from tests.support.provider_dns import ProviderDns

KDIG = shutil.which("kdig") or "/usr/bin/kdig"
KNSUPDATE = shutil.which("knsupdate") or "/usr/bin/knsupdate"
FAKETIME = shutil.which("faketime") or "/usr/bin/faketime"
WRONG_SECRET = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTIzNDU2"


def _kdig(
    zone: ProviderDns, *args: str, server: int = 0, clock: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """kdig at one server; ``clock`` is a command kdig runs under (``faketime …``)."""
    host, port = zone.servers[server]
    return subprocess.run(
        [*clock, KDIG, f"@{host}", "-p", str(port), *args],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )


def _key(zone: ProviderDns, name: str | None = None, secret: str | None = None) -> str:
    """``-y`` as kdig and knsupdate take it: ``algorithm:name:secret``."""
    return f"{zone.algorithm}:{name or zone.key_name}:{secret or zone.secret}"


def _knsupdate(
    zone: ProviderDns, commands: str, *args: str, server: int = 0
) -> subprocess.CompletedProcess[str]:
    host, port = zone.servers[server]
    script = f"server {host} {port}\nzone {zone.zone}.\n{commands}\nsend\nquit\n"
    return subprocess.run(
        [KNSUPDATE, *args],
        input=script,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )


def _flags(output: str) -> set[str]:
    """The header flags kdig prints (``;; Flags: qr aa rd; …``)."""
    match = re.search(r";; Flags: ([a-z ]+);", output)
    assert match, output
    return set(match.group(1).split())


def _tsig_line(output: str) -> list[str]:
    """The fields of kdig's TSIG pseudosection record."""
    match = re.search(r";; TSIG PSEUDOSECTION:\n(.+)\n", output)
    assert match, output
    return match.group(1).split()


@pytest.mark.parametrize("server", [0, 1, 2])
def test_kdig_gets_authoritative_answers_over_udp_and_tcp(
    zone: ProviderDns, label: str, server: int
) -> None:
    """Every server answers kdig with AA, over UDP and TCP."""
    zone.update(lambda u: u.replace(zone.fqdn(label), 300, "TXT", '"MS=ms87654321"'))
    for transport in ("+notcp", "+tcp"):
        result = _kdig(zone, transport, zone.fqdn(label), "TXT", server=server)
        assert result.returncode == 0, result.stderr
        assert "status: NOERROR" in result.stdout
        assert {"qr", "aa"} <= _flags(result.stdout)
        assert re.search(r'\tTXT\t"MS=ms87654321"', result.stdout), result.stdout


def test_kdig_sees_nxdomain_with_the_soa(zone: ProviderDns, label: str) -> None:
    """A missing name: NXDOMAIN, the SOA in the authority section."""
    result = _kdig(zone, zone.fqdn("missing-" + label), "TXT")
    assert "status: NXDOMAIN" in result.stdout
    assert re.search(
        r";; AUTHORITY SECTION:\n" + re.escape(zone.zone) + r"\.\s+300\s+IN\s+SOA", result.stdout
    )


def test_kdig_dnssec_flag_comes_back_in_the_answer(zone: ProviderDns) -> None:
    """``+dnssec`` sets DO; RFC 3225 §3 has the server copy it (kdig prints ``flags: do``)."""
    result = _kdig(zone, "+dnssec", zone.zone, "SOA", server=1)
    assert re.search(
        r";; Version: 0; flags: do; UDP size: 4096 B; ext-rcode: NOERROR", result.stdout
    )


def test_kdig_edns_version_one_gets_badvers(zone: ProviderDns) -> None:
    """``+edns=1``: RFC 6891 §6.1.3's BADVERS, the OPT record at version 0."""
    result = _kdig(zone, "+edns=1", zone.zone, "SOA")
    assert "status: BADVERS" in result.stdout
    assert ";; Version: 0; flags: ; UDP size: 4096 B; ext-rcode: BADVERS" in result.stdout


def test_kdig_retries_a_truncated_answer_over_tcp(zone: ProviderDns, label: str) -> None:
    """Over plain UDP the answer is truncated (TC, AA kept); kdig asks again over TCP."""

    def add_many(u: dns.update.UpdateMessage) -> None:
        for i in range(12):
            u.add(zone.fqdn(label), 300, "TXT", f'"{i:03d}{"x" * 60}"')

    zone.update(add_many)
    truncated = _kdig(zone, "+noedns", "+ignore", zone.fqdn(label), "TXT")
    assert {"qr", "aa", "tc"} <= _flags(truncated.stdout)
    whole = _kdig(zone, "+noedns", zone.fqdn(label), "TXT")
    assert "(TCP)" in whole.stdout
    assert "ANSWER: 12;" in whole.stdout


@pytest.mark.parametrize("server", [0, 1, 2])
def test_kdig_with_the_key_gets_a_signed_answer_it_verifies(zone: ProviderDns, server: int) -> None:
    """``-y``: the answer's TSIG verifies (kdig warns on stderr when it does not)."""
    result = _kdig(zone, "-y", _key(zone), zone.zone, "SOA", server=server)
    assert "status: NOERROR" in result.stdout
    fields = _tsig_line(result.stdout)
    assert fields[:5] == [zone.key_name, "0", "ANY", "TSIG", f"{zone.algorithm}."]
    assert fields[7] == "32"  # a 256-bit MAC
    assert "NOERROR" in fields
    assert "WARNING" not in result.stderr


def test_kdig_with_a_wrong_secret_gets_an_unsigned_badsig(zone: ProviderDns) -> None:
    """RFC 8945 §5.2.2: BADSIG with a MAC of size 0, as Knot itself answers."""
    result = _kdig(zone, "-y", _key(zone, secret=WRONG_SECRET), zone.zone, "SOA")
    assert "status: BADSIG" in result.stdout
    fields = _tsig_line(result.stdout)
    assert fields[6:8] == ["300", "0"]
    assert fields[-2:] == ["BADSIG", "0"]


def test_kdig_with_an_unknown_key_gets_an_unsigned_badkey(zone: ProviderDns) -> None:
    """RFC 8945 §5.2.1: BADKEY, MAC size 0, the key name echoed."""
    result = _kdig(zone, "-y", _key(zone, "stranger.", WRONG_SECRET), zone.zone, "SOA", server=2)
    assert "status: BADKEY" in result.stdout
    fields = _tsig_line(result.stdout)
    assert fields[0] == "stranger."
    assert fields[6:8] == ["300", "0"]
    assert fields[-2:] == ["BADKEY", "0"]


def test_kdig_with_its_clock_an_hour_behind_gets_badtime_with_the_server_s_time(
    zone: ProviderDns,
) -> None:
    """RFC 8945 §5.2.3: BADTIME, signed (MAC size 32), the client's time in Time Signed and the
    server's, an hour later, in the 6 bytes of Other Data."""
    result = _kdig(zone, "-y", _key(zone), zone.zone, "SOA", clock=(FAKETIME, "-f", "-1h"))
    assert "status: BADTIME" in result.stdout
    fields = _tsig_line(result.stdout)
    signed_at, server_time = int(fields[5]), int(fields[-1])
    assert fields[7] == "32"
    assert fields[-3:-1] == ["BADTIME", "6"]
    assert server_time - signed_at >= 3600 - 60


def test_knsupdate_with_the_key_updates_the_zone(zone: ProviderDns, label: str) -> None:
    """A TSIG-signed update from knsupdate is applied and served by the primary."""
    result = _knsupdate(
        zone, f'update add {zone.fqdn(label)} 300 TXT "by-knsupdate"', "-y", _key(zone)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert zone.txt(zone.fqdn(label)) == ["by-knsupdate"]
    served = _kdig(zone, "+short", zone.fqdn(label), "TXT")
    assert served.stdout.strip() == '"by-knsupdate"'


def test_knsupdate_deletes_what_it_added(zone: ProviderDns, label: str) -> None:
    """``update delete`` removes the name (RFC 2136 §2.5.3)."""
    add = f'update add {zone.fqdn(label)} 300 TXT "x"'
    assert _knsupdate(zone, add, "-y", _key(zone)).returncode == 0
    deleted = _knsupdate(zone, f"update delete {zone.fqdn(label)}", "-y", _key(zone))
    assert deleted.returncode == 0, deleted.stdout + deleted.stderr
    assert "status: NXDOMAIN" in _kdig(zone, zone.fqdn(label), "TXT").stdout


def test_knsupdate_prerequisites_are_honoured(zone: ProviderDns, label: str) -> None:
    """``prereq nxdomain``: the second identical update fails with YXDOMAIN (RFC 2136 §2.4.5)."""
    commands = f'prereq nxdomain {zone.fqdn(label)}\nupdate add {zone.fqdn(label)} 300 TXT "x"'
    assert _knsupdate(zone, commands, "-y", _key(zone)).returncode == 0
    again = _knsupdate(zone, commands, "-y", _key(zone))
    assert again.returncode != 0
    assert "YXDOMAIN" in again.stdout + again.stderr


def test_knsupdate_without_a_key_is_refused(zone: ProviderDns, label: str) -> None:
    """Unsigned updates are REFUSED and change nothing."""
    result = _knsupdate(zone, f'update add {zone.fqdn(label)} 300 TXT "x"')
    assert result.returncode != 0
    assert "status: REFUSED" in result.stdout
    assert zone.txt(zone.fqdn(label)) == []


def test_knsupdate_with_a_wrong_secret_is_notauth_badsig(zone: ProviderDns, label: str) -> None:
    """NOTAUTH with BADSIG, unsigned (knsupdate cannot verify it and says so); nothing changes."""
    result = _knsupdate(
        zone, f'update add {zone.fqdn(label)} 300 TXT "x"', "-y", _key(zone, secret=WRONG_SECRET)
    )
    assert result.returncode != 0
    assert "status: BADSIG" in result.stdout
    assert _tsig_line(result.stdout)[6:8] == ["300", "0"]
    assert zone.txt(zone.fqdn(label)) == []


def test_knsupdate_with_an_unknown_key_is_notauth_badkey(zone: ProviderDns, label: str) -> None:
    """NOTAUTH with BADKEY; nothing changes."""
    result = _knsupdate(
        zone,
        f'update add {zone.fqdn(label)} 300 TXT "x"',
        "-y",
        _key(zone, "stranger.", WRONG_SECRET),
    )
    assert result.returncode != 0
    assert "status: BADKEY" in result.stdout
    assert zone.txt(zone.fqdn(label)) == []


def test_knsupdate_to_a_secondary_is_refused(zone: ProviderDns, label: str) -> None:
    """Updates go to the primary; a secondary refuses even a signed one."""
    result = _knsupdate(
        zone, f'update add {zone.fqdn(label)} 300 TXT "x"', "-y", _key(zone), server=1
    )
    assert result.returncode != 0
    assert "status: REFUSED" in result.stdout
    assert zone.txt(zone.fqdn(label)) == []
