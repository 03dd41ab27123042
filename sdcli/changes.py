"""Change requests: routing to the right owner, the acceptance-first state machine. No CLI imports.

The source: a request goes to the customer's project manager; a customer who does not
know theirs goes to the commercial team / account manager; work is executed only after
the customer accepts, and its cost is informed afterwards. The acceptance is therefore
recorded from a contact of the customer (a callback contact of the request, or a contact of
the customer in the directory), never from whoever the request is routed to or BT's
account manager or commercial team.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from sdcli import clock, happened, sites, sla, validate
from sdcli.errors import InvalidValue, MissingAnswers, RefusedTransition, RuleViolation
from sdcli.home import load_data
from sdcli.i18n import Message
from sdcli.model import name_key
from sdcli.store import Store, parse_id
from sdcli.tickets import transition, workflow

REQUIRED = ("customer", "site", "type", "description", "window_start", "window_end")
FLAGS = {"customer": "--customer", "site": "--site", "type": "--type", "description": "--description",
         "window_start": "--window-start", "window_end": "--window-end", "country": "--country",
         "timezone": "--tz"}  # fmt: skip


#: the keys a change request's JSON (--from-file) may hold
FORM_KEYS = (*REQUIRED, "country", "timezone", "project_manager", "callback_contacts")


def refuse_unknown_keys(raw: dict[str, Any]) -> None:
    """A key of a request's JSON that no field reads is refused, never dropped (a "cost" given
    with the request was left out without a word)."""
    unknown = sorted(k for k in raw if k not in FORM_KEYS)
    if unknown:
        k = unknown[0]
        reason = (
            "invalid.cost_not_from_form" if k in ("cost", "amount", "currency") else "invalid.not_a_form_key"
        )
        raise InvalidValue(k, raw[k], reason, known=", ".join(FORM_KEYS))


def types(home: Path | None = None) -> list[dict[str, str]]:
    return list(load_data("change", home)["type"])


def find_customer(store: Store, name: str) -> dict[str, Any] | None:
    return sites.in_directory(store.customers(), name)


def check_customer(raw: dict[str, Any], home: Path | None = None) -> dict[str, Any]:
    name = validate.text("name", raw.get("name"), required=True, limit=200)
    out: dict[str, Any] = {"name": name}
    known = sites.countries(home)
    region = raw.get("country")
    if region:
        out["country"] = validate.country("country", region, known)
    for role in ("project_manager", "account_manager"):
        if raw.get(role):
            out[role] = validate.contact(role, raw[role], out.get("country"))
    if raw.get("commercial_team"):
        out["commercial_team"] = validate.email("commercial_team", raw["commercial_team"])
    if raw.get("contacts"):
        out["contacts"] = validate.contacts("contacts", raw["contacts"], out.get("country"))
    if raw.get("sites"):
        out["sites"] = [sites.site_entry(s, known) for s in raw["sites"]]
    if raw.get("lang"):
        from sdcli.i18n import LANGS

        lang = str(raw["lang"]).strip().lower()
        if lang not in LANGS:
            raise InvalidValue("lang", raw["lang"], "invalid.lang")
        out["lang"] = lang
    return out


def check_request(
    raw: dict[str, Any], home: Path | None, tz: str | None = None, *, dayfirst: bool | None = None,
    notes: list[Any] | None = None, directory: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Validate every field of a change request at once. Its window is read in the site's zone
    (--tz, the customer directory's site, else its country's only zone; a country with several
    needs it named) and must not be in the past."""
    known = sites.countries(home)
    place = sites.directory_site(directory or [], raw.get("customer"), raw.get("site"))
    code = sites.country_code(raw.get("country") or place.get("country"), known)
    zone = (
        tz or raw.get("timezone") or (place.get("timezone") if place.get("country", code) == code else None)
    )
    zone = zone or sites.only_zone(known, code)
    missing = [k for k in REQUIRED if not raw.get(k)] + ([] if code else ["country"])
    if code in known and not zone:
        missing.append("timezone")
    if missing:
        raise MissingAnswers([FLAGS[k] for k in missing], missing)
    problems = validate.Problems()
    out: dict[str, Any] = {}
    attempt = partial(problems.take, out)
    attempt("customer", lambda: validate.text("customer", raw["customer"], required=True))
    attempt("site", lambda: validate.text("site", raw["site"], required=True))
    attempt("type", lambda: validate.choice("type", raw["type"], types(home)))
    attempt("description", lambda: validate.text("description", raw["description"], required=True))
    country = attempt("country", lambda: validate.country("country", code, known))
    if country:
        attempt("timezone", lambda: sites.check_zone("timezone", zone, known, country, notes))
    site_tz = clock.get_tz(out.get("timezone"))
    for k in ("window_start", "window_end"):
        attempt(
            k,
            lambda k=k: validate.when(
                k, raw[k], site_tz, dayfirst=dayfirst, tense=validate.FUTURE, notes=notes
            ),
        )
    if raw.get("project_manager"):
        attempt(
            "project_manager", lambda: validate.contact("project_manager", raw["project_manager"], country)
        )
    if raw.get("callback_contacts"):
        attempt(
            "callback_contacts",
            lambda: validate.contacts("callback_contacts", raw["callback_contacts"], country),
        )
    problems.raise_all()
    validate.window(out["window_start"], out["window_end"], notes=notes)
    return out


