"""HTML of Entra's browser pages: account picker, consent prompt, errors, form_post."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

_STYLE = """
body{font-family:"Segoe UI",system-ui,sans-serif;background:#f2f2f2;margin:0;color:#1b1b1b}
main{max-width:440px;margin:48px auto;background:#fff;padding:44px;
 box-shadow:0 2px 6px rgba(0,0,0,.2)}
.brand{font-weight:600;color:#737373;margin-bottom:16px}
h1{font-size:24px;font-weight:600;margin:0 0 16px}
input[type=email],input[type=text]{width:100%;box-sizing:border-box;padding:6px 0;border:0;
 border-bottom:1px solid #666;font-size:15px;margin-bottom:16px}
button{font-size:15px;padding:6px 16px;border:1px solid #8a8a8a;background:#fff;cursor:pointer}
button.primary{background:#0067b8;color:#fff;border-color:#0067b8}
.accounts button{display:block;width:100%;text-align:left;margin:4px 0;padding:10px}
.accounts small{color:#666;display:block}
.error{color:#e81123;margin:8px 0 16px}
ul.perms li{margin:6px 0}
.actions{display:flex;flex-direction:row-reverse;gap:8px;justify-content:flex-start;margin-top:24px}
.meta{font-size:12px;color:#666;word-break:break-all}
"""


@dataclass(frozen=True)
class Account:
    """An account offered on the sign-in page."""

    upn: str
    display_name: str
    detail: str


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<title>{escape(title)}</title><meta name="viewport" '
        f'content="width=device-width,initial-scale=1"><style>{_STYLE}</style></head>'
        f'<body><main><div class="brand">Microsoft (sandbox)</div>{body}</main></body></html>'
    )


def sign_in(
    action: str,
    txn: str,
    app_name: str,
    accounts: list[Account],
    login_hint: str = "",
    error: str = "",
    signed_in_as: str = "",
) -> str:
    """The sign-in page: type an account or pick one of the tenant's users."""
    picks = "".join(
        f'<button type="submit" name="login" value="{escape(a.upn)}" data-upn="{escape(a.upn)}">'
        f"{escape(a.display_name)}<small>{escape(a.upn)} · {escape(a.detail)}</small></button>"
        for a in accounts
    )
    current = f"<p>Signed in as <b>{escape(signed_in_as)}</b>.</p>" if signed_in_as else ""
    err = f'<div class="error" role="alert">{escape(error)}</div>' if error else ""
    body = f"""
<h1>Sign in</h1><p>to continue to <b>{escape(app_name)}</b></p>{current}{err}
<form method="post" action="{escape(action)}">
<input type="hidden" name="txn" value="{escape(txn)}">
<input type="email" name="login_typed" placeholder="Email, phone, or Skype"
 value="{escape(login_hint)}" aria-label="Email" autocomplete="username">
<div class="actions"><button class="primary" type="submit" name="action" value="next">Next</button>
<button type="submit" name="action" value="cancel">Cancel</button></div>
<h2 style="font-size:15px;margin-top:28px">Pick an account</h2>
<div class="accounts">{picks}</div>
</form>"""
    return _page("Sign in to your account", body)


def consent(
    action: str,
    txn: str,
    app_name: str,
    user_upn: str,
    permissions: list[tuple[str, str]],
    can_consent_for_org: bool,
    admin_consent: bool,
) -> str:
    """The consent prompt listing every permission the app asks for."""
    items = "".join(
        f"<li><b>{escape(value)}</b><br><small>{escape(text)}</small></li>"
        for value, text in permissions
    )
    # Placed inside the form below: a browser submits only the controls of the form it posts
    # (HTML Living Standard, "constructing the entry list").
    org = (
        '<p><label><input type="checkbox" name="consent_org" value="on"> Consent on '
        "behalf of your organization</label></p>"
        if can_consent_for_org and not admin_consent
        else ""
    )
    title = "Permissions requested" + (" for your organization" if admin_consent else "")
    body = f"""
<h1>{escape(title)}</h1>
<p class="meta">{escape(user_upn)}</p>
<p><b>{escape(app_name)}</b> would like to:</p>
<ul class="perms">{items}</ul>
<form method="post" action="{escape(action)}">{org}
<input type="hidden" name="txn" value="{escape(txn)}">
{"<input type=hidden name=consent_org value=on>" if admin_consent else ""}
<div class="actions">
<button class="primary" type="submit" name="action" value="accept">Accept</button>
<button type="submit" name="action" value="cancel">Cancel</button></div>
</form>"""
    return _page("Permissions requested", body)


def error_page(
    code: int,
    message: str,
    request_id: str,
    timestamp: str,
    headline: str = "Sorry, but we're having trouble signing you in.",
) -> str:
    """Entra's terminal error page (no redirect back to the application)."""
    body = f"""
<h1>{escape(headline)}</h1>
<p class="error" id="aadsts">AADSTS{code}: {escape(message)}</p>
<p class="meta">Request Id: {escape(request_id)}<br>Timestamp: {escape(timestamp)}<br>
Message: AADSTS{code}: {escape(message)}</p>"""
    return _page("Sign in", body)


def admin_approval(app_name: str, code: int, message: str) -> str:
    """The "Need admin approval" page shown to users who may not consent."""
    body = f"""
<h1>Need admin approval</h1>
<p>{escape(app_name)} needs permission to access resources in your organization that only an
admin can grant. Please ask an admin to grant permission to this app before you can use it.</p>
<p class="error" id="aadsts">AADSTS{code}: {escape(message)}</p>"""
    return _page("Need admin approval", body)


def form_post(redirect_uri: str, params: dict[str, str]) -> str:
    """``response_mode=form_post``: a page that posts the response to the redirect URI."""
    fields = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in params.items()
    )
    return (
        "<!DOCTYPE html><html><head><title>Working...</title></head>"
        '<body onload="document.forms[0].submit()">'
        f'<form method="POST" name="hiddenform" action="{escape(redirect_uri)}">{fields}'
        "<noscript><p>Script is disabled. Click Submit to continue.</p>"
        '<input type="submit" value="Submit"></noscript></form></body></html>'
    )
