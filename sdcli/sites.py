"""Where a site is: its country and its time zone. No CLI imports.

A country has one zone, or several (BR, MX, AR, CL...: countries.toml lists them with their main
cities). A site's zone is the one chosen for it (asked, --tz, a file's `timezone`), else the one
the customer directory knows for that customer's site, else its country's only zone. A country
with several zones never gets one silently.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sdcli.errors import InvalidValue
from sdcli.home import load_data
from sdcli.model import name_key


def countries(home: Path | None = None) -> dict[str, Any]:
    """Country code → its data (name, tz or zones)."""
    return load_data("countries", home)["countries"]


def country_lang(code: Any, home: Path | None = None) -> str | None:
    """The language a site's country reads (countries.toml's [languages]: pt for BR, es for the
    Spanish-speaking ones), None for a country it lists in none (the desk's language then)."""
    listed = load_data("countries", home).get("languages") or {}
    wanted = str(code or "").strip().upper()
    return next((lang for lang, codes in listed.items() if wanted and wanted in codes), None)


def in_language(cities: str, code: str | None = None, home: Path | None = None) -> str:
    """A zone's cities ("New York, Miami") as a language names them (countries.toml's [exonyms]:
    Nueva York in es), each city without a name of its own there as it is."""
    from sdcli.i18n import lang

    names = load_data("countries", home).get("exonyms") or {}
    wanted = code or lang()
    return ", ".join((names.get(c.strip()) or {}).get(wanted, c.strip()) for c in cities.split(","))


def names_of(city: str, home: Path | None = None) -> list[str]:
    """A city and its names in the other languages ([exonyms]): what a message may call it."""
    names = (load_data("countries", home).get("exonyms") or {}).get(city.strip()) or {}
    return list(dict.fromkeys([city.strip(), *names.values()]))


def country_code(text: Any, known: dict[str, Any]) -> str:
    """The code of the country a request names ("PE", "pe", "Perú", "Brasil"), else its text in
    capitals (refused with the other answers, by validate.country's rule)."""
    code = str(text or "").strip().upper()
    if code in known or not code:
        return code
    return country_named(str(text), known) or code


def country_named(text: str, known: dict[str, Any]) -> str | None:
    """The code of the one country whose name is text (compared as names are: model.name_key)."""
    wanted = name_key(text)
    found = [
        code
        for code, c in known.items()
        if isinstance(c, dict) and wanted and name_key(c.get("name")) == wanted
    ]
    return found[0] if len(found) == 1 else None


def _entries(known: dict[str, Any], code: str | None) -> list[dict[str, Any]]:
    country = known.get(code or "") or {}
    if "zones" in country:
        return list(country["zones"])
    if country.get("tz"):
        return [{"tz": country["tz"], "cities": country.get("cities", "")}]
    return []


def zones(known: dict[str, Any], code: str | None) -> list[tuple[str, str]]:
    """(IANA zone, main cities) of a country, in the order countries.toml gives them: the choice
    of its clocks (an entry with `offered = false` is another's clock today, and not in it)."""
    return [(z["tz"], z["cities"]) for z in _entries(known, code) if z.get("offered", True)]


def accepted(known: dict[str, Any], code: str | None) -> dict[str, str]:
    """Every IANA zone of a country a site may be given → the city that names it on screens: its
    entries (their first city) and the zones each stands for (`also`: the same clock since 2020)."""
    out: dict[str, str] = {}
    for entry in _entries(known, code):
        out[entry["tz"]] = entry.get("cities", "").split(",")[0].strip()
        out.update({z["tz"]: z["city"] for z in entry.get("also", [])})
    return out


def city_of(zone: str, home: Path | None = None) -> str | None:
    """The city countries.toml names a zone by (a country of several zones'), None if none."""
    known = countries(home)
    for code, country in known.items():
        if "zones" in country and zone in (found := accepted(known, code)):
            return found[zone] or None
    return None


def only_zone(known: dict[str, Any], code: str | None) -> str | None:
    """The zone of a country that has one; None for a country with several (or unknown)."""
    found = zones(known, code)
    return found[0][0] if len(found) == 1 else None


def several(known: dict[str, Any], code: str | None) -> bool:
    return len(zones(known, code)) > 1


def check_zone(
    field: str, value: Any, known: dict[str, Any], code: str | None, notes: list[Any] | None = None
) -> str:
    """An IANA zone; for a country whose zones are listed, one of them or of the zones they stand
    for (America/Monterrey, Mexico City's clock: kept as given), or another name the tz database
    keeps for one (US/Eastern, Brazil/East: stored as that zone, America/New_York, told in `notes`).
    A refusal names the choices."""
    from sdcli import clock, zonenames
    from sdcli.i18n import Message

    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(field, value, "invalid.zone")
    name = value.strip()
    listed = accepted(known, code)
    match = next((z for z in listed if z.casefold() == name.casefold()), None)
    if match:
        return match
    try:
        clock.get_tz(name)
    except InvalidValue:
        raise InvalidValue(field, value, "invalid.zone") from None
    if listed:
        same = zonenames.same_zone(name, list(listed), code)
        if same is not None:
            if notes is not None:
                notes.append(Message("note.zone_stored", field=field, text=name, zone=same))
            return same
        choices = ", ".join(z for z, _ in zones(known, code))
        raise InvalidValue(field, value, "invalid.zone_of", country=code, zones=choices)
    return name


def in_directory(directory: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    """The customer directory's record of a customer, however its name is written (name_key)."""
    key = name_key(name)
    return next((c for c in directory if name_key(c.get("name")) == key), None)


def directory_site(directory: list[dict[str, Any]], customer: Any, site: Any) -> dict[str, Any]:
    """What the customer directory knows of a customer's site: {country, timezone} (empty if nothing)."""
    if not isinstance(customer, str) or not customer.strip():
        return {}
    record = in_directory(directory, customer)
    if record is None:
        return {}
    out: dict[str, Any] = {}
    if record.get("country"):
        out["country"] = record["country"]
    if isinstance(site, str) and site.strip():
        key = name_key(site)
        for s in record.get("sites") or []:
            if name_key(s.get("name")) == key:
                out.update({k: s[k] for k in ("country", "timezone") if s.get(k)})
    return out


def site_entry(raw: str, known: dict[str, Any]) -> dict[str, str]:
    """A directory site from 'NAME=ZONE' (customer add --site): its country is the one whose
    zones list it."""
    name, eq, zone = (raw or "").partition("=")
    if not eq or not name.strip() or not zone.strip():
        raise InvalidValue("site", raw, "invalid.site_entry")
    from sdcli import clock

    zone = zone.strip()
    clock.get_tz(zone)
    out = {"name": name.strip(), "timezone": zone}
    from sdcli import zonenames

    for code in known:
        listed = {z.casefold(): z for z in accepted(known, code)}
        same = listed.get(zone.casefold()) or zonenames.same_zone(zone, list(listed.values()), code)
        if same:  # a name the tz database keeps for one of its zones: stored as that zone
            out["timezone"] = same
            out["country"] = code
            break
    return out