#: why a change goes where it goes (routing.why_code; routing.why is its English text)
WHY = {"request": "route.why_request", "directory_pm": "route.why_directory", "account_manager": "route.why_account",
       "commercial_team": "route.why_commercial"}  # fmt: skip


def _why(code: str) -> dict[str, str]:
    return {"why": str(Message(WHY[code])), "why_code": code}


def route(request: dict[str, Any], customer: dict[str, Any] | None) -> dict[str, Any]:
    """Who receives the request: its project manager, else the account manager / commercial team."""
    if request.get("project_manager"):
        return {"to": "project_manager", "contact": request["project_manager"], **_why("request")}
    if customer and customer.get("project_manager"):
        return {"to": "project_manager", "contact": customer["project_manager"], **_why("directory_pm")}
    if customer and customer.get("account_manager"):
        return {"to": "account_manager", "contact": customer["account_manager"], **_why("account_manager"),
                **({"commercial_team": customer["commercial_team"]} if customer.get("commercial_team") else {})}  # fmt: skip
    if customer and customer.get("commercial_team"):
        return {"to": "commercial_team", "contact": {"name": str(Message("route.commercial_team")),
                                                     "email": customer["commercial_team"]}, **_why("commercial_team")}  # fmt: skip
    raise RuleViolation("error.no_route", customer=request["customer"], quoted=repr(request["customer"]))


def submit(store: Store, request: dict[str, Any], *, actor: str, home: Path | None = None) -> dict[str, Any]:
    """Create the change (submitted) and route it (routed), both in its history."""
    routing = route(request, find_customer(store, request["customer"]))
    doc = store.create("CHG", {**request, "status": workflow("change", home)["initial"]}, actor=actor)

    def apply(d: dict[str, Any]) -> None:
        d["routing"] = routing

    return transition(store, doc["id"], "route", actor=actor, home=home, apply=apply,
                      extra={"routed_to": routing["to"], "contact": routing["contact"].get("name")})  # fmt: skip


def states(home: Path | None = None) -> dict[str, Any]:
    flow = workflow("change", home)
    return {
        "initial": flow["initial"],
        "actions": {k: {"from": v["from"], "to": v["to"]} for k, v in flow["actions"].items()},
    }


# --------------------------------------------------------------------------- acceptance

RULE_ACCEPT = "rule.accept"  # the work is executed only after the customer accepts it
CALLBACK, DIRECTORY = "callback_contact", "customer_directory"


def _reach(contact: dict[str, Any]) -> set[str]:
    """A contact's email and phone (casefolded): what tells one person from another."""
    return {str(contact[k]).strip().casefold() for k in ("email", "phone") if contact.get(k)}


def _said(who: str) -> set[str]:
    """What --by may give: a name, an email, or 'Name <email> phone' (names by model.name_key:
    'Rosa Diaz' is Rosa Díaz)."""
    text = who.strip()
    out = {text.casefold(), name_key(text)}
    if "<" in text and ">" in text:
        name, rest = text.split("<", 1)
        out |= {name_key(name), rest.split(">", 1)[0].strip().casefold()}
    return out - {""}


