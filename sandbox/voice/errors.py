"""Refusals of the Teams voice service, in Microsoft's words where Microsoft documents them."""

from __future__ import annotations


class VoiceError(Exception):
    """A refused voice operation: HTTP status, an error code and the message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def bad_request(message: str) -> VoiceError:
    """400: the request is malformed or breaks a documented rule."""
    return VoiceError(400, "BadRequest", message)


def not_found(kind: str, identity: str) -> VoiceError:
    """404: no such object."""
    return VoiceError(404, "NotFound", f"{kind} '{identity}' was not found.")


def conflict(kind: str, identity: str) -> VoiceError:
    """409: an object with that identity exists already."""
    return VoiceError(409, "Conflict", f"{kind} '{identity}' already exists.")


class DependencyError(VoiceError):
    """A removal refused while something depends on the object.

    Microsoft publishes only the wording, not the status (fidelity-review-2.md F4), so the API
    answering it picks the status from the tenant's ``teams_admin.refusal_status`` knob.
    """

    def __init__(self, message: str) -> None:
        super().__init__(409, "Conflict", message)


def linked(kind: str, blocker: str, remedy: str) -> DependencyError:
    """Removal refused while another object refers to it (teams-voice-api.md §3; the gateway
    wording is quoted in OfficeDocs-SkypeForBusiness issues #2881/#2882)."""
    return DependencyError(f"Can not remove '{kind}', linked '{blocker}' exists. Use '{remedy}'")


def assigned(name: str) -> DependencyError:
    """Removal of a policy still assigned to users.

    Undocumented for the voice types; the wording is the one Microsoft documents for Teams
    policies that refuse it (office-docs-powershell
    ``Remove-CsTeamsMeetingTemplatePermissionPolicy.md``, Example 2).
    """
    return DependencyError(
        f'The policy "{name}" is currently assigned to one or more users. Assign a different '
        "policy to the users before removing this one. Please refer to documentation."
    )


def domain_not_configured(fqdn: str) -> VoiceError:
    """The gateway's domain is not (yet) usable for Direct Routing (§3, R29)."""
    return VoiceError(
        400,
        "BadRequest",
        f'Can not use the "{fqdn}" domain as it was not configured for this tenant.',
    )
