"""``get_<field>_display`` of the listed models gives what Django's gives."""

import pytest
from django.db.models import Model
from django.utils import translation

from committees.models import Basis, Body, BodyKind
from meetings.models import (
    DecisionMethod,
    DecisionStatus,
    JointDecision,
    Meeting,
    MeetingStatus,
    SessionRequest,
    SessionRequestStatus,
    Urgency,
)

CASES = [
    (Meeting, "status", [*MeetingStatus.values, "unknown"]),
    (SessionRequest, "status", SessionRequestStatus.values),
    (SessionRequest, "urgency", Urgency.values),
    (JointDecision, "method", DecisionMethod.values),
    (JointDecision, "status", DecisionStatus.values),
    (Body, "kind", BodyKind.values),
    (Body, "basis", Basis.values),
]


@pytest.mark.parametrize("language", ["en", "fr", "ru"])
@pytest.mark.parametrize(("model", "field", "values"), CASES)
def test_display_is_djangos(model, field, values, language):
    with translation.override(language):
        for value in values:
            # Given an instance holding the value
            instance = model(**{field: value})
            # then its display is what Django's own method gives, in the active language
            expected = Model._get_FIELD_display(instance, model._meta.get_field(field))
            assert getattr(instance, f"get_{field}_display")() == expected
            assert isinstance(expected, str)
    assert Meeting(status="unknown").get_status_display() == "unknown"
