"""Simple Service Requests: catalogue, the lead-time rule, pricing (the monthly invoice: invoices.py). No CLI imports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sdcli import calendars, clock, kinds, states, validate
from sdcli.dates import When
from sdcli.errors import ConfigError, InvalidValue, MissingAnswers, RuleViolation
from sdcli.home import load_data
from sdcli.i18n import Localized, Message
from sdcli.model import name_key

COMMON = ("requester", "customer", "site", "country", "category", "window_start", "window_end", "description")
FLAGS = {"requester": "--requester", "customer": "--customer", "site": "--site", "country": "--country",
         "category": "--category", "window_start": "--start", "window_end": "--end", "description": "--description"}  # fmt: skip


def catalogue(home: Path | None = None) -> dict[str, Any]:
    return load_data("ssr", home)


def category(home: Path | None, name: str) -> dict[str, Any]:
    """A category by its value or by its label in any language (case and accents aside)."""
    from sdcli.store.query import fold

    cats = {c["value"]: c for c in catalogue(home)["category"]}
    key = (name or "").strip().lower().replace(" ", "_").replace("-", "_")
    if key in cats:
        return cats[key]
    for c in cats.values():  # by its label in any language (case and accents aside)
        if any(fold(str(label)).strip() == fold(name or "").strip() for label in c["label"].values()):
            return c
    raise InvalidValue("category", name, "invalid.category", known=", ".join(cats))


# --------------------------------------------------------------------------- lead time

RENAMED = {"notice_business_hours": "notice_hours_over_business_days"}


@dataclass
class Verdict:
    accepted: bool
    rule: Message
    notice: timedelta  # notice as the rule counts it
    earliest: datetime  # the earliest start that would be accepted, in the site's zone
    zone: str | None = None
    #: a weekday start whose window runs into the weekend: when it does, the notice until then,
    #: and the notice the weekend rule asks (the source does not say which rule such a window follows)
    weekend_from: datetime | None = None
    weekend_notice: timedelta | None = None
    weekend_need: timedelta | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "rule": str(self.rule), "notice_hours": round(self.notice.total_seconds() / 3600, 2),
                "earliest": clock.iso(self.earliest), **self.weekend_fields()}  # fmt: skip

    def weekend_fields(self) -> dict[str, Any]:
        """What is stored of a window's weekend part: when it begins, and the notice until then."""
        if self.weekend_from is None or self.weekend_notice is None:
            return {}
        return {"weekend_from": clock.iso(calendars.local(self.weekend_from, clock.get_tz(self.zone))),
                "weekend_notice_hours": round(self.weekend_notice / timedelta(hours=1), 2)}  # fmt: skip

    def caveat(self) -> Message | None:
        """Accepted by the weekday rule while its weekend part has less notice than the weekend
        rule asks: said, never silently decided (the agent confirms that part with the customer)."""
        if not self.accepted or self.weekend_from is None or self.weekend_notice is None:
            return None
        if self.weekend_need is None or self.weekend_notice >= self.weekend_need:
            return None
        return Message("ssr.weekend_part", at=When(self.weekend_from, self.zone),
                       hours=_hours(self.weekend_notice), days=f"{self.weekend_need / timedelta(days=1):g}")  # fmt: skip

    def refusal(self) -> Message:
        """ "refused: " and the shortfall (what a form read from an e-mail is refused for: its
        outcome line says "refused" once)."""
        return Message("ssr.refused", reason=self.shortfall())

    def shortfall(self) -> Message:
        return Message("ssr.too_soon", rule=self.rule, hours=_hours(self.notice),
                       earliest=clock.iso(self.earliest), shown=When(self.earliest, self.zone))  # fmt: skip

    def acceptance(self) -> Message:
        return Message("ssr.accepted", rule=self.rule, hours=_hours(self.notice))


def _hours(span: timedelta) -> Any:
    """Hours of notice as the session writes them: 26.0 h, 26,0 h in Spanish and Portuguese;
    rounded down to the tenth (119.98 h is 119.9 h: a notice short of the rule is never
    quoted as the rule's own 120.0 h)."""
    from sdcli.amounts import Written

    tenths = span // timedelta(minutes=6)  # whole tenths of an hour, exactly (no float rounding up)
    return Written(f"{tenths / 10:.1f}")


