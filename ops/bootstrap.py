"""Creates the accounts of the smoke journey, drills and load test in a topology's scratch database.

Run with the topology's environment (production settings): ``OPS_PASSWORD=... python -m ops.bootstrap``.
One account per role, plus three more delegations; idempotent. Production data never sees it: the
topology runs it only against the scratch database it created.
"""

from __future__ import annotations

import os

import django

ACCOUNTS = [
    ("secretariat", "secretariat", None),
    ("chair", "chair", None),
    ("auditor", "auditor", None),
    ("admin", "administrator", None),
    ("delegation-us", "delegation", "US"),
    ("delegation-ru", "delegation", "RU"),
    ("delegation-fr", "delegation", "FR"),
    ("delegation-de", "delegation", "DE"),
]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nrc.settings.production")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from committees.models import Member

    password = os.environ["OPS_PASSWORD"]
    user_model = get_user_model()
    with transaction.atomic():
        for username, role, iso2 in ACCOUNTS:
            user, _ = user_model.objects.get_or_create(username=username)
            user.role = role
            user.member = Member.objects.get(iso2=iso2) if iso2 else None
            user.email = f"{username}@ops.nrc.example"
            user.is_staff = user.is_superuser = role == "administrator"
            user.set_password(password)
            user.save()


if __name__ == "__main__":
    main()
