"""The reference loader: the data match nrc.yaml, loading is idempotent, a bad file changes nothing."""

import copy
import datetime as dt

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from committees.models import Body, CadenceRule, Member
from cooperation.models import CooperationArea, InitialStep
from meetings.models import Venue
from nrc.models import AuditEntry
from nrc.reference import REFERENCE_FILE, reference_load

DECLARATION_RULES = {
    "NRC-HSG": (0, ""),
    "NRC-FM": (2, "year"),
    "NRC-DM": (2, "year"),
    "NRC-AMB": (1, "month"),
    "NRC-PC": (2, "month"),
    "NRC-CHOD": (2, "year"),
    "NRC-MR": (1, "month"),
    "NRC-MILEX": (0, ""),
}


def _data():
    with open(REFERENCE_FILE, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _counts():
    return (
        Member.objects.count(),
        Body.objects.count(),
        CadenceRule.objects.count(),
        CooperationArea.objects.count(),
        InitialStep.objects.count(),
        Venue.objects.count(),
    )


@pytest.mark.django_db
def test_members_match_the_council_at_each_date(reference):
    assert Member.objects.active_on(dt.date(2002, 5, 28)).count() == 20
    assert Member.objects.active_on(dt.date(2004, 3, 28)).count() == 20
    assert Member.objects.active_on(dt.date(2004, 3, 29)).count() == 27
    assert Member.objects.active_on(dt.date(2026, 11, 27)).count() == 33
    russia = Member.objects.get(iso2="RU")
    assert (russia.iso3, russia.name_fr, russia.name_ru) == ("RUS", "Fédération de Russie", "Российская Федерация")
    assert Member.objects.get(iso2="NO").name_en == "Norway"
    assert Member.objects.get(iso2="SE").joined_on == dt.date(2024, 3, 7)


@pytest.mark.django_db
def test_bodies_of_the_declaration_have_their_cadence_rules(reference):
    rules = {
        r.body.code: (r.min_meetings, r.period)
        for r in CadenceRule.objects.select_related("body").filter(body__code__in=DECLARATION_RULES)
    }
    assert rules == DECLARATION_RULES
    assert list(Body.objects.filter(allows_extraordinary=True).values_list("code", flat=True)) == ["NRC-AMB"]
    assert Body.objects.get(code="NRC-PC").parent.code == "NRC-AMB"
    sps = Body.objects.get(code="NRC(SPS)")
    assert [(r.min_meetings, r.period) for r in sps.cadence_rules.all()] == [(2, "year")]
    assert list(Body.objects.get(code="NRC(CAI)").areas.order_by("code").values_list("code", flat=True)) == [
        "NTC",
        "TER",
    ]
    assert Body.objects.count() == 17


@pytest.mark.django_db
def test_the_nine_areas_in_the_declarations_order(reference):
    assert list(CooperationArea.objects.values_list("code", flat=True)) == [
        "TER",
        "CM",
        "NP",
        "ACCBM",
        "TMD",
        "SAR",
        "MMDR",
        "CE",
        "NTC",
    ]
    assert InitialStep.objects.filter(area__code="CM").count() == 3


@pytest.mark.django_db
def test_loading_twice_changes_nothing(reference):
    before = _counts()
    entries = AuditEntry.objects.count()
    report = reference_load()
    assert not report.changed
    assert _counts() == before
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_a_changed_value_updates_the_row(reference):
    data = _data()
    data["members"][0]["name"]["fr"] = "Royaume de Belgique"
    report = reference_load(data=data)
    assert report.updated == {"member": 1}
    assert Member.objects.get(iso2=data["members"][0]["iso2"]).name_fr == "Royaume de Belgique"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["bodies"][-1].update(areas=["XYZ"]), "unknown area code 'XYZ'"),
        (lambda d: d["members"][3].pop("iso2"), "members[3] (France): 'iso2' is missing."),
        (lambda d: d["bodies"][4].update(parent="NRC-NOPE"), "parent body 'NRC-NOPE' is not in the file"),
    ],
)
def test_a_bad_file_is_refused_with_the_entry_named_and_nothing_changes(reference, mutate, message):
    # Given the loaded reference data, and a file with one inconsistent entry
    before = _counts()
    data = copy.deepcopy(_data())
    data["members"][0]["name"]["fr"] = "Changed before the bad entry"
    mutate(data)
    # When it is loaded
    with pytest.raises(ValidationError) as exc:
        reference_load(data=data)
    # Then the error names the entry, and nothing changed
    assert message in exc.value.messages[0]
    assert _counts() == before
    assert Member.objects.get(iso2="BE").name_fr == "Belgique"


@pytest.mark.django_db
def test_the_command_reports_a_bad_file(tmp_path, reference):
    bad = tmp_path / "bad.yaml"
    data = _data()
    data["bodies"][0]["kind"] = "parliament"
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(CommandError, match=r"bodies\[0\] \(NRC-HSG\): unknown kind 'parliament'"):
        call_command("load_reference", file=bad)


@pytest.mark.django_db
def test_reference_data_is_in_three_languages(reference):
    assert not InitialStep.objects.filter(text_fr="").exists()
    assert not InitialStep.objects.filter(text_ru="").exists()
    assert not Body.objects.filter(name_fr="").exists()
    assert not Body.objects.filter(name_ru="").exists()
    assert not CooperationArea.objects.filter(name_ru="").exists()
    assert InitialStep.objects.get(area__code="SAR", position=1).text_fr.startswith("suivre la mise en œuvre")
