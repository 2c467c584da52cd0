"""Loads the reference data file (members, bodies, cadence rules, areas, the default venue).

Idempotent: loading twice changes nothing; a value changed in the file updates its row. The whole file is
validated before anything is written, and written in one transaction: a bad file changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from committees.models import Basis, Body, BodyKind, CadenceRule, Member, Period
from cooperation.models import CooperationArea, InitialStep
from meetings.models import Venue

from .audit import audit_record, snapshot

REFERENCE_FILE = Path(__file__).resolve().parent.parent / "committees" / "data" / "reference.yaml"
LANGS = ("en", "fr", "ru")


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, bucket: str, label: str) -> None:
        target = self.created if bucket == "created" else self.updated
        target[label] = target.get(label, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _date(value: Any, where: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError(f"{where}: '{value}' is not a date (YYYY-MM-DD).") from exc


def _require(entry: dict, key: str, where: str) -> Any:
    value = entry.get(key) if isinstance(entry, dict) else None
    if value in (None, "", {}):
        raise ValidationError(f"{where}: '{key}' is missing.")
    return value


def reference_validate(data: Any) -> None:
    """Raise ValidationError naming the first inconsistent entry."""
    if not isinstance(data, dict):
        raise ValidationError("The reference file must be a mapping with members, areas and bodies.")
    for section in ("members", "areas", "bodies"):
        if not isinstance(data.get(section), list) or not data[section]:
            raise ValidationError(f"The reference file has no '{section}' list.")
    seen: set[str] = set()
    for i, m in enumerate(data["members"]):
        where = f"members[{i}] ({m.get('name', {}).get('en', '?') if isinstance(m, dict) else '?'})"
        iso2, iso3 = str(_require(m, "iso2", where)), str(_require(m, "iso3", where))
        if len(iso2) != 2 or len(iso3) != 3:
            raise ValidationError(f"{where}: ISO codes must have 2 and 3 letters, not '{iso2}' / '{iso3}'.")
        if iso2 in seen:
            raise ValidationError(f"{where}: ISO code '{iso2}' appears twice.")
        seen.add(iso2)
        name = _require(m, "name", where)
        for lang in LANGS:
            if not (isinstance(name, dict) and name.get(lang)):
                raise ValidationError(f"{where}: the name in '{lang}' is missing.")
        _date(_require(m, "joined", where), where)
        _date(m.get("left"), where)
    area_codes: set[str] = set()
    for i, a in enumerate(data["areas"]):
        where = f"areas[{i}]"
        code = str(_require(a, "code", where))
        where = f"areas[{i}] ({code})"
        if code in area_codes:
            raise ValidationError(f"{where}: area code '{code}' appears twice.")
        area_codes.add(code)
        if not (isinstance(a.get("name"), dict) and a["name"].get("en")):
            raise ValidationError(f"{where}: the English name is missing.")
    body_codes = [str(b.get("code", "")) if isinstance(b, dict) else "" for b in data["bodies"]]
    for i, b in enumerate(data["bodies"]):
        where = f"bodies[{i}]"
        code = str(_require(b, "code", where))
        where = f"bodies[{i}] ({code})"
        if body_codes.count(code) > 1:
            raise ValidationError(f"{where}: body code '{code}' appears twice.")
        if not (isinstance(b.get("name"), dict) and b["name"].get("en")):
            raise ValidationError(f"{where}: the English name is missing.")
        if b.get("kind") not in BodyKind.values:
            raise ValidationError(f"{where}: unknown kind '{b.get('kind')}'.")
        if b.get("basis", Basis.PERMANENT) not in Basis.values:
            raise ValidationError(f"{where}: unknown basis '{b.get('basis')}'.")
        if b.get("parent") and b["parent"] not in body_codes:
            raise ValidationError(f"{where}: parent body '{b['parent']}' is not in the file.")
        for area in b.get("areas") or []:
            if area not in area_codes:
                raise ValidationError(f"{where}: unknown area code '{area}'.")
        for member in b.get("participants") or []:
            if member not in seen:
                raise ValidationError(f"{where}: unknown member '{member}'.")
        _date(_require(b, "from", where), where)
        _date(b.get("to"), where)
        for j, rule in enumerate(b.get("cadence") or []):
            rwhere = f"{where} cadence[{j}]"
            if not isinstance(rule.get("min"), int) or rule["min"] < 0:
                raise ValidationError(f"{rwhere}: 'min' must be a whole number ≥ 0.")
            per = rule.get("per") or ""
            if per not in ("", *Period.values):
                raise ValidationError(f"{rwhere}: unknown period '{per}'.")
            if rule["min"] > 0 and not per:
                raise ValidationError(f"{rwhere}: a period is required when at least one meeting is.")
            _date(_require(rule, "from", rwhere), rwhere)


def _upsert(model, lookup: dict, values: dict, report: LoadReport, label: str, actor):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        report.count("created", label)
        audit_record(actor=actor, action=f"{label}.create", obj=obj, after=snapshot(obj))
        return obj
    changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
    if changed:
        before = snapshot(obj)
        for k, v in changed.items():
            setattr(obj, k, v)
        obj.save(update_fields=list(changed))
        report.count("updated", label)
        audit_record(actor=actor, action=f"{label}.update", obj=obj, before=before, after=snapshot(obj))
    return obj


def _set_m2m(manager, wanted: set, report: LoadReport, label: str) -> None:
    current = set(manager.values_list("pk", flat=True))
    if current != wanted:
        manager.set(wanted)
        report.count("updated", label)


@transaction.atomic
def reference_load(*, data: dict | None = None, path: Path | None = None, acting_user=None) -> LoadReport:
    if data is None:
        with open(path or REFERENCE_FILE, encoding="utf-8") as fh:
            try:
                data = yaml.safe_load(fh)
            except yaml.YAMLError as exc:
                raise ValidationError(f"The reference file is not valid YAML: {exc}") from exc
    reference_validate(data)
    report = LoadReport()
    members = {}
    for m in data["members"]:
        members[str(m["iso2"])] = _upsert(
            Member,
            {"iso2": str(m["iso2"])},
            {
                "iso3": str(m["iso3"]),
                "name_en": m["name"]["en"],
                "name_fr": m["name"]["fr"],
                "name_ru": m["name"]["ru"],
                "former_name": m.get("former_name", ""),
                "joined_on": _date(m["joined"], "member"),
                "left_on": _date(m.get("left"), "member"),
                "note": m.get("note", ""),
            },
            report,
            "member",
            acting_user,
        )
    areas = {}
    for position, a in enumerate(data["areas"], start=1):
        area = _upsert(
            CooperationArea,
            {"code": a["code"]},
            {
                "name_en": a["name"]["en"],
                "name_fr": a["name"].get("fr", ""),
                "name_ru": a["name"].get("ru", ""),
                "position": position,
                "is_reference": True,
            },
            report,
            "area",
            acting_user,
        )
        areas[a["code"]] = area
        for step_position, step in enumerate(a.get("initial_steps") or [], start=1):
            _upsert(
                InitialStep,
                {"area": area, "position": step_position},
                {"text_en": step["en"], "text_fr": step.get("fr", ""), "text_ru": step.get("ru", "")},
                report,
                "initial_step",
                acting_user,
            )
        InitialStep.objects.filter(area=area, position__gt=len(a.get("initial_steps") or [])).delete()
    bodies = {}
    for b in data["bodies"]:
        bodies[b["code"]] = _upsert(
            Body,
            {"code": b["code"]},
            {
                "name_en": b["name"]["en"],
                "name_fr": b["name"].get("fr", ""),
                "name_ru": b["name"].get("ru", ""),
                "kind": b["kind"],
                "level": b.get("level", ""),
                "rank": b.get("rank", 100),
                "chair": b.get("chair") or "",
                "co_chair": b.get("co_chair") or "",
                "basis": b.get("basis", Basis.PERMANENT),
                "mandate": b.get("mandate", ""),
                "existed_from": _date(b["from"], "body"),
                "existed_to": _date(b.get("to"), "body"),
                "allows_extraordinary": bool(b.get("allows_extraordinary")),
                "note": b.get("note", ""),
            },
            report,
            "body",
            acting_user,
        )
    for b in data["bodies"]:
        body = bodies[b["code"]]
        parent = bodies[b["parent"]] if b.get("parent") else None
        if body.parent_id != (parent.pk if parent else None):
            body.parent = parent
            body.save(update_fields=["parent"])
            report.count("updated", "body")
        _set_m2m(body.areas, {areas[c].pk for c in b.get("areas") or []}, report, "body")
        _set_m2m(body.participants, {members[c].pk for c in b.get("participants") or []}, report, "body")
        for rule in b.get("cadence") or []:
            _upsert(
                CadenceRule,
                {"body": body, "effective_from": _date(rule["from"], "rule")},
                {
                    "min_meetings": rule["min"],
                    "period": rule.get("per") or "",
                    "effective_to": _date(rule.get("to"), "rule"),
                    "source_text": rule.get("text", ""),
                },
                report,
                "cadence_rule",
                acting_user,
            )
    venue = (data.get("council") or {}).get("default_venue")
    if venue:
        _upsert(Venue, {"name": venue["name"]}, {"address": venue.get("address", "")}, report, "venue", acting_user)
    return report
