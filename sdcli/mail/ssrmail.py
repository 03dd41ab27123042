"""SSR forms that arrive by e-mail: their labels (ssr.toml's [email_labels] and each category's
fields), and the form read through the SSR rules — every field required, the lead time counted
from the message's receipt. A form that fails them creates nothing and says why. No CLI imports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sdcli import intake, sites, ssr
from sdcli.errors import SdcliError
from sdcli.i18n import Message
from sdcli.mail import answers, labels, text, written


class SsrForms:
    def __init__(self, home: Path | None) -> None:
        self.home = home
        cat = ssr.catalogue(home)
        spellings: list[tuple[str, str, str]] = []
        for key, per_lang in cat.get("email_labels", {}).items():
            spellings += [(key, lang, t) for lang, texts in per_lang.items() for t in texts]
        for c in cat["category"]:
            for f in c["fields"]:
                spellings += [
                    (f"details.{f['key']}", lang, f["key"].replace("_", " ")) for lang in ("es", "en", "pt")
                ]
                for lang, texts in f.get("email_labels", {}).items():
                    spellings += [(f"details.{f['key']}", lang, t) for t in texts]
        self.labels = labels.Labels(spellings)

    def scan(self, body: str) -> labels.Found:
        return self.labels.scan(body)

    def recognised(self, form: labels.Found, incident: labels.Found) -> bool:
        """A form names its category and has more SSR labels than incident ones."""
        return (
            "category" in form.answers
            and len(form.answers) >= labels.MIN_LABELS
            and len(form.answers) > len(incident.answers)
        )

    def read(
        self, source: str, form: labels.Found, body: text.Body, meta: dict[str, Any]
    ) -> tuple[Any, Any, Any]:
        from sdcli.mail.inbox import Outcome

        out = Outcome(source, "refused", kind="ssr", message_id=meta["message_id"], lang=form.lang)
        raw: dict[str, Any] = {k: v for k, v in form.answers.items() if not k.startswith("details.") and v}
        raw["details"] = {k.partition(".")[2]: v for k, v in form.answers.items() if k.startswith("details.")}
        name, address = body.author or meta["sender"]
        try:
            known = intake.countries(self.home)["countries"]
            code = sites.country_code(raw.get("country"), known)
            if code in known:  # "País: Perú": the code, as the form's other answers are read by it
                raw["country"] = code
            if not raw.get("requester") and address:  # the sender, with their signature's number
                phone = answers.phone_in(body.writer_text(), raw.get("country"))
                raw["requester"] = f"{name or address.partition('@')[0]} <{address}> {phone or ''}".strip()
            zone = answers.zone_of_site(raw.get("site"), known, code, str(raw.get("requester") or ""))
            if zone:  # a country of several zones: the one of the city the site names ("Manaus")
                raw["timezone"] = zone
            # the window written day first, in the site's zone, its words ("mañana 10:00") the sender's
            warnings: list[Any] = []  # said with the message's line (a weekend part short of notice)
            request = ssr.check_request(
                raw, self.home, dayfirst=True, now=meta["received"], warnings=warnings
            )
            fields = ssr.request_fields(request, meta["received"], self.home, warnings)
        except SdcliError as e:  # the outcome says "refused": a lead-time refusal gives its shortfall
            refusal = e.message
            out.reason = (
                refusal.params["reason"]
                if isinstance(refusal, Message) and refusal.key == "ssr.refused"
                else refusal
            )
            return out, None, None
        fields["opened_at"] = fields["received_at"]
        fields["channel"] = "email"
        fields["message_id"] = meta["message_id"]
        fields["email"] = {**meta["email"], "lang": form.lang, **written.of_answers(form.answers),
                           "attachments": body.attachments,
                           "forwarded": body.forwarded, "html_only": body.html_only}  # fmt: skip
        out.outcome, out.warnings = "created", warnings
        return out, "SSR", fields