def notice_rules(home: Path | None = None) -> tuple[timedelta, timedelta]:
    """(notice for weekday work, counted over business days; notice for weekend work, real time)."""
    cat = catalogue(home)
    for old, new in RENAMED.items():
        if old in cat:
            raise ConfigError("error.ssr_renamed", old=old, new=new)
    return (
        timedelta(hours=float(cat.get("notice_hours_over_business_days", 48))),
        timedelta(days=float(cat.get("weekend_notice_days", 5))),
    )


def check_lead_time(
    received: datetime, start: datetime, country: str, tz: Any, home: Path | None = None,
    end: datetime | None = None,
) -> Verdict:  # fmt: skip
    """The source's lead-time rule, on instants (README: Simple Service Requests).

    A start on a Saturday or Sunday (the site's local date) needs 5 days of real time since
    receipt; a start on any other day, public holidays included, needs 48 hours counted over
    the site country's business days (whole days, Monday to Friday, not public holidays).
    A weekday start whose window (to `end`) runs into the weekend is judged by its start, and the
    verdict keeps the notice its weekend part had (Verdict.caveat: the source leaves it open).
    """
    need, need_weekend = notice_rules(home)
    days = calendars.business_days(tz, country)
    received, start = calendars.instant(received), calendars.instant(start)
    earliest = min(
        days.first_on(days.add(received, need), calendars.WEEKDAYS),
        days.first_on(received + need_weekend, calendars.WEEKEND),
    )
    if days.weekday(start) in calendars.WEEKEND:
        notice = start - received
        ok = notice >= need_weekend
        rule = Message("ssr.rule_weekend", days=f"{need_weekend / timedelta(days=1):g}")
    else:
        notice = days.elapsed(received, start)
        ok = notice >= need
        rule = Message("ssr.rule_weekday", hours=f"{need / timedelta(hours=1):g}")
    verdict = Verdict(ok, rule, notice, calendars.local(earliest, tz), getattr(tz, "key", None))
    weekend = days.first_on(start, calendars.WEEKEND)
    if end is not None and start < weekend < calendars.instant(end):
        verdict.weekend_from, verdict.weekend_notice, verdict.weekend_need = (
            weekend,
            weekend - received,
            need_weekend,
        )
    return verdict


# --------------------------------------------------------------------------- requests


def price_for(
    home: Path | None, customer: str, cat: dict[str, Any], warnings: list[Any] | None = None
) -> dict[str, Any]:
    """The customer's price of a category (contracts.toml's [[ssr_price]], else the catalogue's),
    its currency an ISO 4217 code (a desk file naming another is refused, naming the key). A
    contract's price without a currency keeps meaning what it always did, the catalogue's
    currency, and `warnings` says so (a Brazilian customer's 45.50 was priced in USD without a word);
    two prices of one customer and category are refused, naming both, and so is an amount with
    more decimals than its currency has (45000.5 CLP), naming the key."""
    from sdcli import money

    values = [c["value"] for c in catalogue(home)["category"]]
    where = f"ssr.toml: category[{values.index(cat['value'])}].price"
    code = money.configured(cat["price"]["currency"], f"{where}.currency", home)
    price = {
        "amount": money.configured_amount(cat["price"]["amount"], code, f"{where}.amount", home),
        "currency": code,
    }
    if home is None or not (home / "contracts.toml").is_file():
        return price
    path = home / "contracts.toml"
    found = [(i, p) for i, p in enumerate(load_data("contracts", home).get("ssr_price", []))
             if p.get("category") == cat["value"] and name_key(p.get("customer")) == name_key(customer)]  # fmt: skip
    if len(found) > 1:
        raise ConfigError("error.ssr_price_twice", path=str(path), first=found[0][0], second=found[1][0],
                          customer=customer, category=cat["value"])  # fmt: skip
    if not found:
        return price
    i, p = found[0]
    if "currency" in p:
        code = money.configured(p["currency"], f"{path}: ssr_price[{i}].currency", home)
    elif warnings is not None:
        warnings.append(
            Message("note.price_without_currency", path=str(path), i=i, currency=price["currency"])
        )
    amount = money.configured_amount(p["amount"], code, f"{path}: ssr_price[{i}].amount", home)
    return {"amount": amount, "currency": code}


