"""Drives Entra's sign-in and consent pages with an HTTP client, as a user in a browser would."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx

from tests.support.forms import parse_forms


@dataclass
class SignInResult:
    """Where the browser ended: the redirect back to the app, or a page Entra showed."""

    redirect: str | None
    params: dict[str, str]
    page: httpx.Response | None


def _finish(response: httpx.Response) -> SignInResult:
    if response.status_code in (301, 302, 303):
        location = response.headers["Location"]
        parts = urlsplit(location)
        params = dict(parse_qsl(parts.query or parts.fragment))
        return SignInResult(location, params, None)
    forms = parse_forms(response.text)
    if forms and "hiddenform" in response.text:  # response_mode=form_post
        return SignInResult(forms[0].action, forms[0].hidden, None)
    return SignInResult(None, {}, response)


def sign_in(
    client: httpx.Client,
    auth_uri: str,
    upn: str | None,
    *,
    consent: str = "accept",
    consent_for_org: bool = False,
    typed: bool = False,
) -> SignInResult:
    """Open ``auth_uri``, pick (or type) ``upn``, then accept or cancel consent if asked.

    ``upn=None`` presses Cancel on the sign-in page.
    """
    page = client.get(auth_uri)
    if page.status_code != 200:
        return _finish(page)
    forms = parse_forms(page.text)
    if not forms:
        return _finish(page)
    form = forms[0]
    data = dict(form.hidden)
    if upn is None:
        data["action"] = "cancel"
    elif typed:
        data.update({"login_typed": upn, "action": "next"})
    else:
        data["login"] = upn
    response = client.post(urljoin(auth_uri, form.action), data=data)
    forms = parse_forms(response.text) if response.status_code == 200 else []
    if forms and ("action", "accept") in forms[0].buttons:
        form = forms[0]
        data = dict(form.hidden)
        data["action"] = consent
        if consent_for_org:
            data["consent_org"] = "on"
        response = client.post(urljoin(auth_uri, form.action), data=data)
    return _finish(response)
