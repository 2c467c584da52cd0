"""Fixtures for the scheduling tests: the ambassadorial Council and the headquarters venue."""

import pytest

from committees.models import Body
from meetings.models import Venue


@pytest.fixture
def amb(reference):
    return Body.objects.get(code="NRC-AMB")


@pytest.fixture
def hq(reference):
    return Venue.objects.get(name="NATO Headquarters")


def pdf_upload(name="paper.pdf", content=b"%PDF-1.7\n%test paper\n"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")