def _names(contact: dict[str, Any], said: set[str]) -> bool:
    return bool(said & (_reach(contact) | {name_key(contact.get("name", ""))}))


def customer_side(doc: dict[str, Any], customer: dict[str, Any] | None) -> list[tuple[dict[str, Any], str]]:
    """(contact, how it is known) of the customer's people, who may accept the change."""
    out = [(c, CALLBACK) for c in doc.get("callback_contacts") or []]
    out += [(c, DIRECTORY) for c in (customer or {}).get("contacts") or []]
    return out


def bt_side(doc: dict[str, Any], customer: dict[str, Any] | None) -> list[tuple[dict[str, Any], str]]:
    """(contact, who they are) of the people the change is routed to and BT's sales side."""
    routing = doc.get("routing") or {}
    out: list[tuple[dict[str, Any], Any]] = []
    if routing.get("contact"):
        out.append((routing["contact"], Message("accept.routed_to", to=routing["to"])))
    name = doc.get("customer", "")
    if customer and customer.get("account_manager"):
        out.append((customer["account_manager"], Message("accept.account_manager", customer=name)))
    if customer and customer.get("commercial_team"):
        out.append(({"email": customer["commercial_team"]}, Message("accept.commercial_team", customer=name)))
    return out


def acceptor(doc: dict[str, Any], customer: dict[str, Any] | None, who: str) -> tuple[dict[str, Any], str]:
    """The customer's contact that `who` names, and how it is known. Refused: BT's side (by
    name, email or phone, also when listed as a customer contact) and anyone unknown."""
    said = _said(who)
    ours = [(c, how) for c, how in customer_side(doc, customer) if _names(c, said)]
    for c, role in bt_side(doc, customer):
        if _names(c, said) or any(_reach(c) & _reach(mine) for mine, _ in ours):
            raise RuleViolation("error.accept_bt_side", who=who.strip(), role=role, rule=Message(RULE_ACCEPT))
    if not ours:
        known = ", ".join(c.get("name") or c.get("email", "") for c, _ in customer_side(doc, customer))
        hint = Message("accept.contacts_are", known=known) if known else \
            Message("accept.none_known", customer=repr(doc.get("customer", "")))  # fmt: skip
        raise RuleViolation("error.accept_not_contact", who=who.strip(), rule=Message(RULE_ACCEPT), hint=hint)
    people = {frozenset(_reach(c)) or name_key(c.get("name", "")) for c, _ in ours}
    if len(people) > 1:  # two people by one name: the acceptance would be recorded from one by chance
        named = ", ".join(
            dict.fromkeys(f"{c.get('name', '')} <{c.get('email') or c.get('phone', '')}>" for c, _ in ours)
        )
        raise RuleViolation("error.accept_ambiguous", who=who.strip(), matches=named)
    return ours[0]


def accept(
    store: Store,
    ticket_id: str,
    who: str,
    *,
    actor: str,
    home: Path | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """Record the customer's acceptance, from a contact of the customer, given at `at` (default
    now; not before the request was filed)."""
    if parse_id(ticket_id)[0] != "CHG":
        raise RefusedTransition("error.not_of_kind", id=ticket_id, kind="change", prefix="CHG")
    directory = store.customers()
    event: dict[str, Any] = {}

    def apply(doc: dict[str, Any]) -> None:
        contact, how = acceptor(doc, sites.in_directory(directory, doc["customer"]), who)
        doc["accepted_by"] = {k: contact[k] for k in ("name", "email", "phone") if contact.get(k)}
        doc["accepted_as"] = how
        when = at or clock.now()
        happened.not_before(doc, "accept", when)  # as every --at: naming the step, in the session's words
        doc["accepted_at"] = sla.on_site_clock(doc, when)
        event.update(accepted_by=contact.get("name") or contact.get("email"), accepted_as=how)

    return transition(store, ticket_id, "accept", actor=actor, home=home, apply=apply, extra=event)