def check_request(
    raw: dict[str, Any], home: Path | None, *, tz_name: str | None = None, dayfirst: bool | None = None,
    notes: list[Any] | None = None, directory: list[dict[str, Any]] | None = None, now: datetime | None = None,
    warnings: list[Any] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Every field of the form is required; all missing ones are named at once. The window is read
    in the site's zone (--tz, the directory's site, else its country's only zone: a country with
    several needs it named) and must not be in the past (`now`: its words, "mañana 09:00", are
    read against it; an e-mail's receipt, else the clock). `warnings` gets what the agent must be
    told even in a script (--json): a contract's price taken in the catalogue's currency."""
    from sdcli import sites

    cat = category(home, raw["category"]) if raw.get("category") else None
    known = sites.countries(home)
    raw, zone = _placed(raw, tz_name, directory, known)
    extra_fields = cat["fields"] if cat else []
    details = raw.get("details") or {}
    _refuse_missing(raw, zone, known, extra_fields, details)
    assert cat is not None
    problems = validate.Problems()
    out: dict[str, Any] = {"category": cat["value"], "details": {}}
    attempt = partial(problems.take, out)

    country = attempt("country", lambda: validate.country("country", raw["country"], known))
    if country and zone:
        attempt("timezone", lambda: sites.check_zone("timezone", zone, known, country, notes))
    tz = clock.get_tz(out.get("timezone"))
    attempt("requester", lambda: validate.contact("requester", raw["requester"], country))
    for k in ("customer", "site", "description"):
        attempt(k, lambda k=k: validate.text(k, raw[k], required=True))
    for k in ("window_start", "window_end"):
        attempt(
            k,
            lambda k=k: validate.when(
                k, raw[k], tz, dayfirst=dayfirst, tense=validate.FUTURE, notes=notes, now=now
            ),
        )
    _check_details(problems, out["details"], details, extra_fields, cat["value"])
    problems.raise_all()
    validate.window(out["window_start"], out["window_end"], notes=notes)
    out["price"] = price_for(home, out["customer"], cat, warnings)
    return out


#: the keys an SSR form's JSON (--from-file) may hold
FORM_KEYS = (*COMMON, "details", "timezone", "received_at")


def refuse_unknown_keys(raw: dict[str, Any]) -> None:
    """A key of a form's JSON that no field reads is refused, never dropped: a "price" of 500
    BRL was left out and the catalogue's 60 USD stored in its place."""
    unknown = sorted(k for k in raw if k not in FORM_KEYS)
    if unknown:
        k = unknown[0]
        reason = (
            "invalid.price_not_from_form"
            if k in ("price", "amount", "currency")
            else "invalid.not_a_form_key"
        )
        raise InvalidValue(k, raw[k], reason, known=", ".join(FORM_KEYS))


def _placed(
    raw: dict[str, Any], tz_name: str | None, directory: list[dict[str, Any]] | None, known: dict[str, Any]
) -> tuple[dict[str, Any], str | None]:
    """The request with the directory's country for its site when none is given, and the zone
    its window is read in: --tz, the request's, the directory's site's (in that country), else the
    country's only zone (None when the country has several)."""
    from sdcli import sites

    place = sites.directory_site(directory or [], raw.get("customer"), raw.get("site"))
    if not raw.get("country") and place.get("country"):
        raw = {**raw, "country": place["country"]}
    code = sites.country_code(raw.get("country"), known)
    zone = (
        tz_name
        or raw.get("timezone")
        or (place.get("timezone") if place.get("country", code) == code else None)
    )
    return raw, zone or sites.only_zone(known, code)


def _refuse_missing(
    raw: dict[str, Any], zone: str | None, known: dict[str, Any], extra_fields: list[dict[str, Any]],
    details: dict[str, Any],
) -> None:  # fmt: skip
    """MissingAnswers naming every flag still needed: the common fields, --tz in a known country
    with several zones, and the category's own fields."""
    missing: list[str] = [FLAGS[k] for k in COMMON if not raw.get(k)]
    from sdcli import sites

    if sites.country_code(raw.get("country"), known) in known and not zone:
        missing.append("--tz")
    missing += [f"--field {f['key']}=..." for f in extra_fields if not str(details.get(f["key"], "")).strip()]
    if missing:
        raise MissingAnswers(missing)


def _check_details(
    problems: validate.Problems, out: dict[str, Any], details: dict[str, Any],
    extra_fields: list[dict[str, Any]], what: str,
) -> None:  # fmt: skip
    """The category's own fields, each by its kind's validator, into `out`; a detail the
    category does not have is a problem too."""
    for f in extra_fields:
        v = details[f["key"]]
        spec = kinds.Field(f["key"], f.get("kind", "text"), required=True)  # one validator per kind
        problems.take(
            out, f["key"], lambda spec=spec, v=v: kinds.check(spec.kind, spec.key, v, spec, {}, None)
        )
    unknown = sorted(set(details) - {f["key"] for f in extra_fields})
    if unknown:
        problems.items.append(
            InvalidValue(unknown[0], details[unknown[0]], "invalid.not_a_field_of", what=what)
        )


def request_fields(
    request: dict[str, Any], received: datetime, home: Path | None = None, warnings: list[Any] | None = None
) -> dict[str, Any]:
    """The stored SSR of a checked request received at `received`; RuleViolation when the lead
    time (counted from its receipt) refuses it. A weekend part with less notice than the weekend
    rule asks goes to `warnings` (and its notice is stored: weekend_from, weekend_notice_hours)."""
    from sdcli import sla

    tz = clock.get_tz(request.get("timezone"))
    verdict = check_lead_time(received, clock.from_iso(request["window_start"]), request["country"], tz, home,
                              end=clock.from_iso(request["window_end"]))  # fmt: skip
    if not verdict.accepted:
        raise RuleViolation(verdict.refusal())
    if warnings is not None and verdict.caveat() is not None:
        warnings.append(verdict.caveat())
    return {
        **request,
        "status": states.flow("ssr", home).initial,
        "received_at": sla.on_site_clock(request, received),
        "notice_hours": round(verdict.notice.total_seconds() / 3600, 2),
        **verdict.weekend_fields(),
    }


def file_request(
    store: Any, request: dict[str, Any], received: datetime, *, actor: str, home: Path | None = None,
    warnings: list[Any] | None = None,
) -> dict[str, Any]:  # fmt: skip
    fields = request_fields(request, received, home, warnings)  # opened when received, on the site's clock
    return store.create("SSR", fields, actor=actor, at=clock.from_iso(fields["received_at"]))


def confirm(store: Any, ticket_id: str, *, actor: str, note: str | None = None, at: datetime | None = None,
            claim: int | None = None) -> dict[str, Any]:  # fmt: skip
    """Record that the desk confirmed receipt of an SSR to the customer (its SSR id), at `at`
    (default now; not before the form arrived: happened.py). `claim`: as intake.acknowledge's."""
    from sdcli import happened, replies, sla
    from sdcli.errors import RefusedTransition

    confirmed = at or clock.now()
    now = store.now()

    def change(doc: dict[str, Any]) -> dict[str, Any]:
        if doc.get("kind") != "ssr":
            raise RefusedTransition("reply.not_ssr", id=doc["id"])
        if doc.get("confirmed_at"):
            raise RefusedTransition(
                "error.already_confirmed", id=doc["id"], at=When(doc["confirmed_at"], doc.get("timezone"))
            )
        if claim is None:
            replies.check(doc, now, "error.reply_being_sent")
        if at is not None:
            happened.not_before(doc, "confirm", at)
        doc["confirmed_at"] = sla.on_site_clock(doc, confirmed)
        return {"action": "confirm", **({"note": note} if note else {})}

    return store.update(ticket_id, change, actor=actor)


def confirmation(doc: dict[str, Any], lang: str, home: Path | None = None) -> str:
    from sdcli import money

    cat = category(home, doc["category"])
    texts = catalogue(home)["confirmation"]
    amount = money.shown(doc["price"]["amount"], doc["price"]["currency"], home).render(lang)
    price = f"{amount} {doc['price']['currency']}"  # as the customer's language writes it: 45,50 BRL
    zone = doc.get("timezone")
    start = When(doc["window_start"], zone, agent=clock.get_tz(zone)).render(
        lang
    )  # the customer's clock only
    return (
        Localized(texts)
        .render(lang)
        .format(
            id=doc["id"],
            category=Localized(cat["label"]).render(lang) or cat["value"],
            start=start,
            price=price,
        )
    )
